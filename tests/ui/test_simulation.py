"""The simulation panel of the Roster and What-if pages, run headlessly."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from scheduler.plan import Plan


def _page(plan: "Plan") -> None:  # noqa: UP037 (AppTest runs the source alone)
    from ui import simulation

    simulation.panel({"roster": simulation.Roster.of(plan)}, key="sim")


def test_the_panel_sets_simulated_service_levels_beside_the_promised_ones(
    sample_plan: Plan,
) -> None:
    app = AppTest.from_function(_page, args=(sample_plan,), default_timeout=120)
    app.run()
    assert not app.exception
    assert not app.dataframe  # nothing simulated before the button is pressed
    app.button(key="sim").click().run()
    assert not app.exception
    table = app.dataframe[0].value
    assert list(table["channel"]) == list(sample_plan.centre.channels)
    for row in table.to_dict(orient="records"):
        figures = sample_plan.kpis["channels"][row["channel"]]
        assert row["promised"] == pytest.approx(100 * figures["service_level"])
        assert 0 <= row["simulated"] <= 100
        assert row["difference (points)"] == pytest.approx(
            row["simulated"] - row["promised"]
        )
    warned = {w.value.split(",")[1].split(":")[0].strip() for w in app.warning}
    assert warned == set(table.loc[table["flagged"], "channel"])
    # The result stays while the plan does: a rerun shows it without simulating.
    app.run()
    assert app.dataframe[0].value.equals(table)
