"""Shifts from rules: the menu of shift templates and where their breaks may go.

A shift template is a start time on the configured grid and an allowed length; the
same menu applies to every day (a day's shifts may cross midnight when
``latest_end`` is earlier than ``earliest_start``). Time is counted in *slots* of
the plan interval (15 or 30 minutes).

Break windows
-------------
Every break rule whose ``min_shift_hours`` the shift reaches applies to it. A rule's
``window`` names a region of the shift, counted from the shift's start, in which the
whole break must lie:

* without a ``middle`` rule: ``first_half`` is ``[1 h, L/2]`` and ``second_half`` is
  ``[L/2, L - 1 h]``;
* with a ``middle`` rule (a lunch): ``first_half`` is ``[1 h, L/3]``, ``middle`` is
  ``[L/3, 2L/3]`` and ``second_half`` is ``[2L/3, L - 1 h]``,

where ``L`` is the shift length. Region ends are rounded inwards to the slot grid. The
regions do not overlap, so an agent's breaks never collide, and nobody starts or ends
a shift on a break. When a region is too short for its break with the one-hour
margins, the margins are dropped; when it is still too short, the centre's rules are
contradictory and :func:`shift_templates` says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scheduler.config import BreakRule, ShiftRules
from scheduler.exceptions import InvalidInputError

MINUTES_PER_DAY = 24 * 60
_MARGIN_MINUTES = 60


@dataclass(frozen=True, slots=True)
class BreakWindow:
    """Where one break of a shift may start, in slots from the shift's start.

    Attributes
    ----------
    rule : int
        Index of the rule in ``centre.shifts.breaks``.
    activity : str
        ``"break"`` or ``"lunch"``.
    duration_slots : int
        Length of the break in slots.
    paid : bool
        Whether the break is paid time.
    earliest_slot, latest_slot : int
        First and last allowed start of the break, in slots after the shift's
        start (inclusive).
    """

    rule: int
    activity: str
    duration_slots: int
    paid: bool
    earliest_slot: int
    latest_slot: int

    @property
    def starts(self) -> range:
        """Allowed start offsets in slots after the shift's start."""
        return range(self.earliest_slot, self.latest_slot + 1)


@dataclass(frozen=True, slots=True)
class ShiftTemplate:
    """A shift on the menu: start within its day and length, with break windows.

    Attributes
    ----------
    start_slot : int
        Start in slots after the local midnight of the shift's day.
    length_slots : int
        Length in slots, breaks included.
    breaks : tuple of BreakWindow
        The breaks the shift must have, in order of their windows.
    """

    start_slot: int
    length_slots: int
    breaks: tuple[BreakWindow, ...]

    @property
    def end_slot(self) -> int:
        """End in slots after the midnight of the shift's day (may pass a day)."""
        return self.start_slot + self.length_slots

    @property
    def unpaid_slots(self) -> int:
        """Slots of unpaid breaks."""
        return sum(b.duration_slots for b in self.breaks if not b.paid)

    @property
    def paid_slots(self) -> int:
        """Paid slots: the length less unpaid breaks."""
        return self.length_slots - self.unpaid_slots


def parse_clock_minutes(text: str) -> int:
    """Minutes after midnight of ``HH:MM`` (``24:00`` gives 1440)."""
    hours, _, minutes = text.strip().partition(":")
    return int(hours) * 60 + int(minutes)


def _regions(length_min: int, windows: set[str]) -> dict[str, tuple[float, float]]:
    """Region of each window name in minutes from the shift's start."""
    if "middle" in windows:
        third = length_min / 3
        return {
            "first_half": (_MARGIN_MINUTES, third),
            "middle": (third, 2 * third),
            "second_half": (2 * third, length_min - _MARGIN_MINUTES),
        }
    half = length_min / 2
    return {
        "first_half": (_MARGIN_MINUTES, half),
        "second_half": (half, length_min - _MARGIN_MINUTES),
    }


def break_windows(
    rules: list[BreakRule], length_min: int, interval_minutes: int
) -> tuple[BreakWindow, ...]:
    """The break windows of a shift of ``length_min`` minutes.

    Parameters
    ----------
    rules : list of BreakRule
        The centre's break rules (``centre.shifts.breaks``).
    length_min : int
        Shift length in minutes, breaks included.
    interval_minutes : int
        Plan interval (slot length) in minutes.

    Raises
    ------
    InvalidInputError
        When a break does not fit its window, or two rules share a window.
    """
    applied = [
        (i, r) for i, r in enumerate(rules) if length_min >= r.min_shift_hours * 60
    ]
    names = [r.window for _, r in applied]
    if len(set(names)) != len(names):
        raise InvalidInputError(
            f"centre.toml: shifts.breaks: two break rules share a window for "
            f"{length_min / 60:g} h shifts ({', '.join(names)}); give each rule "
            "its own window (first_half, middle, second_half)"
        )
    regions = _regions(length_min, set(names))
    windows = []
    for index, rule in applied:
        if rule.duration_minutes % interval_minutes:
            raise InvalidInputError(
                f"centre.toml: shifts.breaks[{index}].duration_minutes = "
                f"{rule.duration_minutes} is not a whole number of "
                f"{interval_minutes}-minute intervals"
            )
        duration = rule.duration_minutes // interval_minutes
        lo_min, hi_min = regions[rule.window]
        lo = math.ceil(lo_min / interval_minutes - 1e-9)
        hi = math.floor(hi_min / interval_minutes + 1e-9)
        if hi - duration < lo and rule.window != "middle":
            # Drop the one-hour margin at the shift's edge.
            lo = 0 if rule.window == "first_half" else lo
            hi = length_min // interval_minutes if rule.window == "second_half" else hi
        if hi - duration < lo:
            raise InvalidInputError(
                f"centre.toml: shifts.breaks[{index}]: a {rule.duration_minutes}-"
                f"minute {rule.activity} does not fit the {rule.window} of a "
                f"{length_min / 60:g} h shift; shorten it, raise its min_shift_hours "
                "or remove that shift length"
            )
        windows.append(
            BreakWindow(
                rule=index,
                activity=rule.activity,
                duration_slots=duration,
                paid=rule.paid,
                earliest_slot=lo,
                latest_slot=hi - duration,
            )
        )
    windows.sort(key=lambda w: w.earliest_slot)
    return tuple(windows)


def shift_templates(rules: ShiftRules, interval_minutes: int) -> list[ShiftTemplate]:
    """Every shift the rules allow in one day, ordered by start then length.

    Starts run from ``earliest_start`` on the ``start_granularity_minutes`` grid;
    a shift must end by ``latest_end``, which is on the next day when it is not
    later than ``earliest_start`` (overnight shifts).

    Parameters
    ----------
    rules : ShiftRules
        The centre's shift rules.
    interval_minutes : int
        Plan interval (slot length) in minutes.

    Raises
    ------
    InvalidInputError
        When the grid or a length is not a whole number of intervals, or no shift
        fits between the earliest start and the latest end.
    """
    step = rules.start_granularity_minutes
    if step % interval_minutes:
        raise InvalidInputError(
            f"centre.toml: shifts.start_granularity_minutes = {step} is not a "
            f"multiple of the {interval_minutes}-minute plan interval"
        )
    earliest = parse_clock_minutes(rules.earliest_start)
    latest = parse_clock_minutes(rules.latest_end)
    if latest <= earliest:
        latest += MINUTES_PER_DAY
    if earliest % interval_minutes:
        raise InvalidInputError(
            f"centre.toml: shifts.earliest_start = {rules.earliest_start!r} is not on "
            f"the {interval_minutes}-minute grid"
        )
    templates = []
    for hours in sorted(set(rules.lengths_hours)):
        length_min = round(hours * 60)
        if length_min % interval_minutes:
            raise InvalidInputError(
                f"centre.toml: shifts.lengths_hours has {hours:g}, which is not a "
                f"whole number of {interval_minutes}-minute intervals"
            )
        windows = break_windows(rules.breaks, length_min, interval_minutes)
        for start in range(earliest, latest - length_min + 1, step):
            templates.append(
                ShiftTemplate(
                    start_slot=start // interval_minutes,
                    length_slots=length_min // interval_minutes,
                    breaks=windows,
                )
            )
    if not templates:
        raise InvalidInputError(
            f"centre.toml: no shift of lengths {rules.lengths_hours} h fits between "
            f"shifts.earliest_start {rules.earliest_start} and shifts.latest_end "
            f"{rules.latest_end}"
        )
    templates.sort(key=lambda t: (t.start_slot, t.length_slots))
    return templates
