"""The plan store: saved plans, how two plans differ, and the audit trail of edits.

Plans are kept in a database through SQLAlchemy: SQLite by default (one file in the
user's data folder, ``$XDG_DATA_HOME/vuoro/plans.db`` or
``~/.local/share/vuoro/plans.db``), or any database URL given in the environment
variable ``VUORO_DATABASE_URL`` (e.g. ``postgresql+psycopg://user@host/vuoro``, with
its driver installed).

A plan is stored as the text of its plan folder's files
(:func:`scheduler.plan.plan_files`: centre snapshot, agents, forecast,
requirements, roster, coverage, KPIs, bent rules, audit findings and the scenario
changes), one row per file, and read back with :func:`scheduler.plan.plan_from_files`,
so a loaded plan equals a plan folder read back. Its summary (name, week, cost, paid
hours, violations, each channel's weekly service level) is kept in columns of its
own so listing plans reads no files.

Every write is one transaction: a save that fails or a process killed in the middle
of one leaves the store as it was. On SQLite, foreign keys are enforced, the journal
is write-ahead (readers never wait for a writer) and writers take the write lock when
their transaction begins, so two saves never interleave.

Tables (schema version :data:`SCHEMA_VERSION`):

=================  ================================================================
``schema_version`` one row: the version of the tables below
``plans``          id, name, week_start, created_at, saved_at, changes (summary),
                   paid_hours, cost, currency, violations, and since version 2
                   parent_id (the plan a revision was edited from), author, note
``plan_files``     plan_id, name, text: the plan's files
``plan_channels``  plan_id, channel, service_level, target, meets_target (version 2)
``edits``          id, plan_id, at, author, change, reason: the audit trail of
                   supervisors' edits (version 2)
=================  ================================================================

Opening a store brings an older database up to date: :data:`MIGRATIONS` runs, in one
transaction, every step from the database's version to the current one (version 0
is an empty database). A database of a newer vuoro is refused with a message.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import logging
import math
import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple, cast

import numpy as np
import pandas as pd
from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    event,
    func,
    insert,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

from scheduler import schema as col
from scheduler.exceptions import InvalidInputError
from scheduler.plan import KPIS_FILE, Plan, plan_files, plan_from_files

logger = logging.getLogger(__name__)

#: Environment variable with the store's database URL.
DATABASE_URL_ENV = "VUORO_DATABASE_URL"

#: Execution option marking a connection that only reads (SQLite: ``BEGIN``, not
#: ``BEGIN IMMEDIATE``).
_READ_ONLY = "vuoro_read_only"

_ID_LENGTH = 32
_FILE_NAME_LENGTH = 64
_CHANNEL_LENGTH = 64
_CURRENCY_LENGTH = 8
#: Attempts at drawing a plan id not yet used before giving up.
_ID_ATTEMPTS = 20

# ---------------------------------------------------------------------------
# The current schema (what the queries use). Migrations below build it.
# ---------------------------------------------------------------------------

_METADATA = MetaData()

schema_version_table = Table(
    "schema_version",
    _METADATA,
    Column("version", Integer, nullable=False),
)
plans_table = Table(
    "plans",
    _METADATA,
    Column("id", String(_ID_LENGTH), primary_key=True),
    Column("name", Text, nullable=False),
    Column("week_start", String(10), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("saved_at", DateTime(timezone=True), nullable=False),
    Column("changes", Text, nullable=False),
    Column("paid_hours", Float),
    Column("cost", Float),
    Column("currency", String(_CURRENCY_LENGTH)),
    Column("violations", Integer, nullable=False),
    Column(
        "parent_id", String(_ID_LENGTH), ForeignKey("plans.id", ondelete="SET NULL")
    ),
    Column("author", Text),
    Column("note", Text),
)
plan_files_table = Table(
    "plan_files",
    _METADATA,
    Column(
        "plan_id",
        String(_ID_LENGTH),
        ForeignKey("plans.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("name", String(_FILE_NAME_LENGTH), primary_key=True),
    Column("text", Text, nullable=False),
)
plan_channels_table = Table(
    "plan_channels",
    _METADATA,
    Column(
        "plan_id",
        String(_ID_LENGTH),
        ForeignKey("plans.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("channel", String(_CHANNEL_LENGTH), primary_key=True),
    Column("service_level", Float),
    Column("target", Float),
    Column("meets_target", Boolean),
)
edits_table = Table(
    "edits",
    _METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "plan_id",
        String(_ID_LENGTH),
        ForeignKey("plans.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("author", Text, nullable=False),
    Column("change", Text, nullable=False),
    Column("reason", Text, nullable=False),
)

# ---------------------------------------------------------------------------
# Migrations: step i brings a database from version i to version i + 1. Each step
# is frozen history: it spells out its own tables and never uses the current ones.
# ---------------------------------------------------------------------------


def _create_version_1(conn: Connection) -> None:
    """Version 1, the first store: plans, their files and the schema version."""
    meta = MetaData()
    Table("schema_version", meta, Column("version", Integer, nullable=False))
    Table(
        "plans",
        meta,
        Column("id", String(_ID_LENGTH), primary_key=True),
        Column("name", Text, nullable=False),
        Column("week_start", String(10), nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("saved_at", DateTime(timezone=True), nullable=False),
        Column("changes", Text, nullable=False),
        Column("paid_hours", Float),
        Column("cost", Float),
        Column("currency", String(_CURRENCY_LENGTH)),
        Column("violations", Integer, nullable=False),
        Index("ix_plans_week_start", "week_start"),
    )
    Table(
        "plan_files",
        meta,
        Column(
            "plan_id",
            String(_ID_LENGTH),
            ForeignKey("plans.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        Column("name", String(_FILE_NAME_LENGTH), primary_key=True),
        Column("text", Text, nullable=False),
    )
    meta.create_all(conn)


def _version_1_to_2(conn: Connection) -> None:
    """Version 2: revisions and the audit trail, and channel figures to list.

    Adds ``plans.parent_id`` (the plan a supervisor's revision was edited from),
    ``plans.author`` and ``plans.note``; the ``edits`` table (what changed, when,
    by whom, why); and ``plan_channels`` (each channel's weekly service level,
    queryable without reading files), filled for the plans already stored from
    their ``kpis.json``.
    """
    conn.execute(
        text(
            f"ALTER TABLE plans ADD COLUMN parent_id VARCHAR({_ID_LENGTH}) "
            "REFERENCES plans (id) ON DELETE SET NULL"
        )
    )
    conn.execute(text("ALTER TABLE plans ADD COLUMN author TEXT"))
    conn.execute(text("ALTER TABLE plans ADD COLUMN note TEXT"))
    meta = MetaData()
    Table("plans", meta, Column("id", String(_ID_LENGTH), primary_key=True))
    channels = Table(
        "plan_channels",
        meta,
        Column(
            "plan_id",
            String(_ID_LENGTH),
            ForeignKey("plans.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        Column("channel", String(_CHANNEL_LENGTH), primary_key=True),
        Column("service_level", Float),
        Column("target", Float),
        Column("meets_target", Boolean),
    )
    Table(
        "edits",
        meta,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column(
            "plan_id",
            String(_ID_LENGTH),
            ForeignKey("plans.id", ondelete="CASCADE"),
            nullable=False,
        ),
        Column("at", DateTime(timezone=True), nullable=False),
        Column("author", Text, nullable=False),
        Column("change", Text, nullable=False),
        Column("reason", Text, nullable=False),
        Index("ix_edits_plan_id", "plan_id"),
    )
    meta.create_all(conn, tables=[meta.tables["plan_channels"], meta.tables["edits"]])
    stored = conn.execute(
        text("SELECT plan_id, text FROM plan_files WHERE name = :name"),
        {"name": KPIS_FILE},
    )
    rows = [
        row
        for plan_id, kpis_text in stored
        for row in _channel_rows(str(plan_id), json.loads(kpis_text))
    ]
    if rows:
        conn.execute(insert(channels), rows)
    logger.info("plan store: filled channel figures of %d stored plan(s)", len(rows))


#: The migration steps, in order; the current schema version is their number.
MIGRATIONS: tuple[Callable[[Connection], None], ...] = (
    _create_version_1,
    _version_1_to_2,
)

#: The schema version this vuoro writes.
SCHEMA_VERSION = len(MIGRATIONS)


def _channel_rows(plan_id: str, kpis: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Rows of ``plan_channels``: each channel's weekly figures from the KPIs."""
    return [
        {
            "plan_id": plan_id,
            "channel": str(name),
            "service_level": figures.get("service_level"),
            "target": figures.get("target"),
            "meets_target": figures.get("meets_target"),
        }
        for name, figures in kpis.get("channels", {}).items()
    ]


# ---------------------------------------------------------------------------
# Comparing two plans
# ---------------------------------------------------------------------------

#: Columns of :attr:`PlanDiff.kpis`.
KPI_DIFF_COLUMNS = ("scope", "kpi", "a", "b", "change")
#: Columns of :attr:`PlanDiff.roster`.
ROSTER_DIFF_COLUMNS = (
    col.AGENT_ID,
    col.DATE,
    "change",
    "old_start",
    "old_end",
    "new_start",
    "new_end",
    "old_channels",
    "new_channels",
)
#: Kinds of roster difference, per agent and day.
ROSTER_CHANGES = ("added", "removed", "moved", "changed")


@dataclass(frozen=True)
class PlanDiff:
    """How plan ``b`` differs from plan ``a``.

    Attributes
    ----------
    a, b : str
        What the two plans are called (their ids in the store).
    kpis : pandas.DataFrame
        One row per figure: ``scope`` (a channel, ``overall`` or ``audit``),
        ``kpi`` (the key of ``kpis.json``; under ``audit`` a rule's violations),
        ``a`` and ``b`` (the figures, NaN where a plan has none) and ``change``
        (``b - a``). Every numeric figure of either plan, in ``a``'s order.
    roster : pandas.DataFrame
        One row per agent and day whose shift differs: ``agent_id, date``,
        ``change`` (``added``: only ``b`` has a shift; ``removed``: only ``a``;
        ``moved``: the same shift, breaks and channels at another time;
        ``changed``: anything else), ``old_start, old_end`` and ``new_start,
        new_end`` (first segment's start and last segment's end, tz-aware local
        times; NaT where there is no shift) and ``old_channels, new_channels``
        (the work channels, ``;``-separated). Sorted by agent and date.
    """

    a: str
    b: str
    kpis: pd.DataFrame
    roster: pd.DataFrame

    @property
    def same_roster(self) -> bool:
        """Whether the two rosters are the same, shift for shift."""
        return self.roster.empty


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _figures(kpis: Mapping[str, Any]) -> dict[tuple[str, str], float]:
    """Every numeric figure of a ``kpis.json`` by scope and key (None as NaN)."""
    out: dict[tuple[str, str], float] = {}
    scopes = [*kpis.get("channels", {}).items(), ("overall", kpis.get("overall", {}))]
    for scope, figures in scopes:
        for key, value in figures.items():
            if value is None or _is_number(value):
                out[str(scope), str(key)] = math.nan if value is None else float(value)
    for rule, count in kpis.get("audit", {}).items():
        if _is_number(count):
            out["audit", str(rule)] = float(count)
    return out


def kpi_diff(a: Mapping[str, Any], b: Mapping[str, Any]) -> pd.DataFrame:
    """Figure-by-figure difference of two ``kpis.json`` mappings.

    Parameters
    ----------
    a, b : Mapping
        The KPIs of the two plans (:attr:`scheduler.plan.Plan.kpis`).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`KPI_DIFF_COLUMNS`; ``change`` is ``b - a``.
    """
    first, second = _figures(a), _figures(b)
    keys = [*first, *(key for key in second if key not in first)]
    rows = [
        (
            scope,
            kpi,
            first.get((scope, kpi), math.nan),
            second.get((scope, kpi), math.nan),
            second.get((scope, kpi), math.nan) - first.get((scope, kpi), math.nan),
        )
        for scope, kpi in keys
    ]
    return pd.DataFrame(rows, columns=list(KPI_DIFF_COLUMNS)).astype(
        {"a": "float64", "b": "float64", "change": "float64"}
    )


class _Shift(NamedTuple):
    start: pd.Timestamp
    end: pd.Timestamp
    channels: str
    #: Segments relative to the shift's start, nanoseconds: (from, to, activity,
    #: channel).
    pattern: tuple[tuple[int, int, str, str], ...]


def _shifts(roster: pd.DataFrame) -> dict[tuple[str, dt.date], _Shift]:
    """Each agent's shift per day: its span, channels and segments."""
    ordered = roster.sort_values([col.AGENT_ID, col.DATE, col.START], kind="stable")
    keys = list(
        zip(
            ordered[col.AGENT_ID].astype(str),
            ordered[col.DATE].map(lambda day: cast(dt.date, day)),
            strict=True,
        )
    )
    starts, ends = ordered[col.START].tolist(), ordered[col.END].tolist()
    start_ns = ordered[col.START].to_numpy(dtype="datetime64[ns]").astype(np.int64)
    end_ns = ordered[col.END].to_numpy(dtype="datetime64[ns]").astype(np.int64)
    activities = ordered[col.ACTIVITY].astype(str).tolist()
    channels = ordered[col.CHANNEL].astype(str).tolist()
    out: dict[tuple[str, dt.date], _Shift] = {}
    first = 0
    for row in range(1, len(keys) + 1):
        if row < len(keys) and keys[row] == keys[first]:
            continue
        span = range(first, row)
        origin = int(start_ns[first])
        last = max(span, key=lambda k: int(end_ns[k]))
        work = {channels[k] for k in span if activities[k] == "work"}
        out[keys[first]] = _Shift(
            starts[first],
            ends[last],
            ";".join(sorted(work)),
            tuple(
                (
                    int(start_ns[k]) - origin,
                    int(end_ns[k]) - origin,
                    activities[k],
                    channels[k],
                )
                for k in span
            ),
        )
        first = row
    return out


def roster_diff(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """The shifts that differ between two roster frames, per agent and day.

    Parameters
    ----------
    a, b : pandas.DataFrame
        Roster frames (:data:`scheduler.schema.ROSTER_COLUMNS`).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`ROSTER_DIFF_COLUMNS` (see :class:`PlanDiff`).
    """
    old, new = _shifts(a), _shifts(b)
    rows = []
    for key in sorted(set(old) | set(new)):
        before, after = old.get(key), new.get(key)
        if before is None:
            kind = "added"
        elif after is None:
            kind = "removed"
        elif before.start == after.start and before.pattern == after.pattern:
            continue
        elif before.pattern == after.pattern:
            kind = "moved"
        else:
            kind = "changed"
        rows.append(
            {
                col.AGENT_ID: key[0],
                col.DATE: key[1],
                "change": kind,
                "old_start": pd.NaT if before is None else before.start,
                "old_end": pd.NaT if before is None else before.end,
                "new_start": pd.NaT if after is None else after.start,
                "new_end": pd.NaT if after is None else after.end,
                "old_channels": "" if before is None else before.channels,
                "new_channels": "" if after is None else after.channels,
            }
        )
    return pd.DataFrame(rows, columns=list(ROSTER_DIFF_COLUMNS))


def diff_plans(a: Plan, b: Plan, a_name: str = "a", b_name: str = "b") -> PlanDiff:
    """How plan ``b`` differs from plan ``a``: KPIs and shifts.

    Parameters
    ----------
    a, b : Plan
        The two plans (saved or not).
    a_name, b_name : str
        What to call them (their ids in the store).

    Returns
    -------
    PlanDiff
        The KPI differences per channel and overall, and the shifts that differ.
    """
    return PlanDiff(
        a=a_name,
        b=b_name,
        kpis=kpi_diff(a.kpis, b.kpis),
        roster=roster_diff(a.roster, b.roster),
    )


def _span(start: Any, end: Any, channels: str) -> str:
    """``09:00-17:00 (phone)``; empty where there is no shift (NaT)."""
    if pd.isna(start):
        return ""
    return f"{start:%H:%M}-{end:%H:%M} ({channels})"


def describe_roster_change(row: Mapping[Any, Any]) -> str:
    """One row of :attr:`PlanDiff.roster` as a sentence for the audit trail.

    E.g. ``A012 Tue 2026-02-03: moved 09:00-17:00 -> 10:00-18:00 (phone)``.
    """
    day = row[col.DATE]
    head = f"{row[col.AGENT_ID]} {day:%a} {day.isoformat()}: {row['change']}"
    old = _span(row["old_start"], row["old_end"], row["old_channels"])
    new = _span(row["new_start"], row["new_end"], row["new_channels"])
    if row["change"] == "added":
        return f"{head} {new}"
    if row["change"] == "removed":
        return f"{head} {old}"
    return f"{head} {old} -> {new}"


def _describe_change(change: Mapping[str, Any]) -> str:
    settings = ", ".join(f"{k}={v}" for k, v in change.items() if k != "kind")
    return f"{change['kind']}: {settings}" if "kind" in change else settings


def describe_changes(changes: tuple[dict[str, Any], ...]) -> str:
    """The scenario changes of a plan in one line (``""`` for a base plan).

    E.g. ``volume: channel=phone, factor=1.1; target: channel=chat, ...``.
    """
    return "; ".join(_describe_change(change) for change in changes)


def current_user() -> str | None:
    """The operating system's name for the user running vuoro, if it has one."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None


# ---------------------------------------------------------------------------
# The store
# ---------------------------------------------------------------------------


def default_store_path() -> Path:
    """Where the SQLite store lives when ``VUORO_DATABASE_URL`` is not set.

    ``$XDG_DATA_HOME/vuoro/plans.db`` when ``XDG_DATA_HOME`` is an absolute path,
    else ``~/.local/share/vuoro/plans.db``.
    """
    base = os.environ.get("XDG_DATA_HOME", "")
    root = Path(base) if base and Path(base).is_absolute() else None
    if root is None:
        root = Path.home() / ".local" / "share"
    return root / "vuoro" / "plans.db"


def _utc(moment: dt.datetime, what: str) -> dt.datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidInputError(
            f"{what} {moment.isoformat()} has no time zone; give an aware time, e.g. "
            "datetime.now(timezone.utc)"
        )
    return moment.astimezone(dt.UTC)


def _from_db(moment: dt.datetime) -> dt.datetime:
    """A time read back: SQLite keeps no zone, and what was stored is UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _required_text(value: str, what: str) -> str:
    if not value or not value.strip():
        raise InvalidInputError(f"{what} is empty; an edit records {what}")
    return value.strip()


#: Columns of :meth:`PlanStore.list` before the per-channel service levels.
LIST_COLUMNS = (
    "id",
    "name",
    "week_start",
    "created_at",
    "saved_at",
    "author",
    "parent_id",
    "changes",
    "paid_hours",
    "cost",
    "currency",
    "violations",
)
#: Prefix of :meth:`PlanStore.list`'s per-channel weekly service-level columns.
SERVICE_LEVEL_PREFIX = "service_level."
#: Columns of :meth:`PlanStore.edits`.
EDIT_COLUMNS = ("at", "author", "change", "reason")


class PlanStore:
    """Saved plans in a database (SQLite by default, any SQLAlchemy URL).

    Opening a store creates its tables, or migrates them from an older schema
    version, in one transaction.

    Parameters
    ----------
    url : str or sqlalchemy.engine.URL
        The database, e.g. ``sqlite:////home/me/plans.db`` or
        ``postgresql+psycopg://me@db/vuoro``.

    Raises
    ------
    InvalidInputError
        When the URL is not one, its driver is not installed, the database cannot
        be opened, or it was written by a newer vuoro.
    """

    def __init__(self, url: str | URL) -> None:
        self.engine = _engine(url)
        #: The database URL, with any password hidden (for messages).
        self.url = self.engine.url.render_as_string(hide_password=True)
        self._reader = self.engine.execution_options(**{_READ_ONLY: True})
        try:
            self._migrate()
        except OperationalError as err:
            self.engine.dispose()
            raise InvalidInputError(
                f"cannot open the plan store {self.url}: {err.orig}; check "
                f"{DATABASE_URL_ENV} (its folder must exist and be writable)"
            ) from None
        except BaseException:
            self.engine.dispose()
            raise

    @classmethod
    def from_environment(cls) -> PlanStore:
        """The store named by ``VUORO_DATABASE_URL``, else the user's SQLite file.

        The default file's folder (:func:`default_store_path`) is created when
        missing.
        """
        url = os.environ.get(DATABASE_URL_ENV, "").strip()
        if url:
            return cls(url)
        path = default_store_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        return cls(URL.create("sqlite", database=str(path)))

    def close(self) -> None:
        """Close the store's database connections."""
        self.engine.dispose()

    def __enter__(self) -> PlanStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema -------------------------------------------------------------

    def schema_version(self) -> int:
        """The schema version of the database (:data:`SCHEMA_VERSION` once open)."""
        with self._reader.connect() as conn:
            return _stored_version(conn)

    def _migrate(self) -> None:
        with self.engine.begin() as conn:
            version = _stored_version(conn)
            if version > SCHEMA_VERSION:
                raise InvalidInputError(
                    f"the plan store {self.url} has schema version {version}, newer "
                    f"than this vuoro knows ({SCHEMA_VERSION}); upgrade vuoro, or set "
                    f"{DATABASE_URL_ENV} to another database"
                )
            if version == SCHEMA_VERSION:
                return
            for step in range(version, SCHEMA_VERSION):
                MIGRATIONS[step](conn)
                logger.info(
                    "plan store %s: schema version %d -> %d", self.url, step, step + 1
                )
            conn.execute(delete(schema_version_table))
            conn.execute(insert(schema_version_table).values(version=SCHEMA_VERSION))

    # -- plans --------------------------------------------------------------

    def save(
        self,
        plan: Plan,
        *,
        author: str | None = None,
        note: str | None = None,
        parent_id: str | None = None,
    ) -> str:
        """Save a plan, all of it or nothing, and return its new id.

        Parameters
        ----------
        plan : Plan
            The plan.
        author : str or None
            Who saved it.
        note : str or None
            A remark for people.
        parent_id : str or None
            The saved plan this one was edited from (see :meth:`save_revision`).

        Returns
        -------
        str
            A short id unique in the store, e.g. ``2026w06-3fa2`` (ISO year and
            week of the plan's week, and four random hex digits).

        Raises
        ------
        InvalidInputError
            When ``parent_id`` is not a stored plan.
        """
        files = plan_files(plan)
        with self.engine.begin() as conn:
            if parent_id is not None:
                self._check_exists(conn, parent_id)
            plan_id = self._insert_plan(conn, plan, files, author, note, parent_id)
        logger.info("saved plan %s (%r) to %s", plan_id, plan.name, self.url)
        return plan_id

    def save_revision(
        self,
        parent_id: str,
        plan: Plan,
        *,
        author: str,
        reason: str,
        note: str | None = None,
        at: dt.datetime | None = None,
    ) -> str:
        """Save a supervisor's edited plan as a new plan, with its audit trail.

        The new plan records ``parent_id`` as the plan it was edited from, and one
        edit per shift that differs from it (:func:`describe_roster_change`), by
        ``author`` at ``at`` for ``reason``; all in one transaction.

        Parameters
        ----------
        parent_id : str
            The stored plan that was edited.
        plan : Plan
            The edited plan (re-evaluated).
        author : str
            Who edited it.
        reason : str
            Why.
        note : str or None
            A remark for people.
        at : datetime.datetime or None
            When (time-zone aware); now when omitted.

        Returns
        -------
        str
            The new plan's id.
        """
        who = _required_text(author, "author")
        why = _required_text(reason, "reason")
        when = _utc(at, "at") if at is not None else _now()
        parent = self.load(parent_id)
        changes = roster_diff(parent.roster, plan.roster)
        lines = [describe_roster_change(row) for row in changes.to_dict("records")]
        if not lines:
            lines = [f"no shift changed from {parent_id}"]
        files = plan_files(plan)
        with self.engine.begin() as conn:
            self._check_exists(conn, parent_id)
            plan_id = self._insert_plan(conn, plan, files, who, note, parent_id)
            conn.execute(
                insert(edits_table),
                [
                    {
                        "plan_id": plan_id,
                        "at": when,
                        "author": who,
                        "change": line,
                        "reason": why,
                    }
                    for line in lines
                ],
            )
        logger.info(
            "saved plan %s, a revision of %s by %s (%d change(s))",
            plan_id,
            parent_id,
            who,
            len(changes),
        )
        return plan_id

    def load(self, plan_id: str) -> Plan:
        """The stored plan, equal to what was saved (see :mod:`scheduler.plan`).

        The roster comes back with a ``locked`` column (False), as from a plan
        folder.

        Raises
        ------
        InvalidInputError
            When no plan has this id.
        """
        with self._reader.connect() as conn:
            self._check_exists(conn, plan_id)
            rows = conn.execute(
                select(plan_files_table.c.name, plan_files_table.c.text).where(
                    plan_files_table.c.plan_id == plan_id
                )
            ).all()
        return plan_from_files({name: body for name, body in rows}, f"plan {plan_id}")

    def list(self) -> pd.DataFrame:
        """Every stored plan's summary, oldest save first.

        Returns
        -------
        pandas.DataFrame
            Columns :data:`LIST_COLUMNS` (``created_at``/``saved_at`` tz-aware UTC,
            ``week_start`` a date, ``changes`` the scenario changes in one line)
            and one ``service_level.<channel>`` column per channel of any plan
            (the weekly service level, 0-1; NaN where a plan has no such channel).
        """
        with self._reader.connect() as conn:
            plans = conn.execute(
                select(*(plans_table.c[name] for name in LIST_COLUMNS)).order_by(
                    plans_table.c.saved_at, plans_table.c.id
                )
            ).all()
            channels = conn.execute(
                select(
                    plan_channels_table.c.plan_id,
                    plan_channels_table.c.channel,
                    plan_channels_table.c.service_level,
                )
            ).all()
        frame = pd.DataFrame([tuple(row) for row in plans], columns=list(LIST_COLUMNS))
        frame["week_start"] = [dt.date.fromisoformat(v) for v in frame["week_start"]]
        for name in ("created_at", "saved_at"):
            frame[name] = pd.to_datetime(
                [_from_db(v) for v in frame[name]], utc=True
            ).astype("datetime64[ns, UTC]")
        frame["violations"] = frame["violations"].astype("int64")
        for name in ("paid_hours", "cost"):
            frame[name] = frame[name].astype("float64")
        order: dict[str, None] = {}
        levels: dict[tuple[str, str], float] = {}
        for plan_id, channel, level in channels:
            order.setdefault(str(channel))
            levels[str(plan_id), str(channel)] = (
                math.nan if level is None else float(level)
            )
        for channel in order:
            frame[SERVICE_LEVEL_PREFIX + channel] = [
                levels.get((plan_id, channel), math.nan) for plan_id in frame["id"]
            ]
        return frame

    def delete(self, plan_id: str) -> None:
        """Delete a stored plan, its files and its audit trail.

        Revisions of it stay, without a parent.

        Raises
        ------
        InvalidInputError
            When no plan has this id.
        """
        with self.engine.begin() as conn:
            self._check_exists(conn, plan_id)
            conn.execute(delete(plans_table).where(plans_table.c.id == plan_id))
        logger.info("deleted plan %s from %s", plan_id, self.url)

    def diff(self, a: str, b: str) -> PlanDiff:
        """How stored plan ``b`` differs from stored plan ``a`` (KPIs and shifts).

        Raises
        ------
        InvalidInputError
            When either id is not a stored plan.
        """
        return diff_plans(self.load(a), self.load(b), a, b)

    # -- audit trail ----------------------------------------------------------

    def record_edit(
        self,
        plan_id: str,
        *,
        author: str,
        change: str,
        reason: str,
        at: dt.datetime | None = None,
    ) -> None:
        """Add an entry to a plan's audit trail.

        Parameters
        ----------
        plan_id : str
            The stored plan that was edited.
        author : str
            Who made the change.
        change : str
            What changed, e.g. ``locked A012's Tuesday shift``.
        reason : str
            Why.
        at : datetime.datetime or None
            When (time-zone aware); now when omitted.

        Raises
        ------
        InvalidInputError
            When the plan is unknown, a text is empty or ``at`` has no time zone.
        """
        entry = {
            "plan_id": plan_id,
            "at": _utc(at, "at") if at is not None else _now(),
            "author": _required_text(author, "author"),
            "change": _required_text(change, "change"),
            "reason": _required_text(reason, "reason"),
        }
        with self.engine.begin() as conn:
            self._check_exists(conn, plan_id)
            conn.execute(insert(edits_table).values(**entry))
        logger.info("plan %s: %s edited it: %s", plan_id, entry["author"], change)

    def edits(self, plan_id: str) -> pd.DataFrame:
        """A plan's audit trail, oldest first.

        Returns
        -------
        pandas.DataFrame
            Columns :data:`EDIT_COLUMNS`: ``at`` (tz-aware UTC), ``author``,
            ``change`` and ``reason``.

        Raises
        ------
        InvalidInputError
            When no plan has this id.
        """
        with self._reader.connect() as conn:
            self._check_exists(conn, plan_id)
            rows = conn.execute(
                select(*(edits_table.c[name] for name in EDIT_COLUMNS))
                .where(edits_table.c.plan_id == plan_id)
                .order_by(edits_table.c.at, edits_table.c.id)
            ).all()
        frame = pd.DataFrame([tuple(row) for row in rows], columns=list(EDIT_COLUMNS))
        frame["at"] = pd.to_datetime(
            [_from_db(v) for v in frame["at"]], utc=True
        ).astype("datetime64[ns, UTC]")
        return frame

    def info(self, plan_id: str) -> dict[str, Any]:
        """A stored plan's row of :meth:`list` as a mapping (plus its note)."""
        with self._reader.connect() as conn:
            self._check_exists(conn, plan_id)
            row = (
                conn.execute(select(plans_table).where(plans_table.c.id == plan_id))
                .mappings()
                .one()
            )
        out = dict(row)
        for name in ("created_at", "saved_at"):
            out[name] = _from_db(out[name])
        out["week_start"] = dt.date.fromisoformat(out["week_start"])
        return out

    # -- internals ------------------------------------------------------------

    def _check_exists(self, conn: Connection, plan_id: str) -> None:
        found = conn.execute(
            select(func.count()).where(plans_table.c.id == plan_id)
        ).scalar_one()
        if not found:
            raise InvalidInputError(
                f"no plan {plan_id!r} in the plan store {self.url}; `vuoro plans "
                "list` shows the ids"
            )

    def _new_id(self, conn: Connection, week_start: dt.date) -> str:
        year, week, _ = week_start.isocalendar()
        for _ in range(_ID_ATTEMPTS):
            plan_id = f"{year}w{week:02d}-{secrets.token_hex(2)}"
            taken = conn.execute(
                select(func.count()).where(plans_table.c.id == plan_id)
            ).scalar_one()
            if not taken:
                return plan_id
        raise InvalidInputError(  # pragma: no cover - 65,536 ids per week
            f"no free plan id for the week of {week_start} after {_ID_ATTEMPTS} "
            "tries; delete old plans of that week (`vuoro plans delete ID`)"
        )

    def _insert_plan(
        self,
        conn: Connection,
        plan: Plan,
        files: Mapping[str, str],
        author: str | None,
        note: str | None,
        parent_id: str | None,
    ) -> str:
        plan_id = self._new_id(conn, plan.week_start)
        overall = plan.kpis.get("overall", {})
        conn.execute(
            insert(plans_table).values(
                id=plan_id,
                name=plan.name,
                week_start=plan.week_start.isoformat(),
                created_at=_utc(plan.created_at, "the plan's created_at"),
                saved_at=_now(),
                changes=describe_changes(plan.changes),
                paid_hours=overall.get("paid_hours"),
                cost=overall.get("cost"),
                currency=overall.get("currency"),
                violations=len(plan.violations),
                parent_id=parent_id,
                author=author,
                note=note,
            )
        )
        conn.execute(
            insert(plan_files_table),
            [
                {"plan_id": plan_id, "name": name, "text": body}
                for name, body in files.items()
            ],
        )
        channels = _channel_rows(plan_id, plan.kpis)
        if channels:
            conn.execute(insert(plan_channels_table), channels)
        return plan_id


def _stored_version(conn: Connection) -> int:
    """The database's schema version; 0 for a database without our tables."""
    if not inspect(conn).has_table(schema_version_table.name):
        return 0
    version = conn.execute(select(func.max(schema_version_table.c.version))).scalar()
    return int(version or 0)


def _engine(url: str | URL) -> Engine:
    """An engine for the URL; on SQLite with foreign keys, WAL and real BEGINs."""
    shown = url if isinstance(url, str) else url.render_as_string(hide_password=True)
    try:
        parsed = make_url(url)
        engine = create_engine(parsed)
    except (NoSuchModuleError, ModuleNotFoundError) as err:
        raise InvalidInputError(
            f"plan store URL {parsed.render_as_string(hide_password=True)!r}: no "
            f"driver for it ({err}); install the driver or use a sqlite:/// URL"
        ) from None
    except ArgumentError as err:
        raise InvalidInputError(
            f"plan store URL {shown!r} is not a database URL ({err}); set "
            f"{DATABASE_URL_ENV} to e.g. sqlite:////home/me/plans.db or "
            "postgresql+psycopg://me@host/vuoro"
        ) from None
    if engine.dialect.name == "sqlite":
        _sqlite_transactions(engine, memory=parsed.database in (None, "", ":memory:"))
    return engine


def _sqlite_transactions(engine: Engine, *, memory: bool) -> None:
    """SQLite as a proper transactional store.

    The ``sqlite3`` driver's own transaction handling neither begins a transaction
    before DDL nor locks for writing early, so SQLAlchemy emits ``BEGIN`` itself
    (the recipe of SQLAlchemy's SQLite documentation): ``BEGIN IMMEDIATE`` for
    writes, which takes the write lock at once so that two saves or migrations
    never interleave, and a plain ``BEGIN`` for reads.
    """

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        if not memory:
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        read_only = conn.get_execution_options().get(_READ_ONLY, False)
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")
