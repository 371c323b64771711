"""Queueing maths for live channels: Erlang B, C and A, and chat with concurrency.

Pure numpy (and scipy's incomplete gamma function), vectorised over intervals: every
function takes arrays of per-interval inputs and evaluates all of them at once. The
central object is the *service-level curve*: for each interval and each headcount
``n = 0 .. n_max`` the expected service level, probability of waiting, average speed
of answer, occupancy and abandonment. Requirements (the least ``n`` meeting every
target) and the reverse calculation (figures for a given headcount) are both read off
that curve, and the roster optimiser uses it to trade intervals against each other.

Models
------
Erlang C (M/M/n)
    Poisson arrivals at rate ``λ``, exponential handle time with mean ``aht_s``,
    ``n`` agents, infinitely patient callers. Computed through the Erlang B recursion
    ``B(0) = 1``, ``B(k) = A·B(k-1) / (k + A·B(k-1))`` (stable for thousands of
    agents), then ``C = n·B / (n - A·(1 - B))``, ``SL(T) = 1 - C·exp(-(n - A)·T/aht)``
    and ``ASA = C·aht/(n - A)``, where ``A = λ·aht`` is the offered load in Erlangs.
    With ``n <= A`` the queue is unstable: service level 0, everyone waits.

Erlang A (M/M/n+M)
    As Erlang C, but each waiting caller abandons after an exponential patience with
    mean ``patience_s``. The waiting time ``V`` an infinitely patient arrival would
    see has an atom ``1 - P(wait)`` at zero and, for ``v > 0``, a density
    proportional to ``exp(λ·(1 - exp(-θv))/θ - nμv)`` (θ = 1/patience, μ = 1/aht).
    Integrating it in closed form with the regularised incomplete gamma function
    gives exact P(wait), P(abandon), ASA and service level, and the figures converge
    to Erlang C as patience grows.

    **How abandoned contacts count in the service level**: the service level is the
    share of *all offered* contacts that are answered within the target time.
    A contact that abandons, however soon, counts as not answered within target. ASA
    is the mean time in queue over all offered contacts, until answer or abandonment.
    These are the definitions of pyworkforce's ``ErlangA``, and its published values
    are reproduced exactly.

Chat with concurrency (limited processor sharing)
    An agent can hold up to ``concurrency`` chats. Holding ``k`` chats slows each of
    them down: the handle time of a chat is ``aht_s·(1 + slowdown·(k - 1))``, where
    ``aht_s`` is the handle time of a chat handled alone. An agent holding ``k``
    chats therefore completes ``r(k) = k / (aht_s·(1 + slowdown·(k - 1)))`` chats a
    second, which grows less than proportionally with ``k``. The router gives a new
    chat to the least-loaded agent, so ``m`` chats in service are spread as evenly as
    possible and complete at ``μ(m) = (n - m mod n)·r(m div n) + (m mod n)·r(m div n
    + 1)``. When all ``n·concurrency`` slots are full, new chats queue first come
    first served. The number of chats in the system is a birth-death chain with
    births ``λ`` and deaths ``μ(m)``; a chat waits when it finds every slot full, and
    its wait is then exponential with rate ``n·r(concurrency) - λ`` exactly as in
    Erlang C. With ``concurrency = 1`` the model *is* Erlang C. Occupancy of a chat
    queue is the mean share of chat slots in use.

All times are seconds; service level, probabilities and occupancy are fractions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import special

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# Below this the regularised incomplete gamma function loses all relative precision;
# the Erlang A formulas then switch to the series and quadrature forms, which are
# exact in that (nearly Erlang C) regime.
_GAMMA_UNDERFLOW = 1e-250
_LEGENDRE_NODES, _LEGENDRE_WEIGHTS = np.polynomial.legendre.leggauss(64)


@dataclass(frozen=True, slots=True)
class LiveQueue:
    """A single-skill queue of callers or walk-in customers.

    Parameters
    ----------
    patience_s : float or None
        Mean patience of a waiting customer in seconds (Erlang A). ``None`` means
        infinitely patient customers (Erlang C).
    """

    patience_s: float | None = None

    def __post_init__(self) -> None:
        if self.patience_s is not None and not self.patience_s > 0:
            raise ValueError(f"patience_s must be > 0 seconds, got {self.patience_s!r}")


@dataclass(frozen=True, slots=True)
class ConcurrentQueue:
    """A chat queue whose agents hold several chats at once.

    Parameters
    ----------
    concurrency : int
        Most chats an agent holds at once (1 to 12).
    slowdown : float
        Relative growth of a chat's handle time per extra chat held: with ``k``
        chats each takes ``aht_s·(1 + slowdown·(k - 1))``. 0 means no slowdown.
    """

    concurrency: int
    slowdown: float = 0.0

    def __post_init__(self) -> None:
        if not 1 <= self.concurrency <= 12:
            raise ValueError(f"concurrency must be 1 to 12, got {self.concurrency!r}")
        if not self.slowdown >= 0:
            raise ValueError(f"slowdown must be >= 0, got {self.slowdown!r}")

    def chats_per_second(self, held: npt.ArrayLike, aht_s: npt.ArrayLike) -> FloatArray:
        """Completion rate ``r(k)`` of one agent holding ``held`` chats (per second)."""
        k = np.asarray(held, dtype=np.float64)
        return k / (np.asarray(aht_s, dtype=np.float64) * (1 + self.slowdown * (k - 1)))

    def clearing_s(self, held: npt.ArrayLike, aht_s: npt.ArrayLike) -> FloatArray:
        """Expected seconds an agent holding ``held`` chats takes to finish them all
        when it takes no more.

        With ``j`` chats held the next one ends after ``1/r(j)`` seconds on average
        (exponential work), so ``k`` chats take ``Σ_{j=1..k} aht_s·(1 +
        slowdown·(j − 1))/j``; a fractional ``held`` (a mean) is interpolated
        linearly between the whole numbers around it, and is clipped to
        ``[0, concurrency]``.
        """
        k = np.clip(np.asarray(held, dtype=np.float64), 0.0, self.concurrency)
        j = np.arange(1, self.concurrency + 1, dtype=np.float64)
        steps = np.concatenate([[0.0], np.cumsum((1 + self.slowdown * (j - 1)) / j)])
        whole = np.minimum(np.floor(k), self.concurrency - 1).astype(np.int64)
        share = steps[whole] + (k - whole) * (steps[whole + 1] - steps[whole])
        out: FloatArray = np.asarray(aht_s, dtype=np.float64) * share
        return out


QueueModel = LiveQueue | ConcurrentQueue


@dataclass(frozen=True, slots=True)
class StaffingTarget:
    """What a live channel must achieve in every interval.

    Parameters
    ----------
    service_level : float
        Share of offered contacts to answer within ``answer_within_s``, in [0, 1].
    answer_within_s : float
        Target answer time in seconds (the "20" of "80/20").
    max_asa_s : float or None
        Upper limit on the average speed of answer in seconds.
    max_occupancy : float or None
        Upper limit on agent occupancy, in (0, 1].
    max_abandon : float or None
        Upper limit on the share of contacts that abandon (Erlang A only).
    """

    service_level: float
    answer_within_s: float
    max_asa_s: float | None = None
    max_occupancy: float | None = None
    max_abandon: float | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.service_level <= 1:
            raise ValueError(
                "service_level must be a fraction in [0, 1], "
                f"got {self.service_level!r}"
            )
        if not self.answer_within_s >= 0:
            raise ValueError(
                f"answer_within_s must be >= 0 seconds, got {self.answer_within_s!r}"
            )
        if self.max_occupancy is not None and not 0 < self.max_occupancy <= 1:
            raise ValueError(
                f"max_occupancy must be in (0, 1], got {self.max_occupancy!r}"
            )
        if self.max_asa_s is not None and not self.max_asa_s > 0:
            raise ValueError(f"max_asa_s must be > 0 seconds, got {self.max_asa_s!r}")
        if self.max_abandon is not None and not 0 <= self.max_abandon <= 1:
            raise ValueError(f"max_abandon must be in [0, 1], got {self.max_abandon!r}")


@dataclass(frozen=True, slots=True)
class QueueMetrics:
    """Expected performance of a queue, one value per interval (and headcount).

    All arrays have the same shape: ``(intervals,)`` for figures at given headcounts,
    ``(intervals, n_max + 1)`` for curves, where column ``n`` is ``n`` agents.

    Attributes
    ----------
    service_level : numpy.ndarray
        Share of offered contacts answered within the target time.
    prob_wait : numpy.ndarray
        Probability that a contact has to wait at all.
    asa_s : numpy.ndarray
        Average speed of answer in seconds (``inf`` when the queue is unstable).
    occupancy : numpy.ndarray
        Share of agent (or chat slot) time spent handling contacts.
    prob_abandon : numpy.ndarray
        Share of contacts that abandon (0 without patience).
    """

    service_level: FloatArray
    prob_wait: FloatArray
    asa_s: FloatArray
    occupancy: FloatArray
    prob_abandon: FloatArray

    def take(self, agents: npt.ArrayLike) -> QueueMetrics:
        """Pick, from curves, the figures at ``agents`` agents in each interval."""
        index = np.asarray(agents, dtype=np.int64)[:, None]
        return QueueMetrics(
            *(np.take_along_axis(a, index, axis=1)[:, 0] for a in self._arrays())
        )

    def rows(self, selected: npt.NDArray[np.bool_]) -> QueueMetrics:
        """Keep the intervals (rows) where ``selected`` is True."""
        return QueueMetrics(*(a[selected] for a in self._arrays()))

    def _arrays(self) -> tuple[FloatArray, ...]:
        return (
            self.service_level,
            self.prob_wait,
            self.asa_s,
            self.occupancy,
            self.prob_abandon,
        )


@dataclass(frozen=True, slots=True)
class Staffing:
    """Agents required per interval, and the figures at that headcount.

    Attributes
    ----------
    agents : numpy.ndarray of int64
        The least number of agents meeting every target (0 where no contacts).
    agents_fractional : numpy.ndarray of float64
        The same requirement before rounding up: the headcount at which the binding
        target is exactly met, interpolated linearly between ``agents - 1`` and
        ``agents``. Sums of these are what the optimiser and reports add up.
    load_erlangs : numpy.ndarray of float64
        Offered load ``λ·aht`` in Erlangs.
    metrics : QueueMetrics
        Expected figures with ``agents`` agents.
    """

    agents: IntArray
    agents_fractional: FloatArray
    load_erlangs: FloatArray
    metrics: QueueMetrics


def offered_load(
    contacts: npt.ArrayLike, aht_s: npt.ArrayLike, interval_s: float
) -> FloatArray:
    """Offered load in Erlangs: contacts per second times handle time in seconds.

    Parameters
    ----------
    contacts : array_like
        Contacts offered in each interval.
    aht_s : array_like
        Average handle time in seconds.
    interval_s : float
        Interval length in seconds.
    """
    load: FloatArray = np.asarray(contacts, dtype=np.float64) * np.asarray(aht_s)
    return load / interval_s


def erlang_b_curve(load_erlangs: npt.ArrayLike, n_max: int) -> FloatArray:
    """Erlang B blocking probability for 0 to ``n_max`` servers.

    Parameters
    ----------
    load_erlangs : array_like, shape (m,)
        Offered load of each interval in Erlangs.
    n_max : int
        Largest number of servers.

    Returns
    -------
    numpy.ndarray, shape (m, n_max + 1)
        Column ``n`` is the blocking probability with ``n`` servers.
    """
    load = np.atleast_1d(np.asarray(load_erlangs, dtype=np.float64))
    curve = np.empty((load.size, n_max + 1))
    curve[:, 0] = 1.0
    b = curve[:, 0].copy()
    for n in range(1, n_max + 1):
        ab = load * b
        b = ab / (n + ab)
        curve[:, n] = b
    return curve


def erlang_b(agents: npt.ArrayLike, load_erlangs: npt.ArrayLike) -> FloatArray:
    """Erlang B blocking probability with ``agents`` servers (vectorised)."""
    n = np.atleast_1d(np.asarray(agents, dtype=np.int64))
    load = np.broadcast_to(np.asarray(load_erlangs, dtype=np.float64), n.shape)
    curve = erlang_b_curve(load, int(n.max(initial=0)))
    return np.take_along_axis(curve, n[:, None], axis=1)[:, 0]


def erlang_c(agents: npt.ArrayLike, load_erlangs: npt.ArrayLike) -> FloatArray:
    """Erlang C probability of waiting with ``agents`` agents (1 if unstable)."""
    n = np.atleast_1d(np.asarray(agents, dtype=np.int64))
    load = np.broadcast_to(np.asarray(load_erlangs, dtype=np.float64), n.shape)
    b = erlang_b(n, load)
    return _erlang_c_from_b(n.astype(np.float64), load, b)


def _erlang_c_from_b(n: FloatArray, load: FloatArray, b: FloatArray) -> FloatArray:
    stable = n > load
    with np.errstate(divide="ignore", invalid="ignore"):
        c = np.where(stable, n * b / (n - load * (1 - b)), 1.0)
    return np.where(load > 0, c, 0.0)


def _headcount_grid(rows: int, n_max: int) -> IntArray:
    return np.broadcast_to(np.arange(n_max + 1, dtype=np.int64), (rows, n_max + 1))


def _erlang_b_at(load: FloatArray, agents: IntArray) -> FloatArray:
    """Erlang B at each entry of the headcount matrix ``agents`` (rows, k)."""
    curve = erlang_b_curve(load, int(agents.max(initial=0)))
    return np.take_along_axis(curve, agents, axis=1)


def _erlang_c_curve(
    lam: FloatArray, aht_s: FloatArray, answer_within_s: float, agents: IntArray
) -> QueueMetrics:
    load = lam * aht_s
    n = agents.astype(np.float64)
    a = load[:, None]
    c = _erlang_c_from_b(n, a, _erlang_b_at(load, agents))
    stable = (n > a) | (a == 0)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        spare = n - a
        sl = np.where(
            stable, 1 - c * np.exp(-spare * answer_within_s / aht_s[:, None]), 0.0
        )
        asa = np.where(stable, np.where(c > 0, c * aht_s[:, None] / spare, 0.0), np.inf)
        occupancy = np.where(n > 0, np.minimum(a / n, 1.0), np.where(a > 0, 1.0, 0.0))
    return QueueMetrics(
        service_level=sl,
        prob_wait=c,
        asa_s=asa,
        occupancy=occupancy,
        prob_abandon=np.zeros_like(sl),
    )


def _erlang_a_curve(
    lam: FloatArray,
    aht_s: FloatArray,
    answer_within_s: float,
    patience_s: float,
    agents: IntArray,
) -> QueueMetrics:
    theta = 1.0 / patience_s
    load = lam * aht_s
    shape = agents.shape
    n = agents.astype(np.float64)
    x = np.broadcast_to((lam / theta)[:, None], shape)
    mu = np.broadcast_to((1.0 / aht_s)[:, None], shape)
    b = _erlang_b_at(load, agents)

    sl = np.zeros(shape)
    prob_wait = np.ones(shape)
    prob_abandon = np.ones(shape)
    # No agents: everyone waits and abandons, on average after their patience.
    asa = np.full(shape, float(patience_s))
    empty = x == 0
    sl[empty], prob_wait[empty], prob_abandon[empty], asa[empty] = 1.0, 0.0, 0.0, 0.0

    cell = (n > 0) & ~empty
    a = n[cell] * mu[cell] / theta  # n·μ/θ
    xc = x[cell]
    # S = 1F1(1; a+1; x) = Σ_j Π_{i<=j} x/(a+i) = π(queue)/π(n busy, none waiting).
    p_a = special.gammainc(a, xc)
    p_a1 = special.gammainc(a + 1, xc)
    closed = p_a1 > _GAMMA_UNDERFLOW
    log_s = np.empty_like(a)
    log_s[closed] = (
        np.log(a[closed])
        + special.gammaln(a[closed])
        + xc[closed]
        - a[closed] * np.log(xc[closed])
        + np.log(p_a[closed])
    )
    log_s[~closed] = np.log(special.hyp1f1(1.0, a[~closed] + 1, xc[~closed]))

    # P(wait) = S / (1/B - 1 + S), written to survive an S beyond float range.
    with np.errstate(divide="ignore", over="ignore"):
        pw = 1.0 / (1.0 + (1.0 / b[cell] - 1.0) * np.exp(-log_s))
    # Share of waiting contacts that are answered: a·(S - 1)/(x·S).
    answered = (a / xc) * -np.expm1(-log_s)
    # Share of the answered waits that end within T (closed form, else quadrature).
    within = np.empty_like(a)
    t_s = float(answer_within_s)
    within[closed] = (
        1.0
        - special.gammainc(a[closed] + 1, xc[closed] * np.exp(-theta * t_s))
        / p_a1[closed]
    )
    if (~closed).any():
        within[~closed] = _answered_within_by_quadrature(
            xc[~closed], a[~closed], log_s[~closed], theta, t_s
        )
    within = np.clip(within, 0.0, 1.0)

    pab = pw * (1.0 - answered)
    sl[cell] = (1.0 - pw) + pw * answered * within
    prob_wait[cell] = pw
    prob_abandon[cell] = pab
    asa[cell] = pab / theta
    occupancy = np.zeros(shape)
    occupancy[cell] = xc * theta * (1 - pab) / (n[cell] * mu[cell])
    return QueueMetrics(
        service_level=sl,
        prob_wait=prob_wait,
        asa_s=asa,
        occupancy=occupancy,
        prob_abandon=prob_abandon,
    )


def _answered_within_by_quadrature(
    x: FloatArray, a: FloatArray, log_s: FloatArray, theta: float, t_s: float
) -> FloatArray:
    """Share of answered waits within ``t_s`` where the gamma form underflows.

    Integrates ``exp(x·(1 - e^{-θv}) - (a + 1)·θ·v)`` over ``[0, t_s]`` by 64-point
    Gauss-Legendre and divides by its integral over ``[0, ∞)``, ``(S - 1)/(x·θ)``.
    This regime is the nearly Erlang C one (patience far above the handle time), in
    which the integrand is a smooth, nearly exponential decay.
    """
    v = 0.5 * t_s * (_LEGENDRE_NODES + 1.0)  # nodes mapped to [0, t_s]
    exponent = (
        x[:, None] * -np.expm1(-theta * v[None, :])
        - (a[:, None] + 1.0) * theta * v[None, :]
    )
    integral = 0.5 * t_s * (np.exp(exponent) @ _LEGENDRE_WEIGHTS)
    return integral * x * theta / np.expm1(log_s)


def _chat_curve(
    model: ConcurrentQueue,
    lam: FloatArray,
    aht_s: FloatArray,
    answer_within_s: float,
    agents: IntArray,
) -> QueueMetrics:
    shape = agents.shape
    sl = np.zeros(shape)
    prob_wait = np.ones(shape)
    asa = np.full(shape, np.inf)
    occupancy = np.ones(shape)
    c = model.concurrency
    rate_per_agent = model.chats_per_second(
        np.arange(c + 1)[None, :], aht_s[:, None]
    )  # (rows, c + 1)
    with np.errstate(divide="ignore"):
        log_lam = np.log(lam)[:, None]
    for n in range(max(1, int(agents.min(initial=0))), int(agents.max(initial=0)) + 1):
        rows, cols = np.nonzero(agents == n)
        if rows.size == 0:
            continue
        slots = n * c
        m = np.arange(1, slots + 1)
        q, r = np.divmod(m, n)
        q_next = np.minimum(q + 1, c)
        # Completion rate with m chats spread as evenly as possible over n agents.
        per_agent = rate_per_agent[rows]
        mu = (n - r) * per_agent[:, q] + r * per_agent[:, q_next]
        with np.errstate(divide="ignore", invalid="ignore"):
            log_pi = np.cumsum(log_lam[rows] - np.log(mu), axis=1)
        log_pi = np.concatenate([np.zeros((rows.size, 1)), log_pi], axis=1)
        full_rate = n * per_agent[:, c]
        # The load in agents at full concurrency below n, as Erlang C's n > λ·aht
        # (λ < n·r(c) can round the other way when they are equal).
        full_s = aht_s[rows] * (1 + model.slowdown * (c - 1)) / c
        stable = lam[rows] * full_s < n
        rho = np.where(stable, lam[rows] / full_rate, 0.0)
        top = np.max(log_pi, axis=1, keepdims=True)
        weights = np.exp(log_pi - np.where(np.isfinite(top), top, 0.0))
        tail = weights[:, -1] / (1 - rho)  # all slots full, then a geometric queue
        total = weights[:, :-1].sum(axis=1) + tail
        pw = np.where(stable, tail / total, 1.0)
        busy_slots = weights[:, :-1] @ np.arange(slots) + slots * tail
        spare_rate = full_rate - lam[rows]
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            sl[rows, cols] = np.where(
                stable, 1 - pw * np.exp(-spare_rate * answer_within_s), 0.0
            )
            asa[rows, cols] = np.where(stable, pw / spare_rate, np.inf)
            occupancy[rows, cols] = np.where(stable, busy_slots / total / slots, 1.0)
        prob_wait[rows, cols] = pw
    idle = np.broadcast_to((lam == 0)[:, None], shape)
    sl[idle], prob_wait[idle], asa[idle], occupancy[idle] = 1.0, 0.0, 0.0, 0.0
    return QueueMetrics(
        service_level=sl,
        prob_wait=prob_wait,
        asa_s=asa,
        occupancy=occupancy,
        prob_abandon=np.zeros(shape),
    )


def _curve_at(
    model: QueueModel,
    contacts: npt.ArrayLike,
    aht_s: npt.ArrayLike,
    interval_s: float,
    answer_within_s: float,
    agents: IntArray,
) -> QueueMetrics:
    """Queue figures at each entry of the headcount matrix ``agents`` (rows, k)."""
    contacts_arr = np.atleast_1d(np.asarray(contacts, dtype=np.float64))
    aht = np.broadcast_to(np.asarray(aht_s, dtype=np.float64), contacts_arr.shape)
    if (contacts_arr < 0).any():
        raise ValueError("contacts must be >= 0 in every interval")
    if (aht <= 0).any():
        raise ValueError("aht_s must be > 0 seconds in every interval")
    lam = contacts_arr / interval_s
    if isinstance(model, ConcurrentQueue):
        return _chat_curve(model, lam, aht, answer_within_s, agents)
    if model.patience_s is None:
        return _erlang_c_curve(lam, aht, answer_within_s, agents)
    return _erlang_a_curve(lam, aht, answer_within_s, model.patience_s, agents)


def service_level_curve(
    model: QueueModel,
    contacts: npt.ArrayLike,
    aht_s: npt.ArrayLike,
    interval_s: float,
    answer_within_s: float,
    n_max: int,
) -> QueueMetrics:
    """Queue figures for every interval and every headcount from 0 to ``n_max``.

    Parameters
    ----------
    model : LiveQueue or ConcurrentQueue
        The queueing model of the channel.
    contacts : array_like, shape (m,)
        Contacts offered in each interval.
    aht_s : array_like, shape (m,) or scalar
        Average handle time of each interval in seconds (for chat, of a chat
        handled alone).
    interval_s : float
        Interval length in seconds.
    answer_within_s : float
        Service-level threshold in seconds.
    n_max : int
        Largest headcount on the curve.

    Returns
    -------
    QueueMetrics
        Arrays of shape ``(m, n_max + 1)``; column ``n`` holds the figures with
        ``n`` agents.
    """
    rows = np.atleast_1d(np.asarray(contacts)).size
    grid = _headcount_grid(rows, n_max)
    return _curve_at(model, contacts, aht_s, interval_s, answer_within_s, grid)


def queue_metrics(
    model: QueueModel,
    agents: npt.ArrayLike,
    contacts: npt.ArrayLike,
    aht_s: npt.ArrayLike,
    interval_s: float,
    answer_within_s: float,
) -> QueueMetrics:
    """Expected figures with a given headcount in each interval (the reverse sum).

    Parameters are as for :func:`service_level_curve`; ``agents`` (array_like of
    int, shape (m,) or scalar) is the headcount on the queue in each interval.
    """
    n, contacts_arr, aht = np.broadcast_arrays(
        np.atleast_1d(np.asarray(agents, dtype=np.int64)),
        np.asarray(contacts, dtype=np.float64),
        np.asarray(aht_s, dtype=np.float64),
    )
    if (n < 0).any():
        raise ValueError("agents must be >= 0 in every interval")
    curve = _curve_at(model, contacts_arr, aht, interval_s, answer_within_s, n[:, None])
    return curve.take(np.zeros(n.size, dtype=np.int64))


def _meets(curve: QueueMetrics, target: StaffingTarget) -> list[npt.NDArray[np.bool_]]:
    """One boolean matrix per active target: does headcount ``n`` meet it."""
    masks = [curve.service_level >= target.service_level]
    # Every queue model needs a stable queue: someone must answer.
    masks[0] &= np.isfinite(curve.asa_s)
    if target.max_asa_s is not None:
        masks.append(curve.asa_s <= target.max_asa_s)
    if target.max_occupancy is not None:
        masks.append(curve.occupancy <= target.max_occupancy)
    if target.max_abandon is not None:
        masks.append(curve.prob_abandon <= target.max_abandon)
    return masks


def meets_target(curve: QueueMetrics, target: StaffingTarget) -> npt.NDArray[np.bool_]:
    """Whether each entry of a curve meets every active target."""
    met: npt.NDArray[np.bool_] = np.logical_and.reduce(_meets(curve, target))
    return met


def _first_true(mask: npt.NDArray[np.bool_]) -> IntArray:
    """Index of the first True in each row, or -1 where there is none."""
    first = mask.argmax(axis=1).astype(np.int64)
    return np.where(mask.any(axis=1), first, -1)


def required_agents(
    model: QueueModel,
    contacts: npt.ArrayLike,
    aht_s: npt.ArrayLike,
    interval_s: float,
    target: StaffingTarget,
) -> Staffing:
    """The least agents meeting every target in each interval.

    Service level, ASA, occupancy and abandonment all improve with headcount, so the
    least headcount meeting a target is the first column of the curve that meets it;
    the requirement is the largest of these over the active targets. For Erlang C
    this search starts, in effect, at ``floor(A) + 1`` (the first stable headcount),
    never at ``round(A + 1)``.

    Parameters
    ----------
    model : LiveQueue or ConcurrentQueue
        The queueing model of the channel.
    contacts : array_like, shape (m,)
        Contacts offered in each interval.
    aht_s : array_like
        Average handle time in seconds.
    interval_s : float
        Interval length in seconds.
    target : StaffingTarget
        Service level and limits to meet in every interval.

    Returns
    -------
    Staffing
        Integer and fractional requirements and the figures at the requirement.
    """
    contacts_arr = np.atleast_1d(np.asarray(contacts, dtype=np.float64))
    aht = np.broadcast_to(np.asarray(aht_s, dtype=np.float64), contacts_arr.shape)
    load = offered_load(contacts_arr, aht, interval_s)
    effective = load
    if isinstance(model, ConcurrentQueue):
        # Agent-equivalents when every agent holds a full set of chats.
        effective = (
            contacts_arr / interval_s / model.chats_per_second(model.concurrency, aht)
        )
    # Search a window of headcounts per interval. Without abandonment, n <= load is
    # unstable and fails every target, so the window starts at floor(load) and the
    # first headcount tried is floor(load) + 1. With abandonment the requirement can
    # sit below the load, so the window starts lower and is moved down if needed.
    if isinstance(model, LiveQueue) and model.patience_s is not None:
        lo = np.maximum(np.floor(effective - 3 * np.sqrt(effective)) - 1, 0)
    else:
        lo = np.floor(effective)
    lo = lo.astype(np.int64)
    peak = float(effective.max(initial=0.0))
    width = int(np.ceil(2.5 * np.sqrt(peak) + 6))
    if target.max_occupancy is not None:
        width += int(np.ceil(peak * (1 / target.max_occupancy - 1)))

    agents = np.zeros(contacts_arr.size, dtype=np.int64)
    fractional = np.zeros(contacts_arr.size)
    # Figures with no contacts: everything answered at once, nobody busy.
    size = contacts_arr.size
    metrics = QueueMetrics(
        service_level=np.ones(size),
        prob_wait=np.zeros(size),
        asa_s=np.zeros(size),
        occupancy=np.zeros(size),
        prob_abandon=np.zeros(size),
    )
    todo = np.flatnonzero(contacts_arr > 0)
    while todo.size:
        grid = lo[todo, None] + np.arange(width)[None, :]
        curve = _curve_at(
            model,
            contacts_arr[todo],
            aht[todo],
            interval_s,
            target.answer_within_s,
            grid,
        )
        firsts = np.stack([_first_true(mask) for mask in _meets(curve, target)])
        binding = firsts.max(axis=0)
        found = firsts.min(axis=0) >= 0
        done = found & ((binding > 0) | (lo[todo] == 0))
        rows = todo[done]
        agents[rows] = lo[rows] + binding[done]
        solved = curve.rows(done)
        fractional[rows] = lo[rows] + _interpolated_requirement(
            solved, target, firsts[:, done]
        )
        for into, value in zip(
            metrics._arrays(), solved.take(binding[done])._arrays(), strict=True
        ):
            into[rows] = value
        # Rows met at the window's first headcount start again from zero; rows
        # not met anywhere in it move on to the next window.
        too_high = todo[found & ~done]
        width = max(width, int(lo[too_high].max(initial=0)) + 1)
        lo[too_high] = 0
        lo[todo[~found]] += width - 1
        todo = todo[~done]
    return Staffing(
        agents=agents,
        agents_fractional=fractional,
        load_erlangs=load,
        metrics=metrics,
    )


def _interpolated_requirement(
    curve: QueueMetrics, target: StaffingTarget, firsts: IntArray
) -> FloatArray:
    """Headcount at which each target is exactly met, interpolated; the largest."""
    pairs: list[tuple[FloatArray, float, bool]] = [
        (curve.service_level, target.service_level, True)
    ]
    if target.max_asa_s is not None:
        pairs.append((curve.asa_s, target.max_asa_s, False))
    if target.max_occupancy is not None:
        pairs.append((curve.occupancy, target.max_occupancy, False))
    if target.max_abandon is not None:
        pairs.append((curve.prob_abandon, target.max_abandon, False))
    best = np.zeros(firsts.shape[1])
    for (values, goal, rising), first in zip(pairs, firsts, strict=True):
        k = np.maximum(first, 1)
        at_k = np.take_along_axis(values, k[:, None], axis=1)[:, 0]
        before = np.take_along_axis(values, (k - 1)[:, None], axis=1)[:, 0]
        with np.errstate(divide="ignore", invalid="ignore"):
            share = (
                (goal - before) / (at_k - before)
                if rising
                else ((before - goal) / (before - at_k))
            )
        share = np.where(np.isfinite(share), np.clip(share, 0.0, 1.0), 1.0)
        crossing = np.where(first > 0, k - 1 + share, 0.0)
        best = np.maximum(best, crossing)
    return best


def carried_over_contacts(
    contacts: npt.ArrayLike,
    service_s: npt.ArrayLike,
    leaving: npt.ArrayLike,
    held: npt.ArrayLike,
    interval_s: float,
    relax_s: npt.ArrayLike | None = None,
) -> FloatArray:
    """Contacts per interval that load a queue's agent pool, with carry-over.

    The stationary figures of an interval assume its queue has been in steady
    state with the interval's load for long. Two things keep a real pool away
    from that load when contacts last about as long as an interval:

    * the load lags the arrivals: the expected number of contacts in service
      ``m(t)`` follows ``dm/dt = (λ(t)·τ − m)/r`` (with ``r = τ`` the
      infinite-server *modified offered load* of Jennings, Mandelbaum, Massey
      and Whitt, 1996, and Green, Kolesar and Whitt, 2007), so after an opening
      or a rise it builds up over about ``r``, and after a fall it stays above
      the new load as long;
    * agents whose work on the queue ends (a break, lunch, the end of a shift,
      a move to another channel) finish the contacts in hand first: those
      contacts leave the pool with them. At the start of interval ``i``
      (``i >= 1``), ``leaving[i]`` agents go, each with ``held[i]`` contacts,
      and ``m`` drops by their product (not below 0), then returns to the load.

    ``m`` starts the first interval at its load ``a_0 = λ_0·τ_0`` (the week
    begins in steady state) and is integrated exactly over each interval with
    its constant arrival rate: with ``x = interval_s/r`` and ``a = λ·τ``, its
    mean over the interval is ``a + (m − a)·(1 − e^{−x})/x`` and its value at
    the end ``a + (m − a)·e^{−x}``. The pool's load is the interval's contacts
    times that mean over ``a``; the stationary formulas at that load give the
    figures of a pool that has not (yet) reached its steady state. With
    constant contacts and nobody leaving the result is ``contacts`` exactly.

    Parameters
    ----------
    contacts : array_like, shape (m,)
        Contacts offered in each interval (consecutive intervals in time order;
        0 where the queue is closed).
    service_s : array_like, shape (m,) or scalar
        Mean time a contact spends in service ``τ``, seconds (the AHT; for chat,
        the handle time of a chat among a full set held).
    leaving : array_like, shape (m,)
        Agents whose work on the queue ends at the start of each interval.
    held : array_like, shape (m,)
        Contacts each of them has in hand then (e.g. the occupancy of the
        interval before, times the concurrency for chat); NaN counts as 0.
    interval_s : float
        Interval length, seconds.
    relax_s : array_like or None
        Time constant ``r`` with which ``m`` returns to the load, seconds, per
        interval; ``None`` for ``τ``. Where arrivals find every agent busy a
        missing contact is made up by the queue, which shrinks only as waiting
        contacts abandon, so ``r`` is longer there (see
        :mod:`scheduler.evaluate`).

    Returns
    -------
    numpy.ndarray, shape (m,)
        The contacts loading the pool in each interval (0 where ``contacts`` is).

    Raises
    ------
    ValueError
        When contacts are negative or a time is not positive.
    """
    arrivals = np.atleast_1d(np.asarray(contacts, dtype=np.float64))
    tau = np.broadcast_to(np.asarray(service_s, dtype=np.float64), arrivals.shape)
    gone = np.broadcast_to(np.asarray(leaving, dtype=np.float64), arrivals.shape)
    in_hand = np.broadcast_to(np.asarray(held, dtype=np.float64), arrivals.shape)
    if (arrivals < 0).any() or (tau <= 0).any():
        raise ValueError("contacts must be >= 0 and service_s > 0 in every interval")
    load = arrivals / interval_s * tau  # a = λ·τ, contacts in service
    relax = np.broadcast_to(
        np.asarray(service_s if relax_s is None else relax_s, dtype=np.float64),
        arrivals.shape,
    )
    if (relax <= 0).any():
        raise ValueError("relax_s must be > 0 seconds in every interval")
    x = interval_s / relax
    mean_share = -np.expm1(-x) / x  # (1 − e^{−x})/x
    decay = np.exp(-x)
    carried = gone * np.nan_to_num(in_hand)
    out = np.zeros_like(arrivals)
    m = float(load[0]) if load.size else 0.0
    for i in range(arrivals.size):
        if i > 0:
            m = max(m - carried[i], 0.0)
        a = load[i]
        if a > 0:
            out[i] = arrivals[i] * (a + (m - a) * mean_share[i]) / a
        m = a + (m - a) * decay[i]
    return out


@dataclass(frozen=True, slots=True)
class FluidBacklog:
    """The queue a pool's capacity leaves behind, per interval (time order).

    Within an interval the backlog is positive over one spell (a share of the
    interval), along which it changes linearly from ``start_contacts`` to
    ``end_contacts``.

    Attributes
    ----------
    share : numpy.ndarray
        Share of each interval (and so of its arrivals) during which the fluid
        backlog is positive, in [0, 1].
    start_contacts : numpy.ndarray
        Backlog when that spell starts, contacts: the backlog carried in, or 0
        when the pool fills within the interval.
    end_contacts : numpy.ndarray
        Backlog when it ends, contacts: at the interval's end, or 0 when spare
        capacity clears it within the interval.
    """

    share: FloatArray
    start_contacts: FloatArray
    end_contacts: FloatArray

    @property
    def mean_contacts(self) -> FloatArray:
        """Mean backlog over the spell, contacts."""
        mean: FloatArray = (self.start_contacts + self.end_contacts) / 2
        return mean

    def share_at_most(self, contacts: npt.ArrayLike) -> FloatArray:
        """Share of each spell during which the backlog is at most ``contacts``
        (1 where there is no spell)."""
        low = np.minimum(self.start_contacts, self.end_contacts)
        span = np.abs(self.end_contacts - self.start_contacts)
        limit = np.asarray(contacts, dtype=np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            below = np.where(span > 0, (limit - low) / span, limit >= low)
        out: FloatArray = np.clip(below, 0.0, 1.0)
        return out


def fluid_backlog(
    contacts: npt.ArrayLike,
    servers: npt.ArrayLike,
    service_s: npt.ArrayLike,
    capacity_per_s: npt.ArrayLike,
    taken: npt.ArrayLike,
    interval_s: float,
) -> FluidBacklog:
    """The fluid backlog of patient contacts beyond a pool's capacity.

    The stationary figures of an interval know nothing of the contacts earlier
    intervals left waiting, and without abandonment a pool past its capacity
    has no steady state at all: under sustained overload the figures of the
    following intervals stay optimistic. This is the fluid model of the
    many-server queue with time-varying arrivals and servers, ``M(t)/M/s(t)``
    (Mandelbaum, Massey and Reiman, 1998, *Strong approximations for Markovian
    service networks*, Queueing Systems 30), the limit of many servers and
    contacts, which Jiménez and Koole (2004, *Scaling and comparison of fluid
    limits of queues applied to call centers with time-varying parameters*,
    OR Spectrum 26) apply to call centres temporarily overloaded. The contacts
    in the system ``x`` (in service and waiting), with ``s`` servers (agents,
    or chat slots), follow

    * ``dx/dt = λ − x/τ`` while ``x < s`` (every contact in service, ``τ`` its
      mean time in service), and
    * ``dx/dt = λ − c`` while ``x >= s``: the backlog ``q = x − s`` grows by the
      arrivals beyond the capacity ``c`` (``s/τ`` for calls) and drains only
      by service.

    Carried from one interval to the next, the excess of an overloaded interval
    raises the waits of the following ones (through the night, when the queue
    is closed and no one serves it) until spare capacity drains it, as in the
    stationary backlog carry-over of Stolletz (2008, *Approximation of the
    non-stationary M(t)/M(t)/c(t)-queue using stationary queueing models*,
    European Journal of Operational Research 190).

    Each interval has a constant arrival rate ``λ = contacts/interval_s``, so
    ``x`` is integrated exactly, phase by phase: below ``s`` it approaches
    ``a = λ·τ`` as ``a + (x_0 − a)·e^{−t/τ}`` and reaches ``s`` (if ``a > s``)
    after ``τ·ln((a − x_0)/(a − s))``; from there ``q(t) = q_0 + (λ − c)·t``,
    which empties (when ``λ < c``) after ``q_0/(c − λ)``, and ``x`` then falls
    below ``s`` towards ``a``. At the start of interval ``i >= 1`` the contacts
    ``taken[i]`` leave with agents whose work ends (they finish them
    elsewhere); ``x`` drops by them, not below 0. The week starts at the first
    interval's fluid steady state, ``min(a, s)``, with no backlog. With a
    constant load below capacity and nobody leaving there is never a backlog,
    and the stationary figures stand.

    Parameters
    ----------
    contacts : array_like, shape (m,)
        Contacts offered in each interval (consecutive intervals in time order;
        0 where the queue is closed).
    servers : array_like, shape (m,)
        Contacts the pool serves at once, ``s``: agents (fractional), times the
        concurrency for chat.
    service_s : array_like, shape (m,) or scalar
        Mean time a contact spends in service ``τ`` while servers are free,
        seconds: the AHT; for chat, the handle time of a chat among the chats
        an agent holds on average then (a chat is slower among more).
    capacity_per_s : array_like, shape (m,) or scalar
        Contacts the pool completes a second with every server busy, ``c``:
        agents over the AHT; for chat, agents times
        :meth:`ConcurrentQueue.chats_per_second` at full concurrency.
    taken : array_like, shape (m,)
        Contacts in service that agents whose work ends take with them at the
        start of each interval (ignored for the first).
    interval_s : float
        Interval length, seconds.

    Returns
    -------
    FluidBacklog
        Per interval the share with a backlog, and the backlog when that spell
        starts and ends, contacts.

    Raises
    ------
    ValueError
        When contacts, servers, capacity or contacts taken are negative, or a
        time in service is not positive.
    """
    arrivals = np.atleast_1d(np.asarray(contacts, dtype=np.float64))
    shape = arrivals.shape
    slots = np.broadcast_to(np.asarray(servers, dtype=np.float64), shape)
    tau = np.broadcast_to(np.asarray(service_s, dtype=np.float64), shape)
    capacity = np.broadcast_to(np.asarray(capacity_per_s, dtype=np.float64), shape)
    gone = np.broadcast_to(np.asarray(taken, dtype=np.float64), shape)
    if min(arrivals.min(initial=0), slots.min(initial=0)) < 0 or (
        min(capacity.min(initial=0), gone.min(initial=0)) < 0
    ):
        raise ValueError(
            "contacts, servers, capacity_per_s and taken must be >= 0 in every interval"
        )
    if (tau <= 0).any():
        raise ValueError("service_s must be > 0 seconds in every interval")
    load = arrivals / interval_s * tau  # a = λ·τ
    excess = (arrivals / interval_s - capacity).tolist()  # λ − c
    share = np.zeros(shape)
    start = np.zeros(shape)
    end = np.zeros(shape)
    x = min(load[0], slots[0]) if arrivals.size else 0.0
    steps = zip(load.tolist(), slots.tolist(), tau.tolist(), excess, strict=True)
    for i, (a, s, t, e) in enumerate(steps):
        if i > 0:
            x = max(x - gone[i], 0.0)
        left_s = float(interval_s)
        if x < s:  # every contact in service, towards a
            if a <= s or (a - x) / (a - s) >= math.exp(left_s / t):
                x = a + (x - a) * math.exp(-left_s / t)
                continue
            left_s -= t * math.log((a - x) / (a - s))
            x = s
        q = x - s
        if q <= 0.0 and e <= 0.0:
            x = a + (s - a) * math.exp(-left_s / t)
            continue
        spell_s = left_s if e >= 0.0 else min(q / -e, left_s)
        start[i] = q
        share[i] = spell_s / interval_s
        if spell_s < left_s:  # emptied: below s again, towards a
            x = a + (s - a) * math.exp(-(left_s - spell_s) / t)
        else:
            end[i] = q + e * spell_s
            x = s + end[i]
    return FluidBacklog(share=share, start_contacts=start, end_contacts=end)
