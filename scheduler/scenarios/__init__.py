"""What-if scenarios: a base plan plus named changes, evaluated two ways.

* :mod:`scheduler.scenarios.changes`: the changes (chat deflection, first-contact
  resolution, call-backs, volume, handle time, target, shrinkage, agents) and the
  models behind them;
* :mod:`scheduler.scenarios.run`: one scenario, evaluated with today's roster and
  re-planned;
* :mod:`scheduler.scenarios.sweep`: one scenario per value of a parameter, in
  parallel on local processes or Ray, with the break-even value.
"""

from scheduler.scenarios.changes import (
    AddAgents,
    AhtChange,
    Callbacks,
    Change,
    Deflection,
    FirstContactResolution,
    RemoveAgents,
    ScenarioInputs,
    ShrinkageChange,
    TargetChange,
    VolumeChange,
    change_from_record,
)
from scheduler.scenarios.run import Scenario, ScenarioResult, run_scenario
from scheduler.scenarios.sweep import (
    SweepResult,
    SweepSettings,
    deflection_scenarios,
    run_sweep,
)

__all__ = [
    "AddAgents",
    "AhtChange",
    "Callbacks",
    "Change",
    "Deflection",
    "FirstContactResolution",
    "RemoveAgents",
    "Scenario",
    "ScenarioInputs",
    "ScenarioResult",
    "ShrinkageChange",
    "SweepResult",
    "SweepSettings",
    "TargetChange",
    "VolumeChange",
    "change_from_record",
    "deflection_scenarios",
    "run_scenario",
    "run_sweep",
]
