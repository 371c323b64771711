"""Skills: every work segment is on a channel its agent may serve.

The rule holds when every ``work`` segment has a ``channel`` that is one of its
agent's skills (``agents.csv``), and a walk-in channel (kind ``walk_in``) is served
only by agents whose ``site`` is the channel's ``site``. Work by an agent missing
from the agents is a breach too. Amounts are minutes of work on the wrong channel,
one violation per agent, date, channel and reason.
"""

from __future__ import annotations

import numpy as np

from scheduler.agents import SITE, SKILLS
from scheduler.roster.inputs import RosterInputs
from scheduler.roster.rules.base import Finding, Violation, violations_of
from scheduler.roster.view import SHIFT_KEY, WORK, RosterView
from scheduler.schema import ACTIVITY, AGENT_ID, CHANNEL, END, START

REASON = "reason"
MINUTES = "minutes"


class SkillsRule:
    """Work only on the agent's skills; walk-in work only at the channel's site."""

    name = "skills"
    hard = True

    # ----------------------------------------------------------------- audit
    def audit(self, view: RosterView) -> list[Violation]:
        """Minutes of work on a channel the agent may not serve, per day."""
        channels = view.centre.channels
        work = view.segments.loc[view.segments[ACTIVITY] == WORK]
        work = work.join(view.agents[[SKILLS, SITE]], on=AGENT_ID)
        known_agent = work[SKILLS].notna()
        skilled = [
            isinstance(skills, tuple) and channel in skills
            for skills, channel in zip(work[SKILLS], work[CHANNEL], strict=True)
        ]
        site = work[CHANNEL].map(
            {n: c.site for n, c in channels.items() if c.kind == "walk_in"}
        )
        reasons = np.select(
            [
                ~known_agent,
                work[CHANNEL] == "",
                ~np.array(skilled, dtype=bool),
                site.notna() & (site != work[SITE]),
            ],
            [
                "the agent is not in the agents",
                "work without a channel",
                "channel {c!r} is not one of the agent's skills",
                "walk-in channel {c!r} is served only at its site",
            ],
            default="",
        )
        work = work.copy()
        work[REASON] = reasons
        work[MINUTES] = (work[END] - work[START]).dt.total_seconds() / 60
        wrong = work.loc[work[REASON] != ""]
        totals = (
            wrong.groupby([*SHIFT_KEY, CHANNEL, REASON], sort=True)[MINUTES]
            .sum()
            .reset_index()
        )
        details = [
            f"{r.format(c=c)}: {m:g} min of work"
            for r, c, m in zip(
                totals[REASON], totals[CHANNEL], totals[MINUTES], strict=True
            )
        ]
        return violations_of(self.name, totals, details, totals[MINUTES], "min")

    # -------------------------------------------------------------- diagnose
    def diagnose(self, inputs: RosterInputs) -> list[Finding]:
        """A warning for each channel open in the week that no agent may serve."""
        skills = {s for agent_skills in inputs.agents[SKILLS] for s in agent_skills}
        findings = []
        for name, channel in inputs.centre.channels.items():
            open_days = sum(channel.hours(d.weekday()).is_open for d in inputs.days)
            if open_days and name not in skills:
                findings.append(
                    Finding(
                        self.name,
                        None,
                        None,
                        f"channel {name!r} is open on {open_days} day(s) but no agent "
                        "has it as a skill",
                        float(open_days),
                        "day",
                        "warning",
                    )
                )
        return findings


RULE = SkillsRule()
