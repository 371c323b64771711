"""Simulated figures beside the analytic ones, for the Roster and What-if pages.

A button runs :func:`scheduler.simulate.verify_roster` (a few simulated weeks, in
this process) for each roster shown; the result stays in the session while the
plan stays the same. Nothing is computed here beyond picking columns to show.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from scheduler.config import Centre
from scheduler.evaluate import Evaluation
from scheduler.plan import Plan
from scheduler.simulate import (
    DEFAULT_TOLERANCE,
    SimulationSettings,
    Verification,
    verify_roster,
)

#: Simulated weeks per roster: about a second each on the sample centre.
REPLICATIONS = 5
_MEMO = "_simulation_verifications"


@dataclass(frozen=True)
class Roster:
    """A roster with what it is checked against."""

    roster: pd.DataFrame
    requirements: pd.DataFrame
    centre: Centre
    agents: pd.DataFrame
    evaluation: Evaluation

    @classmethod
    def of(cls, plan: Plan) -> Roster:
        """A plan's roster, requirements and evaluation."""
        return cls(
            plan.roster, plan.requirements, plan.centre, plan.agents, plan.evaluation
        )


def _verified(key: str, name: str, source: Roster) -> Verification | None:
    """The stored verification of ``source``, if its evaluation is unchanged."""
    memo = st.session_state.get(_MEMO, {}).get((key, name))
    if memo is not None and memo[0] is source.evaluation:
        verification: Verification = memo[1]
        return verification
    return None


def panel(sources: Mapping[str, Roster], key: str) -> None:
    """A button to simulate, and a table of promised against simulated figures.

    Parameters
    ----------
    sources : Mapping of str to Roster
        The rosters to verify, by the name shown in the table.
    key : str
        Widget key, unique on the page.
    """
    st.markdown("**Verified by simulation**")
    st.caption(
        f"Plays each roster out for {REPLICATIONS} simulated weeks, contact by "
        "contact (Poisson arrivals, exponential handle times and patience, chat "
        "concurrency, the email backlog, agents serving every skill with live "
        "channels first), and sets the simulated weekly service level beside the "
        "analytic promise. Differences beyond "
        f"{100 * DEFAULT_TOLERANCE:.0f} points and the simulation's 95 % "
        "interval are flagged."
    )
    if st.button(f"Simulate {REPLICATIONS} weeks", key=key):
        memo = st.session_state.setdefault(_MEMO, {})
        settings = SimulationSettings(replications=REPLICATIONS, workers=1)
        with st.spinner("simulating"):
            for name, source in sources.items():
                memo[(key, name)] = (
                    source.evaluation,
                    verify_roster(
                        source.roster,
                        source.requirements,
                        source.centre,
                        source.agents,
                        source.evaluation,
                        settings,
                    ),
                )
    frames = []
    for name, source in sources.items():
        verification = _verified(key, name, source)
        if verification is None:
            continue
        weekly = verification.weekly
        frames.append(
            pd.DataFrame(
                {
                    "roster": name,
                    "channel": weekly["channel"],
                    "promised": 100 * weekly["analytic_service_level"],
                    "simulated": 100 * weekly["simulated_service_level"],
                    "± (95 %)": 100 * weekly["service_level_half_width"],
                    "difference (points)": 100 * weekly["difference"],
                    "flagged": weekly["flagged"],
                    "target": 100 * weekly["target"],
                }
            )
        )
    if not frames:
        return
    table = pd.concat(frames, ignore_index=True)
    percent = st.column_config.NumberColumn(format="%.1f %%")
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            "promised": percent,
            "simulated": percent,
            "± (95 %)": percent,
            "target": percent,
            "difference (points)": st.column_config.NumberColumn(format="%+.1f"),
        },
    )
    for row in table.loc[table["flagged"]].to_dict(orient="records"):
        st.warning(
            f"{row['roster']}, {row['channel']}: the simulation gives "
            f"{row['simulated']:.1f} % where the analytic model promises "
            f"{row['promised']:.1f} % ({row['difference (points)']:+.1f} points)."
        )
