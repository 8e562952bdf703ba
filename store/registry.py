"""The task registry: SQLite by default (one file), PostgreSQL by URL, through SQLAlchemy Core.

**Which tasks are current is one rule, in one place:** ``current_tasks_clause()`` (a where-clause on
``tasks``: ``tasks.superseded_by IS NULL``, indexed). ``superseded_by`` is maintained at commit time, in
the transaction that registers a document (``store.logical`` says how versions are linked); ``tasks``,
``status``, ``report``, ``export`` and ``diff`` all select with it, and ``--all-versions`` leaves it out.

**Logical documents** (migration 2): every file is a row of ``documents`` (a rendition, keyed by the sha256
of its bytes) with the ``logical_id`` of the document it renders; ``logical_documents`` names the rendition
whose tasks are stored (``primary_doc_id``); tasks are stored once per logical document, under that
rendition's ``doc_id``, so a task row needs no copy of the logical id (migration 4): the logical document's
tasks are those whose ``doc_id`` is its ``primary_doc_id`` (``_tasks_of``). ``documents()`` returns one
``Document`` per logical document, with its renditions listed. Corrections (``corrections`` table, an
audit trail) are applied over the parsed values whenever a document's tasks are (re)written.

One document's tasks are written in one transaction, so a crash or a full disk never leaves a document
half-registered. Files are keyed by the sha256 of their bytes and grouped into logical documents
(``store.logical``); a task is its columns plus what has no column, packed once (``store.task_rows``).
Schema changes are ordered migrations recorded in ``schema_migrations`` (as sqlite-utils' migrations do), never "delete the file".
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError

from models.diff import diff_tasks
from models.document import Document, Rendition
from models.errors import RegistryError
from models.task import Task
from store import corrections as corrections_mod
from store import logical
from store.export import document_record
from store.task_rows import agency_rows, task_from_row, task_row

log = logging.getLogger("theodoi.registry")
_HEX = frozenset("0123456789abcdef")
T = TypeVar("T")

metadata = sa.MetaData()

schema_migrations = sa.Table(
    "schema_migrations",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("applied_at", sa.String(40), nullable=False),
)

documents = sa.Table(
    "documents",
    metadata,
    sa.Column("doc_id", sa.String(64), primary_key=True),
    sa.Column("file", sa.Text, nullable=False),
    sa.Column("doc_type", sa.Text),
    sa.Column("number", sa.Text),
    sa.Column("issue_date", sa.String(10)),
    sa.Column("issue_month", sa.String(7)),
    sa.Column("issuer", sa.Text),
    sa.Column("subject", sa.Text),
    sa.Column("signer", sa.Text),
    sa.Column("pages", sa.Integer, nullable=False, default=0),
    sa.Column("method", sa.String(10), nullable=False),
    sa.Column("task_count", sa.Integer, nullable=False, default=0),
    sa.Column("parser_version", sa.Text, nullable=False, default=""),
    sa.Column("ingested_at", sa.String(40), nullable=False),
    sa.Column("record", sa.Text, nullable=False),  # Document as JSON
    sa.Column("logical_id", sa.String(64)),  # migration 2: the logical document this file renders
)
sa.Index("ix_documents_logical", documents.c.logical_id)

tasks = sa.Table(
    "tasks",
    metadata,
    sa.Column("task_id", sa.String(32), primary_key=True),
    sa.Column("doc_id", sa.String(64), sa.ForeignKey("documents.doc_id", ondelete="CASCADE"), nullable=False),
    sa.Column("ord", sa.Integer, nullable=False),
    sa.Column("source", sa.String(10), nullable=False),
    sa.Column("annex", sa.Text),
    sa.Column("section", sa.Text),
    sa.Column("stt", sa.Text),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("deadline_kind", sa.String(20), nullable=False),
    sa.Column("deadline_due", sa.String(10)),
    sa.Column("method", sa.String(10), nullable=False),
    sa.Column("confidence", sa.Float, nullable=False),
    sa.Column("extra", sa.LargeBinary),  # what has no column, compressed JSON (store/task_rows.py); schema 3
    sa.Column("leads", sa.SmallInteger, nullable=False, default=0),  # how many lead agencies; schema 3
    # migration 2: NULL superseded_by = current (the logical id of the later version, on a few rows only).
    # Which logical document a task belongs to is not stored here: its doc_id is the stored rendition's.
    sa.Column("superseded_by", sa.String(64)),
    sa.Column("corrected", sa.Text),  # JSON list of the fields a person changed
)
sa.Index("ix_tasks_doc", tasks.c.doc_id, tasks.c.ord)
sa.Index("ix_tasks_due", tasks.c.deadline_due)
# Partial indexes, {index: its where-clause}. SQLite's clause is given here; PostgreSQL's only when a
# PostgreSQL registry is opened (``_postgresql_partial_indexes``): naming a ``postgresql_`` option loads
# SQLAlchemy's PostgreSQL dialect, ~25 ms of every SQLite command's start-up.
_PARTIAL: dict[sa.Index, sa.ColumnElement[bool]] = {}


def _partial(name: str, column: sa.Column[Any], where: sa.ColumnElement[bool]) -> None:
    _PARTIAL[sa.Index(name, column, sqlite_where=where)] = where


def _postgresql_partial_indexes() -> None:
    for index, where in _PARTIAL.items():
        index.dialect_options["postgresql"]["where"] = where


# only the superseded tasks (a few): "current" (IS NULL) is most rows and must not steer the planner away
# from the due-date and agency indexes; "what was hidden" (IS NOT NULL) reads this one
_partial("ix_tasks_superseded", tasks.c.superseded_by, tasks.c.superseded_by.is_not(None))
# schema 3: a task's deadline found from its id without reading its row (the per-agency counts join on it)
sa.Index("ix_tasks_id_due", tasks.c.task_id, tasks.c.deadline_due)
# schema 3: the tasks without a lead agency, by deadline (a few, so a small partial index)
_partial("ix_tasks_no_lead", tasks.c.deadline_due, tasks.c.leads == 0)

task_agencies = sa.Table(
    "task_agencies",
    metadata,
    sa.Column("task_id", sa.String(32), sa.ForeignKey("tasks.task_id", ondelete="CASCADE"), primary_key=True),
    sa.Column("role", sa.String(4), primary_key=True),  # lead | co
    sa.Column("pos", sa.SmallInteger, primary_key=True),  # order among the task's lead (or co) agencies
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("raw", sa.Text),  # NULL: printed as the canonical name
    sa.Column("kind", sa.String(10), nullable=False),
    sa.Column("score", sa.Float),  # NULL: 1.0
    # The task's due date, written with it (tasks are only ever inserted and deleted whole, never updated):
    # the one value kept twice, so that the per-agency counts of `status` read one index and no task row.
    sa.Column("deadline_due", sa.String(10)),
    # Migration 5: 1 when the task is superseded (NULL: current), written with its rows as its due date is,
    # so that the per-agency counts of tasks in force read the agency index alone (``current_agency_clause``)
    sa.Column("superseded", sa.SmallInteger),
    sqlite_with_rowid=False,  # schema 3: the rows are the (task_id, role, pos) index itself
)
# schema 3: "tasks of agency X (as lead)", the per-agency counts and `theodoi agencies` read this index alone
sa.Index("ix_task_agencies_name", task_agencies.c.role, task_agencies.c.name, task_agencies.c.kind,
         task_agencies.c.deadline_due, task_agencies.c.task_id, task_agencies.c.superseded)  # fmt: skip

doc_refs = sa.Table(
    "doc_refs",
    metadata,
    sa.Column("doc_id", sa.String(64), sa.ForeignKey("documents.doc_id", ondelete="CASCADE"), nullable=False),
    sa.Column("raw", sa.Text, nullable=False),
    sa.Column("doc_type", sa.Text),
    sa.Column("number", sa.Text),
    sa.Column("ref_date", sa.String(10)),
    sa.Column("number_key", sa.Text),  # migration 2: store.logical.number_key(number), what links compare
)
sa.Index("ix_doc_refs_number", doc_refs.c.number)
sa.Index("ix_doc_refs_number_key", doc_refs.c.number_key)

failures = sa.Table(
    "failures",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("sha256", sa.String(64)),
    sa.Column("file", sa.Text, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("at", sa.String(40), nullable=False),
)


logical_documents = sa.Table(
    "logical_documents",
    metadata,
    sa.Column("logical_id", sa.String(64), primary_key=True),
    sa.Column("primary_doc_id", sa.String(64)),  # the rendition whose tasks are stored
    sa.Column("number_key", sa.Text, nullable=False, default=""),  # store.logical.number_key of its number
    sa.Column("created_at", sa.String(40), nullable=False),
)
sa.Index("ix_logical_number", logical_documents.c.number_key)
sa.Index("ix_logical_primary", logical_documents.c.primary_doc_id)  # migration 4: a task's logical document

doc_versions = sa.Table(
    "doc_versions",
    metadata,
    sa.Column("earlier", sa.String(64), nullable=False),  # logical ids
    sa.Column("later", sa.String(64), nullable=False),
    sa.Column("reason", sa.String(20), nullable=False),  # cites | replaces | same_subject
    sa.Column("raw", sa.Text, nullable=False),  # the citation as printed ("" for same_subject)
)
sa.Index("ix_doc_versions_earlier", doc_versions.c.earlier)
sa.Index("ix_doc_versions_later", doc_versions.c.later)

corrections = sa.Table(
    "corrections",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("task_id", sa.String(32), nullable=False),
    sa.Column("field", sa.String(20), nullable=False),  # store.corrections.FIELDS
    sa.Column("old", sa.Text),  # JSON of the value before
    sa.Column("new", sa.Text, nullable=False),  # JSON of the value set
    sa.Column("at", sa.String(40), nullable=False),
    sa.Column("by", sa.Text, nullable=False),
)
sa.Index("ix_corrections_task", corrections.c.task_id)


def current_tasks_clause() -> sa.ColumnElement[bool]:
    """THE rule for which tasks are current: not superseded by a later version (see ``store.logical``)."""
    return tasks.c.superseded_by.is_(None)


def current_agency_clause() -> sa.ColumnElement[bool]:
    """The same rule on a task's agency rows, which carry its state (``agency_rows``, rewritten with the
    task whenever ``superseded_by`` changes): what the per-agency counts read without a task row."""
    return task_agencies.c.superseded.is_(None)


def _primary_of(logical_ids: sa.ColumnElement[bool]) -> sa.Select[Any]:
    """The stored renditions' doc ids of the logical documents ``logical_ids`` (a clause on
    ``logical_documents``) selects: what ``tasks.doc_id`` holds for their tasks."""
    return sa.select(logical_documents.c.primary_doc_id).where(logical_ids)


def _tasks_of(logical_id: str) -> sa.ColumnElement[bool]:
    """The tasks of one logical document: stored under its stored rendition's doc id (``ix_tasks_doc``)."""
    return tasks.c.doc_id.in_(_primary_of(logical_documents.c.logical_id == logical_id))


def _create_v1(conn: Connection) -> None:
    for table in (documents, tasks, task_agencies, doc_refs, failures):
        table.create(conn, checkfirst=True)
        for index in table.indexes:
            index.create(conn, checkfirst=True)


def _create_indexes(conn: Connection, table: sa.Table) -> None:
    """The table's indexes whose columns it has: an index on a column another migration adds is made by
    that migration (migrations 2 and 3 may run in either state of the other)."""
    have = {c["name"] for c in sa.inspect(conn).get_columns(table.name)}
    for index in table.indexes:
        if all(c.name in have for c in index.columns):
            index.create(conn, checkfirst=True)


def _add_missing_columns(conn: Connection, table: sa.Table, names: Sequence[str]) -> None:
    """ALTER TABLE ADD COLUMN for each of ``names`` the table lacks (a registry made before the column);
    a registry created by this release already has them (``_create_v1`` creates today's tables)."""
    have = {c["name"] for c in sa.inspect(conn).get_columns(table.name)}
    for name in names:
        if name not in have:
            column = table.c[name]
            kind = column.type.compile(dialect=conn.dialect)
            conn.execute(sa.text(f"ALTER TABLE {table.name} ADD COLUMN {name} {kind}"))


def _create_v2(conn: Connection) -> None:
    """Logical documents, versions and corrections; existing files become one-rendition documents."""
    from store import logical

    _add_missing_columns(conn, documents, ["logical_id"])
    _add_missing_columns(conn, doc_refs, ["number_key"])
    _add_missing_columns(conn, tasks, ["superseded_by", "corrected"])
    for table in (documents, tasks, doc_refs, logical_documents, doc_versions, corrections):
        table.create(conn, checkfirst=True)
        _create_indexes(conn, table)
    conn.execute(documents.update().where(documents.c.logical_id.is_(None)).values(logical_id=documents.c.doc_id))
    for number in conn.scalars(sa.select(doc_refs.c.number).where(doc_refs.c.number.is_not(None)).distinct()).all():
        conn.execute(doc_refs.update().where(doc_refs.c.number == number)
                     .values(number_key=logical.number_key(number)))  # fmt: skip
    known = set(conn.scalars(sa.select(logical_documents.c.logical_id)))
    rows = conn.execute(sa.select(documents.c.doc_id, documents.c.number, documents.c.ingested_at)).all()
    new = [{"logical_id": r[0], "primary_doc_id": r[0], "number_key": logical.number_key(r[1]),
            "created_at": r[2]} for r in rows if r[0] not in known]  # fmt: skip
    if new:
        conn.execute(logical_documents.insert(), new)
        for row in new:
            _refresh_versions(conn, str(row["logical_id"]))


def _compact_v3(conn: Connection) -> None:
    """Each value stored once, and the indexes the archive-scale queries read (issue 15).

    A registry made before: each task's whole record JSON is re-read into ``extra`` and the agency rows
    (their order and score were only in that JSON), then dropped; ``task_agencies`` loses its copy of
    ``doc_id``. A registry created by this version already has that shape: only indexes are ensured.
    Does not assume the migrations before it are exactly 1 and 2.
    """
    from store.task_rows import agency_rows, task_row

    columns = {c["name"] for c in sa.inspect(conn).get_columns("tasks")}
    if "record" in columns:
        blob = sa.LargeBinary().compile(dialect=conn.dialect)
        conn.exec_driver_sql(f"ALTER TABLE tasks ADD COLUMN extra {blob}")
        conn.exec_driver_sql("ALTER TABLE tasks ADD COLUMN leads SMALLINT NOT NULL DEFAULT 0")
        old = sa.table("tasks", sa.column("task_id"), sa.column("record"))
        conn.exec_driver_sql("DROP INDEX IF EXISTS ix_task_agencies_name")
        conn.exec_driver_sql("DROP INDEX IF EXISTS ix_task_agencies_task")
        conn.exec_driver_sql("ALTER TABLE task_agencies RENAME TO task_agencies_v1")
        task_agencies.create(conn)
        records = conn.execute(sa.select(old.c.task_id, old.c.record)).all()
        for start in range(0, len(records), 2000):
            found = [Task.model_validate_json(r.record) for r in records[start : start + 2000]]
            conn.execute(
                tasks.update().where(tasks.c.task_id == sa.bindparam("id")),
                [{"id": t.task_id, **{k: v for k, v in task_row(t).items() if k in ("extra", "leads")}} for t in found],
            )
            if rows := [row for t in found for row in agency_rows(t)]:
                conn.execute(task_agencies.insert(), rows)
        conn.exec_driver_sql("DROP TABLE task_agencies_v1")
        conn.exec_driver_sql("ALTER TABLE tasks DROP COLUMN record")
    for table in (tasks, task_agencies):
        _create_indexes(conn, table)
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("ANALYZE")


def _drop_task_logical_id_v4(conn: Connection) -> None:
    """Tasks no longer carry the 64-hex logical id (issue 15: ~290 bytes a task with its index): a logical
    document's tasks are those stored under its stored rendition's doc id (``_tasks_of``).

    A registry made by migration 2 before this one: its stored rendition is made to agree with its tasks
    (it always does when ``save_document`` wrote them; the update only guards a hand-edited registry),
    then ``ix_tasks_logical`` and ``tasks.logical_id`` are dropped (SQLite ≥ 3.35, PostgreSQL). The space
    is reused by later writes; ``VACUUM`` returns it to the file system. A registry created by this version
    only gets ``ix_logical_primary``.
    """
    columns = {c["name"] for c in sa.inspect(conn).get_columns("tasks")}
    if "logical_id" in columns:
        conn.exec_driver_sql(
            "UPDATE logical_documents SET primary_doc_id = (SELECT MIN(t.doc_id) FROM tasks t"
            " WHERE t.logical_id = logical_documents.logical_id)"
            " WHERE EXISTS (SELECT 1 FROM tasks t WHERE t.logical_id = logical_documents.logical_id"
            " AND t.doc_id <> COALESCE(logical_documents.primary_doc_id, ''))"
        )
        conn.exec_driver_sql("DROP INDEX IF EXISTS ix_tasks_logical")
        conn.exec_driver_sql("ALTER TABLE tasks DROP COLUMN logical_id")
    _create_indexes(conn, logical_documents)


def _agency_state_v5(conn: Connection) -> None:
    """Agency rows carry their task's state (``task_agencies.superseded``), last in the agency index, so
    that ``status`` counts the tasks in force per agency from that index alone (issue 15: the join on
    ``tasks`` it replaces read every current task id). A registry made before gets the column, its value
    from ``tasks.superseded_by``, and the index rebuilt with it."""
    _add_missing_columns(conn, task_agencies, ["superseded"])
    conn.execute(task_agencies.update().where(task_agencies.c.task_id.in_(
        sa.select(tasks.c.task_id).where(sa.not_(current_tasks_clause())))).values(superseded=1))  # fmt: skip
    index = next(i for i in sa.inspect(conn).get_indexes("task_agencies") if i["name"] == "ix_task_agencies_name")
    if "superseded" not in index["column_names"]:
        conn.exec_driver_sql("DROP INDEX ix_task_agencies_name")
    _create_indexes(conn, task_agencies)
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("ANALYZE task_agencies")


# Ordered, append-only. A new schema change is a new (version, name, function) at the end; versions need
# not be consecutive: a registry records each version it applied, and any version not recorded is applied,
# in this order. 3 runs before 2: both came in one release, and 2 reads stored tasks in the compact form
# that 3 makes of an older registry's record JSON. The schema's version is the highest applied.
MIGRATIONS: list[tuple[int, str, Callable[[Connection], None]]] = [
    (1, "initial schema: documents, tasks, task_agencies, doc_refs, failures", _create_v1),
    (3, "compact storage (each value once) and indexes for archive-scale queries", _compact_v3),
    (2, "logical documents, renditions, versions (tasks.superseded_by), corrections", _create_v2),
    (4, "tasks reach their logical document through its stored rendition (tasks.logical_id dropped)",
     _drop_task_logical_id_v4),
    (5, "agency rows carry their task's state (task_agencies.superseded), read by the per-agency counts",
     _agency_state_v5),
]
SCHEMA_VERSION = max(version for version, _, _ in MIGRATIONS)
_MIGRATION_LOCK = 0x7468656F646F69  # "theodoi": PostgreSQL advisory lock key held while migrating


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def database_url(target: str | Path) -> str:
    """A SQLAlchemy URL from either a URL ("postgresql://…", "sqlite://") or a file path."""
    text = str(target)
    if "://" in text:
        if text.startswith("postgresql://"):
            return "postgresql+psycopg://" + text.removeprefix("postgresql://")
        return text
    return f"sqlite:///{Path(text)}"


@dataclass(frozen=True)
class TaskFilter:
    """What ``Registry.tasks`` selects; agency names are canonical names (resolve aliases before)."""

    doc_ids: Sequence[str] | None = None  # any rendition's doc id or logical id selects the logical document
    task_ids: Sequence[str] | None = None
    agencies: Sequence[str] | None = None
    roles: Sequence[str] = ("lead", "co")
    due_before: date | None = None
    overdue_as_of: date | None = None
    due_from: date | None = None  # due on or after
    due_until: date | None = None  # due on or before
    no_lead: bool = False  # only tasks without a lead agency
    current: bool = False  # only tasks in force: ``current_tasks_clause()``; False: every version
    superseded: bool = False  # only the tasks a later version replaced (what ``current`` hides)
    exclude: frozenset[str] = frozenset()  # task ids left out (superseded ones the diff found)
    by_due: bool = False  # ordered by due date (undated last), else by document and position
    limit: int | None = None


def _task_where(query: sa.Select[Any], where: TaskFilter) -> sa.Select[Any]:
    """``query`` on ``tasks`` narrowed by ``where`` (the limit and order are the caller's)."""
    if where.doc_ids is not None:  # a rendition's doc id or a logical id: the logical document's tasks
        ids = list(where.doc_ids)
        # a union, not an OR: each side is a key look-up the planners count as one row, so the tasks are
        # read through ix_tasks_doc (PostgreSQL estimated the OR at 10% of the documents and scanned tasks)
        of_files = _primary_of(documents.c.doc_id.in_(ids)).join(
            documents, documents.c.logical_id == logical_documents.c.logical_id)  # fmt: skip
        query = query.where(tasks.c.doc_id.in_(sa.union(of_files, _primary_of(logical_documents.c.logical_id.in_(ids)))))
    if where.task_ids is not None:
        query = query.where(tasks.c.task_id.in_(list(where.task_ids)))
    if where.agencies:
        matching = sa.select(task_agencies.c.task_id).where(
            task_agencies.c.name.in_(list(where.agencies)), task_agencies.c.role.in_(list(where.roles))
        )
        query = query.where(tasks.c.task_id.in_(matching))
    if where.no_lead:
        query = query.where(tasks.c.leads == 0)
    for bound in (where.due_before, where.overdue_as_of):
        if bound is not None:
            query = query.where(tasks.c.deadline_due < bound.isoformat())
    if where.due_from is not None:
        query = query.where(tasks.c.deadline_due >= where.due_from.isoformat())
    if where.due_until is not None:
        query = query.where(tasks.c.deadline_due <= where.due_until.isoformat())
    if where.current:
        query = query.where(current_tasks_clause())
    if where.superseded:
        query = query.where(sa.not_(current_tasks_clause()))
    if where.exclude:
        query = query.where(tasks.c.task_id.not_in(sorted(where.exclude)))
    return query


def _reason(error: BaseException) -> str:
    """The database's own words (the DBAPI error), on one line, without SQLAlchemy's boilerplate."""
    orig = getattr(error, "orig", None) or error
    return " ".join(str(orig).split()) or error.__class__.__name__


class Registry:
    """Documents and their tasks. Open with a path or URL; use as a context manager to dispose.

    Every database error comes out as a ``RegistryError`` (exit code 4) that names the registry and
    what was being done, never as a raw SQLAlchemy error. Pooled connections are tested before use
    (``pool_pre_ping``: a PostgreSQL restart leaves them stale), and an operation that loses its
    connection is tried once more on a new one after ``reconnect_delay_s``; a write is one transaction,
    so a retried write is never written twice (a document the first try did commit is then "already
    registered").
    """

    def __init__(self, target: str | Path, *, echo: bool = False, reconnect_delay_s: float = 1.0) -> None:
        url = database_url(target)
        if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        self.url = url
        self.reconnect_delay_s = reconnect_delay_s
        self.errors: list[str] = []  # every database failure reported, in order (the CLI's exit code 4)
        try:
            self.engine: Engine = sa.create_engine(url, echo=echo, future=True, pool_pre_ping=True)
            self.shown_url = self.engine.url.render_as_string(hide_password=True)
            if self.engine.dialect.name == "sqlite":
                sa.event.listen(self.engine, "connect", _sqlite_pragmas)
            elif self.engine.dialect.name == "postgresql":
                _postgresql_partial_indexes()
            self._db(f"cannot open the registry at {_hide_password(target)}", self.migrate)
        except SQLAlchemyError as e:  # a malformed URL, an unknown driver
            raise RegistryError(
                f"cannot open the registry at {_hide_password(target)}: {e.__class__.__name__}: {_reason(e)}"
            ) from e

    def _lost_connection(self, error: SQLAlchemyError) -> bool:
        if isinstance(error, DBAPIError) and error.connection_invalidated:
            return True
        # PostgreSQL: a server restarting, shut down or unreachable (SQLite's are locks and disk errors)
        return self.engine.dialect.name != "sqlite" and isinstance(error, OperationalError)

    def _db(self, failed: str, operation: Callable[[], T], *, then: str = "") -> T:
        """Run ``operation`` (one connection or transaction); a database error becomes the
        ``RegistryError`` "{failed} (the database's reason){then}". A lost connection is retried once on
        a fresh one."""
        for attempt in (1, 2):
            try:
                return operation()
            except RegistryError:
                raise
            except SQLAlchemyError as e:
                if attempt == 1 and self._lost_connection(e):
                    log.warning("registry %s: connection lost (%s); reconnecting once", self.shown_url,
                                _reason(e))  # fmt: skip
                    self.engine.dispose()
                    time.sleep(self.reconnect_delay_s)
                    continue
                message = f"{failed} ({_reason(e)}){then}"
                self.errors.append(message)
                raise RegistryError(message) from e
        raise AssertionError("unreachable")

    def __enter__(self) -> Registry:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.engine.dispose()

    # -- schema --------------------------------------------------------------------------------------
    def migrate(self) -> list[int]:
        """Apply the migrations this database has not seen, each in its own transaction.

        Two processes opening a fresh registry at once (a watcher and a batch) take turns; without that
        both run CREATE TABLE and one fails. On PostgreSQL a session advisory lock orders them; on SQLite
        the migrations run in one ``BEGIN IMMEDIATE`` transaction (the other waits for it, busy_timeout),
        taken only when a migration is due, so a read-only registry still opens.
        """
        with self.engine.connect() as conn:
            dialect = self.engine.dialect.name
            if dialect == "sqlite":
                if self._up_to_date(conn):
                    return []
                conn.exec_driver_sql("BEGIN IMMEDIATE")
                try:
                    applied = self._apply_migrations(conn, step=contextlib.nullcontext)
                    conn.commit()
                except BaseException:
                    conn.rollback()
                    raise
                return applied
            lock = dialect == "postgresql"
            if lock:
                conn.execute(sa.text("SELECT pg_advisory_lock(:key)"), {"key": _MIGRATION_LOCK})
                conn.commit()
            try:
                applied = self._apply_migrations(conn, step=conn.begin)
            finally:
                if lock:
                    conn.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": _MIGRATION_LOCK})
                    conn.commit()
        return applied

    @staticmethod
    def _up_to_date(conn: Connection) -> bool:
        if not sa.inspect(conn).has_table(schema_migrations.name):
            return False
        done = set(conn.scalars(sa.select(schema_migrations.c.version)))
        conn.rollback()
        return all(version in done for version, _, _ in MIGRATIONS)

    @staticmethod
    def _apply_migrations(conn: Connection, step: Callable[[], contextlib.AbstractContextManager[object]]) -> list[int]:
        with step():
            schema_migrations.create(conn, checkfirst=True)
            done = set(conn.scalars(sa.select(schema_migrations.c.version)))
        applied = []
        for version, name, apply in MIGRATIONS:
            if version in done:
                continue
            with step():
                apply(conn)
                conn.execute(schema_migrations.insert().values(version=version, name=name, applied_at=_now()))
            applied.append(version)
        return applied

    def schema_version(self) -> int:
        def read() -> int:
            with self.engine.connect() as conn:
                return conn.scalar(sa.select(sa.func.max(schema_migrations.c.version))) or 0

        return self._db(self._cannot_read("its schema version"), read)

    def _cannot_read(self, what: str) -> str:
        return f"cannot read {what} from the registry at {self.shown_url}"

    # -- writes --------------------------------------------------------------------------------------
    def has_document(self, doc_id: str) -> bool:
        def read() -> bool:
            with self.engine.connect() as conn:
                query = sa.select(documents.c.doc_id).where(documents.c.doc_id == doc_id)
                return conn.scalar(query) is not None

        return self._db(self._cannot_read(f"whether {doc_id[:12]} is registered"), read)

    def save_document(self, document: Document, doc_tasks: Iterable[Task], *, replace: bool = False) -> None:
        """Register one file and its tasks atomically; ``replace`` swaps an earlier parse of the same bytes.

        The file joins the logical document it is a rendition of (``store.logical``: printed number, else
        content), or starts one. Only the best rendition's tasks are kept, with the logical document's task
        ids; corrections are re-applied and the version links (``superseded_by``) recomputed, all in the
        same transaction.

        Raises:
            RegistryError: the document is already registered and ``replace`` is False, or the database
                refused the write (disk full, read-only, lost connection). Nothing is written then.
        """
        task_list = list(doc_tasks)
        document = document.model_copy(update={"task_count": len(task_list), "ingested_at": _now()})

        def write() -> None:
            with self.engine.begin() as conn:
                found = conn.execute(
                    sa.select(documents.c.doc_id, documents.c.logical_id).where(documents.c.doc_id == document.doc_id)
                ).first()
                if found and not replace:
                    raise RegistryError(f"{document.file}: already registered as {document.doc_id[:12]}")
                logical_id = found[1] if found else None
                was_primary = False
                if found:
                    primary = conn.scalar(sa.select(logical_documents.c.primary_doc_id)
                                          .where(logical_documents.c.logical_id == logical_id))  # fmt: skip
                    was_primary = primary == document.doc_id
                    _delete_rendition(conn, document.doc_id)
                matches = [logical_id] if logical_id else _match(conn, document, task_list)
                _attach(conn, document, task_list, matches, refill=not was_primary)

        self._db(f"{document.file}: the registry refused the write", write, then="; nothing was written for it")

    def delete_document(self, doc_id: str) -> None:
        """Forget one file; the logical document goes when its last rendition does (its tasks with it)."""

        def write() -> None:
            with self.engine.begin() as conn:
                logical_id = conn.scalar(sa.select(documents.c.logical_id).where(documents.c.doc_id == doc_id))
                _delete_rendition(conn, doc_id)
                if logical_id is None:
                    return
                left = conn.scalar(sa.select(sa.func.count()).where(documents.c.logical_id == logical_id))
                if not left:
                    _delete_tasks(conn, logical_id)
                    conn.execute(logical_documents.delete().where(logical_documents.c.logical_id == logical_id))
                    conn.execute(doc_versions.delete().where(
                        sa.or_(doc_versions.c.earlier == logical_id, doc_versions.c.later == logical_id)))  # fmt: skip
                    freed = sa.select(tasks.c.task_id).where(tasks.c.superseded_by == logical_id)
                    conn.execute(task_agencies.update().where(task_agencies.c.task_id.in_(freed)).values(superseded=None))
                    conn.execute(tasks.update().where(tasks.c.superseded_by == logical_id).values(superseded_by=None))

        self._db(f"{doc_id[:12]}: the registry at {self.shown_url} refused the deletion", write)

    def record_failure(self, file: str, reason: str, sha256: str | None = None) -> None:
        def write() -> None:
            with self.engine.begin() as conn:
                conn.execute(failures.insert().values(sha256=sha256, file=file, reason=reason, at=_now()))

        self._db(f"{file}: the registry at {self.shown_url} refused to record the failure", write)

    # -- reads ---------------------------------------------------------------------------------------
    def _records(self, query: sa.Select[tuple[str]], what: str) -> list[str]:
        def read() -> list[str]:
            with self.engine.connect() as conn:
                return list(conn.scalars(query))

        return self._db(self._cannot_read(what), read)

    def _views(self, logical_ids: str | Sequence[str] | None, what: str) -> list[Document]:
        """Logical documents (all, or the one with this id): the stored rendition's record with the merged
        metadata, ``logical_id`` and every rendition; in the order their stored renditions were ingested."""
        query = sa.select(documents.c.record, documents.c.logical_id, logical_documents.c.primary_doc_id).join(
            logical_documents, logical_documents.c.logical_id == documents.c.logical_id, isouter=True)  # fmt: skip
        if isinstance(logical_ids, str):
            query = query.where(documents.c.logical_id == logical_ids)
        elif logical_ids is not None:
            query = query.where(documents.c.logical_id.in_(list(logical_ids)))

        def read() -> list[tuple[str, str, str | None]]:
            with self.engine.connect() as conn:
                return [(r[0], r[1], r[2]) for r in conn.execute(query)]

        groups: dict[str, list[Document]] = {}
        primary_of: dict[str, str | None] = {}
        for record, lid, primary in self._db(self._cannot_read(what), read):
            groups.setdefault(lid, []).append(Document.model_validate_json(record))
            primary_of[lid] = primary
        views = []
        for lid, docs in groups.items():
            docs = _in_rendition_order(docs, primary_of[lid])
            renditions = [
                Rendition(doc_id=d.doc_id, file=d.file, method=d.method, pages=d.pages, task_count=d.task_count,
                          received=d.ingested_at, primary=d.doc_id == primary_of[lid])
                for d in sorted(docs, key=lambda d: (d.ingested_at or "", d.file))
            ]  # fmt: skip
            views.append(docs[0].model_copy(update={"meta": logical.merged_meta(docs), "logical_id": lid,
                                                    "renditions": renditions}))  # fmt: skip
        return sorted(views, key=lambda d: (d.ingested_at or "", d.file))

    def documents(self, latest: int | None = None) -> list[Document]:
        """One per logical document (renditions listed inside); see ``_views``. ``latest``: only the
        logical documents most recently received (by their latest file), so that listing a few of an
        archive's thousands builds only those."""
        if latest is None:
            return self._views(None, "the documents")
        received = sa.func.max(documents.c.ingested_at)
        query = (sa.select(documents.c.logical_id).group_by(documents.c.logical_id)
                 .order_by(received.desc(), documents.c.logical_id).limit(latest))  # fmt: skip
        return self._views(self._records(query, "the documents"), "the documents")

    def count_documents(self) -> tuple[int, int]:
        """(logical documents, files) registered, counted in SQL."""
        query = sa.select(sa.func.count(sa.distinct(documents.c.logical_id)), sa.func.count())

        def read() -> tuple[int, int]:
            with self.engine.connect() as conn:
                n_docs, n_files = conn.execute(query).one()
            return int(n_docs), int(n_files)

        return self._db(self._cannot_read("the documents"), read)

    def files(self) -> list[Document]:
        """Every registered file (rendition) as it was parsed, in the order ingested: what was received."""
        query = sa.select(documents.c.record).order_by(documents.c.ingested_at, documents.c.file)
        return [Document.model_validate_json(r) for r in self._records(query, "the files")]

    def document(self, doc_id: str) -> Document | None:
        """The logical document that the file ``doc_id`` renders (or whose logical id ``doc_id`` is)."""
        query = sa.select(documents.c.logical_id).where(documents.c.doc_id == doc_id)
        found = self._records(query, f"document {doc_id[:12]}")
        views = self._views(found[0] if found else doc_id, f"document {doc_id[:12]}")
        return views[0] if views else None

    def find_documents(self, ref: str) -> list[Document]:
        """THE document resolver: logical documents that ``ref`` names. ``ref`` is a number as printed
        (compared by ``store.logical.number_fold``: case, accents, Đ/D, "-"/"/"), a file name (of any
        rendition; a path's last part), or 4+ hex digits starting a doc id or a logical id. Compared in
        Python, never with ``LIKE``: "%" and "_" are characters here. The renditions' columns are read,
        and only the documents named are built (an archive holds thousands)."""
        ref = ref.strip()
        if not ref:
            return []
        number = logical.number_fold(ref)
        name = ref.replace("\\", "/").rsplit("/", 1)[-1]
        prefix = ref.lower() if len(ref) >= 4 and set(ref.lower()) <= _HEX else None
        query = sa.select(documents.c.logical_id, documents.c.doc_id, documents.c.file, documents.c.number)

        def read() -> set[str]:
            named = set()
            with self.engine.connect() as conn:
                for lid, doc_id, file, printed in conn.execute(query):
                    if (
                        file in (ref, name)
                        or (prefix is not None and (doc_id.startswith(prefix) or (lid or "").startswith(prefix)))
                        or (number and printed and logical.number_fold(printed) == number)
                    ):
                        named.add(lid or doc_id)
            return named

        named = self._db(self._cannot_read("the documents"), read)
        return self._views(sorted(named), "the documents") if named else []

    def tasks(self, where: TaskFilter | None = None) -> list[Task]:
        return list(self.iter_tasks(where))

    def hidden_count(self, where: TaskFilter) -> int:
        """How many tasks ``where`` selects that a later version superseded (what ``current`` hides)."""
        return self.count_tasks(dataclasses.replace(where, current=False, superseded=True))

    def task(self, task_id: str) -> Task | None:
        def read() -> Task | None:
            with self.engine.connect() as conn:
                found = _load_tasks(conn, tasks.c.task_id == task_id)
            return found[0] if found else None

        return self._db(self._cannot_read(f"task {task_id}"), read)

    def version_links(self) -> list[tuple[str, str, str, str]]:
        """(earlier logical id, later logical id, reason, citation as printed) for every version link."""
        query = sa.select(doc_versions.c.earlier, doc_versions.c.later, doc_versions.c.reason, doc_versions.c.raw)

        def read() -> list[tuple[str, str, str, str]]:
            with self.engine.connect() as conn:
                return [(r[0], r[1], r[2], r[3]) for r in conn.execute(query.order_by(doc_versions.c.earlier))]

        return self._db(self._cannot_read("the version links"), read)

    def superseded(self) -> dict[str, str]:
        """{task id: logical id of the later version in force} for every superseded task."""
        query = sa.select(tasks.c.task_id, tasks.c.superseded_by).where(sa.not_(current_tasks_clause()))

        def read() -> dict[str, str]:
            with self.engine.connect() as conn:
                return {r[0]: r[1] for r in conn.execute(query)}

        return self._db(self._cannot_read("the superseded tasks"), read)

    # -- corrections -----------------------------------------------------------------------------------
    def correct(self, task_id: str, changes: dict[str, object], by: str) -> list[tuple[str, object, object]]:
        """Set fields of one task by hand (``store.corrections``); returns (field, old, new) of each change.
        A value equal to the current one is no change and leaves no audit row.

        Raises:
            RegistryError: no task has this id, or the database refused the write.
        """

        def write() -> list[tuple[str, object, object]]:
            with self.engine.begin() as conn:
                found = _load_tasks(conn, tasks.c.task_id == task_id)
                if not found:
                    raise RegistryError(f"no task {task_id!r} in the registry at {self.shown_url}")
                task = found[0]
                done = []
                for field, value in changes.items():
                    old = corrections_mod.value_of(task, field)
                    if old == value:
                        continue
                    conn.execute(corrections.insert().values(task_id=task_id, field=field, old=dumps(old),
                                                             new=dumps(value), at=_now(), by=by))  # fmt: skip
                    task = corrections_mod.apply(task, field, value)
                    done.append((field, old, value))
                if done:
                    _rewrite_task(conn, task)
                return done

        return self._db(f"{task_id}: the registry at {self.shown_url} refused the correction", write)

    def corrections(self) -> list[dict[str, object]]:
        """The audit trail, oldest first; ``orphan`` is True when the task id no longer exists."""
        query = sa.select(corrections, tasks.c.task_id.is_(None).label("orphan")).join(
            tasks, tasks.c.task_id == corrections.c.task_id, isouter=True).order_by(corrections.c.id)  # fmt: skip

        def read() -> list[dict[str, object]]:
            with self.engine.connect() as conn:
                return [
                    dict(r._mapping) | {"old": json.loads(r.old) if r.old else None, "new": json.loads(r.new),
                                        "orphan": bool(r.orphan)}
                    for r in conn.execute(query)
                ]  # fmt: skip

        return self._db(self._cannot_read("the corrections"), read)

    def agency_counts(self, kind: str | None = None) -> list[tuple[str, str, int]]:
        """(name, kind, number of task mentions), most mentioned first; ``kind="unknown"`` for the gaps.

        Counted per role in the order of the agency index (no sort of the mentions), summed here."""
        query = sa.select(task_agencies.c.name, task_agencies.c.kind, sa.func.count()).group_by(
            task_agencies.c.role, task_agencies.c.name, task_agencies.c.kind
        )
        if kind:
            query = query.where(task_agencies.c.kind == kind)

        def read() -> list[tuple[str, str, int]]:
            counts: dict[tuple[str, str], int] = {}
            with self.engine.connect() as conn:
                for name, k, n in conn.execute(query):
                    counts[(name, k)] = counts.get((name, k), 0) + int(n)
            return sorted(((name, k, n) for (name, k), n in counts.items()), key=lambda c: (-c[2], c[0]))

        return self._db(self._cannot_read("the agencies"), read)

    def citing_documents(self, number: str) -> list[str]:
        """doc_ids of documents that cite the document with this number."""
        query = sa.select(doc_refs.c.doc_id).where(doc_refs.c.number == number).distinct()
        return self._records(query, f"the documents citing {number}")


    # -- archive-scale reads (issue 15): filtered and counted in SQL, streamed in chunks -------------------
    def _stream(self, what: str, rows: Callable[[], Iterator[T]]) -> Iterator[T]:
        """``rows()`` consumed lazily; a database error on the way becomes a ``RegistryError``."""
        try:
            yield from rows()
        except SQLAlchemyError as e:
            message = f"{self._cannot_read(what)} ({_reason(e)})"
            self.errors.append(message)
            raise RegistryError(message) from e

    def iter_tasks(self, where: TaskFilter | None = None, *, chunk: int = 500) -> Iterator[Task]:
        """The tasks ``where`` selects, read ``chunk`` at a time (memory stays flat whatever the count):
        in document order (as registered, then position), or by due date with ``where.by_due``."""
        where = where or TaskFilter()
        query = _task_where(sa.select(*[c for c in tasks.c]), where)
        if where.by_due:
            query = query.order_by(tasks.c.deadline_due.is_(None), tasks.c.deadline_due, tasks.c.doc_id, tasks.c.ord)
        else:
            order = sa.select(documents.c.ingested_at).where(documents.c.doc_id == tasks.c.doc_id).scalar_subquery()
            query = query.order_by(order, tasks.c.doc_id, tasks.c.ord)
        if where.limit is not None:
            query = query.limit(where.limit)

        def rows() -> Iterator[Task]:
            with self.engine.connect() as conn:
                result = conn.execution_options(yield_per=chunk).execute(query)
                for part in result.mappings().partitions():
                    ids = [r["task_id"] for r in part]
                    agencies: dict[str, list[sa.RowMapping]] = {i: [] for i in ids}
                    for a in conn.execute(sa.select(task_agencies).where(task_agencies.c.task_id.in_(ids))).mappings():
                        agencies[a["task_id"]].append(a)
                    for r in part:
                        yield task_from_row(r, agencies[r["task_id"]])

        return self._stream("the tasks", rows)

    def count_tasks(self, where: TaskFilter | None = None) -> int:
        query = _task_where(sa.select(sa.func.count()).select_from(tasks), where or TaskFilter())

        def read() -> int:
            with self.engine.connect() as conn:
                return int(conn.scalar(query) or 0)

        return self._db(self._cannot_read("the number of tasks"), read)

    def documents_by_id(self, doc_ids: Iterable[str]) -> dict[str, Document]:
        """{doc id: the logical document it renders (``_views``)} for these file or logical ids (unknown
        ids left out); what an export or a report prints beside each task."""
        wanted = sorted(set(doc_ids))

        def read() -> dict[str, str]:
            found = {}
            with self.engine.connect() as conn:
                for start in range(0, len(wanted), 500):
                    part = wanted[start : start + 500]
                    query = sa.select(documents.c.doc_id, documents.c.logical_id).where(
                        sa.or_(documents.c.doc_id.in_(part), documents.c.logical_id.in_(part)))  # fmt: skip
                    for doc_id, lid in conn.execute(query):
                        found[doc_id] = lid
                        found.setdefault(lid, lid)
            return found

        logical_of = self._db(self._cannot_read("documents"), read)
        views = {v.logical_id: v for v in self._views(sorted(set(logical_of.values())), "documents")}
        return {d: views[lid] for d, lid in logical_of.items() if d in wanted and lid in views}

    def document_numbers(self) -> list[tuple[str, str | None]]:
        """(doc_id, number as printed) of every document: what follow-up links are matched on."""
        query = sa.select(documents.c.doc_id, documents.c.number)

        def read() -> list[tuple[str, str | None]]:
            with self.engine.connect() as conn:
                return [(r[0], r[1]) for r in conn.execute(query)]

        return self._db(self._cannot_read("the document numbers"), read)

    def reference_numbers(self) -> list[tuple[str, str | None, str]]:
        """(citing doc_id, cited number, the citation as printed) of every reference."""
        query = sa.select(doc_refs.c.doc_id, doc_refs.c.number, doc_refs.c.raw)

        def read() -> list[tuple[str, str | None, str]]:
            with self.engine.connect() as conn:
                return [(r[0], r[1], r[2]) for r in conn.execute(query)]

        return self._db(self._cannot_read("the references"), read)

    def lead_status_counts(
        self, as_of: date, soon_until: date, where: TaskFilter | None = None
    ) -> list[tuple[str | None, int, int, int]]:
        """Per lead agency (None: tasks without one): (name, tasks, overdue, due by ``soon_until``), counted
        in SQL from the agency index alone (role, name, kind, due, task). A task with two lead agencies
        counts for each; a name repeated among its leads counts once (the repeat is stored as role "dup").
        ``where``: only ``current`` and ``exclude`` apply."""
        where = where or TaskFilter()
        due = task_agencies.c.deadline_due
        overdue = sa.func.sum(sa.case((due < as_of.isoformat(), 1), else_=0))
        soon = sa.func.sum(sa.case((due.between(as_of.isoformat(), soon_until.isoformat()), 1), else_=0))
        by_agency = (
            sa.select(task_agencies.c.name, sa.func.count(), overdue, soon)
            .where(task_agencies.c.role == "lead")
            .group_by(task_agencies.c.name)
        )
        by_agency = by_agency.where(current_agency_clause())
        if where.exclude:
            by_agency = by_agency.where(task_agencies.c.task_id.not_in(sorted(where.exclude)))
        due = tasks.c.deadline_due
        no_lead = _task_where(
            sa.select(sa.null(), sa.func.count(), sa.func.sum(sa.case((due < as_of.isoformat(), 1), else_=0)),
                      sa.func.sum(sa.case((due.between(as_of.isoformat(), soon_until.isoformat()), 1), else_=0)))
            .select_from(tasks),
            dataclasses.replace(where, no_lead=True),
        )  # fmt: skip

        def read() -> list[tuple[str | None, int, int, int]]:
            with self.engine.connect() as conn:
                rows = [*conn.execute(by_agency), *conn.execute(no_lead)]
            return [(r[0], int(r[1]), int(r[2] or 0), int(r[3] or 0)) for r in rows if r[1]]

        return self._db(self._cannot_read("the status per agency"), read)

    def due_month_counts(self, as_of: date, where: TaskFilter | None = None) -> list[tuple[str | None, int, int]]:
        """(month "YYYY-MM" or None when undated, tasks, overdue on ``as_of``), in month order."""
        month = sa.func.substr(tasks.c.deadline_due, 1, 7)
        overdue = sa.func.sum(sa.case((tasks.c.deadline_due < as_of.isoformat(), 1), else_=0))
        query = _task_where(sa.select(month, sa.func.count(), overdue).group_by(month).order_by(month),
                            where or TaskFilter())  # fmt: skip

        def read() -> list[tuple[str | None, int, int]]:
            with self.engine.connect() as conn:
                return [(r[0], int(r[1]), int(r[2] or 0)) for r in conn.execute(query)]

        return self._db(self._cannot_read("the tasks per month"), read)


    def iter_documents(self, doc_ids: Sequence[str] | None = None) -> Iterator[Document]:
        """The logical documents (those ``doc_ids`` name, else all) in registration order, each once."""
        if doc_ids is None:
            return self._all_views_in_order()
        chosen = {d.logical_id: d for d in self.documents_by_id(doc_ids).values()}
        return iter(sorted(chosen.values(), key=lambda d: (d.ingested_at or "", d.file)))

    def _all_views_in_order(self, chunk: int = 500) -> Iterator[Document]:
        """``documents()`` one chunk at a time, in the same order, so that an export of an archive holds
        ``chunk`` views at once, never all (~7,500 records at a million tasks: 120 MB). The order is each
        view's (the merge picks the rendition that dates it), so a first pass builds the views only to
        take their keys; the second builds them again in that order."""
        ids = self._records(sa.select(documents.c.logical_id).distinct(), "the documents")
        keys: list[tuple[str, str, str]] = []
        for start in range(0, len(ids), chunk):
            views = self._views(ids[start : start + chunk], "the documents")
            keys += [(d.ingested_at or "", d.file, d.logical_id or "") for d in views]
        keys.sort()
        for start in range(0, len(keys), chunk):
            yield from self._views([k[2] for k in keys[start : start + chunk]], "the documents")

    def explain(self, where: TaskFilter) -> list[str]:
        """The query plan of the tasks ``where`` selects, as the database prints it (SQLite's EXPLAIN QUERY
        PLAN, PostgreSQL's EXPLAIN): the bench and tests check which indexes it reads."""
        query = _task_where(sa.select(tasks.c.task_id, tasks.c.deadline_due), where)
        if where.by_due:
            query = query.order_by(tasks.c.deadline_due)
        if where.limit is not None:
            query = query.limit(where.limit)
        sql = str(query.compile(self.engine, compile_kwargs={"literal_binds": True}))
        sqlite = self.engine.dialect.name == "sqlite"

        def read() -> list[str]:
            with self.engine.connect() as conn:
                rows = conn.exec_driver_sql(("EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN ") + sql).all()
            return [str(r[-1]) for r in rows]

        return self._db(self._cannot_read("a query plan"), read)


    def has_agency(self, name: str) -> bool:
        """Whether some task names ``name`` (canonical) as lead or co-operating agency."""
        query = sa.select(task_agencies.c.name).where(task_agencies.c.name == name).limit(1)
        return bool(self._records(query, f"whether {name!r} is a registered agency"))


def _hide_password(target: str | Path) -> str:
    text = str(target)
    if "://" not in text:
        return text
    try:
        return sa.engine.make_url(text).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return text.split("://", 1)[0] + "://…"


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def _document_row(d: Document) -> dict[str, object]:
    """The identity columns are the export's document record (the columns it has), plus what the registry
    tracks; ``logical_id`` is given by the caller."""
    identity = {k: v for k, v in document_record(d).items() if k in documents.c and k != "logical_id"}
    return identity | {
        "pages": d.pages,
        "method": d.method,
        "task_count": d.task_count,
        "parser_version": d.parser_version,
        "ingested_at": d.ingested_at or _now(),
        "record": d.model_dump_json(),
    }


def _load_tasks(conn: Connection, *where: sa.ColumnElement[bool]) -> list[Task]:
    """The stored tasks ``where`` selects, in document order, rebuilt from their rows (``task_from_row``)."""
    rows = conn.execute(sa.select(tasks).where(*where).order_by(tasks.c.ord)).mappings().all()
    ids = [r["task_id"] for r in rows]
    agencies: dict[str, list[sa.RowMapping]] = {i: [] for i in ids}
    for start in range(0, len(ids), 500):
        query = sa.select(task_agencies).where(task_agencies.c.task_id.in_(ids[start : start + 500]))
        for a in conn.execute(query).mappings():
            agencies[a["task_id"]].append(a)
    return [task_from_row(r, agencies[r["task_id"]]) for r in rows]


def dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


# -- logical documents: the writes of one transaction (store.logical decides, these functions store) -----


def _delete_tasks(conn: Connection, logical_id: str) -> None:
    ids = sa.select(tasks.c.task_id).where(_tasks_of(logical_id))
    conn.execute(task_agencies.delete().where(task_agencies.c.task_id.in_(ids)))
    conn.execute(tasks.delete().where(_tasks_of(logical_id)))


def _delete_rendition(conn: Connection, doc_id: str) -> None:
    """One file's row and citations. Its tasks go only if it was the stored rendition (then the foreign
    key takes them: they are re-derived by the caller)."""
    primary_of = sa.select(logical_documents.c.logical_id).where(logical_documents.c.primary_doc_id == doc_id)
    stored = conn.scalar(primary_of)
    if stored is not None:
        _delete_tasks(conn, stored)
    conn.execute(doc_refs.delete().where(doc_refs.c.doc_id == doc_id))
    conn.execute(documents.delete().where(documents.c.doc_id == doc_id))


def _stored_tasks(conn: Connection, logical_id: str) -> list[Task]:
    return _load_tasks(conn, _tasks_of(logical_id))


def _rendition_docs(conn: Connection, logical_id: str) -> list[Document]:
    """The renditions of one logical document, the stored one first, then by rank."""
    primary = conn.scalar(sa.select(logical_documents.c.primary_doc_id)
                          .where(logical_documents.c.logical_id == logical_id))  # fmt: skip
    query = sa.select(documents.c.record).where(documents.c.logical_id == logical_id)
    docs = [Document.model_validate_json(r) for r in conn.scalars(query)]
    return _in_rendition_order(docs, primary)


def _in_rendition_order(docs: list[Document], primary: str | None) -> list[Document]:
    """The stored rendition first, then best rank (``logical.rank``), then first received."""
    return sorted(docs, key=lambda d: (d.doc_id != primary, [-x for x in logical.rank(d.method, d.task_count)],
                                       d.ingested_at or ""))  # fmt: skip


def _match(conn: Connection, document: Document, found: list[Task]) -> list[str]:
    """Logical documents ``document`` is a rendition of, best first ([] = a new document)."""
    key = logical.number_key(document.meta.number)
    if key:
        same_number = conn.scalars(
            sa.select(logical_documents.c.logical_id).where(logical_documents.c.number_key == key)
            .order_by(logical_documents.c.created_at)
        ).all()  # fmt: skip
        for logical_id in same_number:
            merged = logical.merged_meta(_rendition_docs(conn, logical_id))
            if logical.same_by_identity(document.meta, merged):
                return [logical_id]
    query = sa.select(logical_documents.c.logical_id)
    if key:  # a numbered file can only be a rendition of a document whose number is not known
        query = query.where(logical_documents.c.number_key == "")
    recent = conn.scalars(
        query.order_by(logical_documents.c.created_at.desc()).limit(logical.CONTENT_CANDIDATES)
    ).all()
    scored = []
    for logical_id in recent:
        share, score = logical.content_share(_stored_tasks(conn, logical_id), found)
        if share >= logical.CONTENT_SHARE:
            scored.append((share, score, logical_id))
    return [logical_id for _, _, logical_id in sorted(scored, reverse=True)]


def _attach(conn: Connection, document: Document, found: list[Task], matches: list[str], *, refill: bool) -> None:
    """Register ``document`` as a rendition of ``matches[0]`` (or of a new logical document) and store the
    best rendition's tasks; other matches the new file outranks are merged into it."""
    new_rank = logical.rank(document.method, len(found))
    if not matches:
        logical_id = document.doc_id
        conn.execute(logical_documents.insert().values(logical_id=logical_id, primary_doc_id=None,
                                                       number_key="", created_at=_now()))  # fmt: skip
    else:
        logical_id = matches[0]
    for other in matches[1:]:
        docs = _rendition_docs(conn, other)
        if docs and logical.rank(docs[0].method, docs[0].task_count) < new_rank:
            _delete_tasks(conn, other)
            conn.execute(documents.update().where(documents.c.logical_id == other).values(logical_id=logical_id))
            conn.execute(logical_documents.delete().where(logical_documents.c.logical_id == other))
            conn.execute(doc_versions.delete().where(sa.or_(doc_versions.c.earlier == other,
                                                            doc_versions.c.later == other)))  # fmt: skip
    stored = _stored_tasks(conn, logical_id)
    docs = _rendition_docs(conn, logical_id)
    primary = docs[0] if docs and docs[0].doc_id == conn.scalar(
        sa.select(logical_documents.c.primary_doc_id).where(logical_documents.c.logical_id == logical_id)
    ) else None
    if primary is None or new_rank > logical.rank(primary.method, primary.task_count):
        final, primary_id = logical.fill_missing(found, stored if refill else []), document.doc_id
    else:
        final, primary_id = logical.fill_missing(stored, found), primary.doc_id
    conn.execute(documents.insert().values(**_document_row(document), logical_id=logical_id))
    ref_rows = [
        {"doc_id": document.doc_id, "raw": r.raw, "doc_type": r.doc_type, "number": r.number,
         "ref_date": r.date.isoformat() if r.date else None, "number_key": logical.number_key(r.number)}
        for r in document.meta.references
    ]  # fmt: skip
    if ref_rows:
        conn.execute(doc_refs.insert(), ref_rows)
    _delete_tasks(conn, logical_id)
    _insert_tasks(conn, logical.with_ids(final, logical_id, primary_id))
    merged = logical.merged_meta(_rendition_docs(conn, logical_id) if primary_id != document.doc_id
                                 else [document, *[d for d in docs if d.doc_id != document.doc_id]])  # fmt: skip
    conn.execute(logical_documents.update().where(logical_documents.c.logical_id == logical_id)
                 .values(primary_doc_id=primary_id, number_key=logical.number_key(merged.number)))  # fmt: skip
    _apply_corrections(conn, logical_id)
    _refresh_versions(conn, logical_id)


def _insert_tasks(conn: Connection, task_list: list[Task]) -> None:
    if not task_list:
        return
    conn.execute(tasks.insert(), [task_row(t) for t in task_list])
    if rows := [row for t in task_list for row in agency_rows(t)]:
        conn.execute(task_agencies.insert(), rows)


def _rewrite_task(conn: Connection, task: Task) -> None:
    """One stored task's row and agencies after a correction or a change of ``superseded_by``."""
    row = task_row(task)
    conn.execute(tasks.update().where(tasks.c.task_id == task.task_id).values(**row))
    conn.execute(task_agencies.delete().where(task_agencies.c.task_id == task.task_id))
    if rows := agency_rows(task):
        conn.execute(task_agencies.insert(), rows)


def _apply_corrections(conn: Connection, logical_id: str) -> None:
    """Every correction made to this document's tasks, latest per field, over the values just stored."""
    ids = sa.select(tasks.c.task_id).where(_tasks_of(logical_id))
    rows = conn.execute(
        sa.select(corrections.c.task_id, corrections.c.field, corrections.c.new)
        .where(corrections.c.task_id.in_(ids)).order_by(corrections.c.id)
    ).all()  # fmt: skip
    if not rows:
        return
    latest: dict[str, dict[str, str]] = {}
    for task_id, name, value in rows:
        latest.setdefault(task_id, {})[name] = value
    for t in _stored_tasks(conn, logical_id):
        if t.task_id in latest:
            _rewrite_task(conn, corrections_mod.apply_all(t, latest[t.task_id]))


def _logical_meta(conn: Connection, logical_id: str) -> tuple[Document, list[str]]:
    """(the logical document's merged view, the numbers cited by any of its renditions, as printed)."""
    docs = _rendition_docs(conn, logical_id)
    view = docs[0].model_copy(update={"meta": logical.merged_meta(docs)})
    rows = conn.execute(sa.select(doc_refs.c.number, doc_refs.c.raw)
                        .where(doc_refs.c.doc_id.in_([d.doc_id for d in docs]))).all()  # fmt: skip
    return view, [f"{n}\x00{raw}" for n, raw in rows if n]


def _links_of(conn: Connection, logical_id: str) -> list[dict[str, str]]:
    """Version links (earlier, later, reason, raw) with ``logical_id`` on either side."""
    me, my_refs = _logical_meta(conn, logical_id)
    my_key = logical.number_key(me.meta.number)
    links: dict[tuple[str, str], dict[str, str]] = {}

    def add(earlier: str, later: str, later_doc: Document, raw: str) -> None:
        reason = "replaces" if logical.says_replaces(later_doc) else ("cites" if raw else "same_subject")
        if (earlier, later) not in links or (raw and not links[(earlier, later)]["raw"]):
            links[(earlier, later)] = {"earlier": earlier, "later": later, "reason": reason, "raw": raw}

    for ref in my_refs:  # documents this one cites
        number, raw = ref.split("\x00", 1)
        key = logical.number_key(number)
        if not key:
            continue
        for other in conn.scalars(sa.select(logical_documents.c.logical_id).where(logical_documents.c.number_key == key)):
            if other != logical_id:
                add(other, logical_id, me, raw)
    if my_key:  # documents citing this one
        cited = conn.execute(sa.select(documents.c.logical_id, doc_refs.c.raw)
                             .join(documents, documents.c.doc_id == doc_refs.c.doc_id)
                             .where(doc_refs.c.number_key == my_key)).all()  # fmt: skip
        for other, raw in cited:
            if other and other != logical_id:
                add(logical_id, other, _logical_meta(conn, other)[0], raw)
    if me.meta.subject and me.meta.issuer:  # same issuer and subject, dated differently
        mine = logical.doc_date(me.meta)
        candidates = conn.scalars(sa.select(documents.c.logical_id).where(documents.c.subject == me.meta.subject)
                                  .distinct()).all()  # fmt: skip
        for other in candidates:
            if other == logical_id or other is None:
                continue
            them = _logical_meta(conn, other)[0]
            theirs = logical.doc_date(them.meta)
            if not logical.same_subject(me.meta, them.meta) or not mine or not theirs or mine == theirs:
                continue
            if my_key and logical.number_key(them.meta.number) == my_key:
                continue  # one number: renditions, not versions
            if theirs < mine:
                add(other, logical_id, me, "")
            else:
                add(logical_id, other, them, "")
    return list(links.values())


def _refresh_versions(conn: Connection, logical_id: str) -> None:
    """Recompute the links touching ``logical_id`` and ``superseded_by`` of every earlier side."""
    conn.execute(doc_versions.delete().where(
        sa.or_(doc_versions.c.earlier == logical_id, doc_versions.c.later == logical_id)))  # fmt: skip
    links = _links_of(conn, logical_id)
    if links:
        conn.execute(doc_versions.insert(), links)
    for earlier in {logical_id, *(link["earlier"] for link in links)}:
        _supersede(conn, earlier)


def _supersede(conn: Connection, earlier: str) -> None:
    """``superseded_by`` (the later version's logical id, as the contract says) of one document's tasks:
    a task a later version restates, or every task when it says it replaces this one; latest version last."""
    mine = _stored_tasks(conn, earlier)
    if not mine:
        return
    later = conn.execute(sa.select(doc_versions.c.later, doc_versions.c.reason)
                         .where(doc_versions.c.earlier == earlier)).all()  # fmt: skip
    by: dict[str, str] = {}
    dated = sorted(later, key=lambda r: logical.doc_date(_logical_meta(conn, r[0])[0].meta))
    for other, reason in dated:
        theirs = _stored_tasks(conn, other)
        d = diff_tasks(mine, theirs, by_key=True)
        for c in d.changed + d.unchanged:
            by[c.a.task_id] = other
        if reason == "replaces":
            for t in d.removed:
                by[t.task_id] = other
    stored = dict(conn.execute(sa.select(tasks.c.task_id, tasks.c.superseded_by).where(_tasks_of(earlier))).all())
    for t in mine:
        if stored.get(t.task_id) != by.get(t.task_id) or t.superseded_by != by.get(t.task_id):
            _rewrite_task(conn, t.model_copy(update={"superseded_by": by.get(t.task_id)}))
