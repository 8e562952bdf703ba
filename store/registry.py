"""The task registry: SQLite by default (one file), PostgreSQL by URL, through SQLAlchemy Core.

One document's tasks are written in one transaction, so a crash or a full disk never leaves a document
half-registered. Documents are keyed by the sha256 of their bytes; tasks keep their full record as JSON
(``record``) beside the columns that queries filter on. Schema changes are ordered migrations recorded in
``schema_migrations`` (as sqlite-utils' migrations do), never "delete the file".
"""

from __future__ import annotations

import contextlib
import dataclasses
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

from models.document import Document
from models.errors import RegistryError
from models.task import Task
from store.export import document_record
from store.task_rows import agency_rows, task_from_row, task_row

log = logging.getLogger("theodoi.registry")
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
)

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
)
sa.Index("ix_tasks_doc", tasks.c.doc_id, tasks.c.ord)
sa.Index("ix_tasks_due", tasks.c.deadline_due)
# schema 3: a task's deadline found from its id without reading its row (the per-agency counts join on it)
sa.Index("ix_tasks_id_due", tasks.c.task_id, tasks.c.deadline_due)
# schema 3: the tasks without a lead agency, by deadline (a few, so a small partial index)
sa.Index("ix_tasks_no_lead", tasks.c.deadline_due, sqlite_where=tasks.c.leads == 0, postgresql_where=tasks.c.leads == 0)

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
    sqlite_with_rowid=False,  # schema 3: the rows are the (task_id, role, pos) index itself
)
# schema 3: "tasks of agency X (as lead)", the per-agency counts and `theodoi agencies` read this index alone
sa.Index("ix_task_agencies_name", task_agencies.c.role, task_agencies.c.name, task_agencies.c.kind,
         task_agencies.c.deadline_due, task_agencies.c.task_id)  # fmt: skip

doc_refs = sa.Table(
    "doc_refs",
    metadata,
    sa.Column("doc_id", sa.String(64), sa.ForeignKey("documents.doc_id", ondelete="CASCADE"), nullable=False),
    sa.Column("raw", sa.Text, nullable=False),
    sa.Column("doc_type", sa.Text),
    sa.Column("number", sa.Text),
    sa.Column("ref_date", sa.String(10)),
)
sa.Index("ix_doc_refs_number", doc_refs.c.number)

failures = sa.Table(
    "failures",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("sha256", sa.String(64)),
    sa.Column("file", sa.Text, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("at", sa.String(40), nullable=False),
)


def _create_v1(conn: Connection) -> None:
    for table in (documents, tasks, task_agencies, doc_refs, failures):
        table.create(conn, checkfirst=True)
        for index in table.indexes:
            index.create(conn, checkfirst=True)


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
        for index in table.indexes:
            index.create(conn, checkfirst=True)
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("ANALYZE")


# Ordered, append-only. A new schema change is a new (version, name, function) at the end; versions need
# not be consecutive (each branch takes its own number), so the schema's version is the highest applied.
MIGRATIONS: list[tuple[int, str, Callable[[Connection], None]]] = [
    (1, "initial schema: documents, tasks, task_agencies, doc_refs, failures", _create_v1),
    (3, "compact storage (each value once) and indexes for archive-scale queries", _compact_v3),
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

    doc_ids: Sequence[str] | None = None
    task_ids: Sequence[str] | None = None
    agencies: Sequence[str] | None = None
    roles: Sequence[str] = ("lead", "co")
    due_before: date | None = None
    overdue_as_of: date | None = None
    due_from: date | None = None  # due on or after
    due_until: date | None = None  # due on or before
    no_lead: bool = False  # only tasks without a lead agency
    current: bool = False  # only tasks in force: ``current_tasks_clause()``
    exclude: frozenset[str] = frozenset()  # task ids left out (superseded ones the diff found)
    by_due: bool = False  # ordered by due date (undated last), else by document and position
    limit: int | None = None


def current_tasks_clause() -> sa.ColumnElement[bool]:
    """Which ``tasks`` rows are in force, as one where-clause every status/report/export/tasks query adds.

    Today's rule (ingest/status.py: a later document restating a task of the one it cites replaces it)
    pairs tasks with the diff, which SQL cannot express; it is applied as ``TaskFilter.exclude``. The
    logical-documents branch gives this function its body (an indexed column such as
    ``tasks.superseded_by IS NULL``); until then every task is current.
    """
    return sa.true()


def _task_where(query: sa.Select[Any], where: TaskFilter) -> sa.Select[Any]:
    """``query`` on ``tasks`` narrowed by ``where`` (the limit and order are the caller's)."""
    if where.doc_ids is not None:
        query = query.where(tasks.c.doc_id.in_(list(where.doc_ids)))
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
        """Write a document and all its tasks atomically; ``replace`` swaps an earlier parse's tasks.

        Raises:
            RegistryError: the document is already registered and ``replace`` is False, or the database
                refused the write (disk full, read-only, lost connection). Nothing is written then.
        """
        task_list = list(doc_tasks)
        document = document.model_copy(update={"task_count": len(task_list), "ingested_at": _now()})

        def write() -> None:
            with self.engine.begin() as conn:
                exists = conn.scalar(sa.select(documents.c.doc_id).where(documents.c.doc_id == document.doc_id))
                if exists and not replace:
                    raise RegistryError(f"{document.file}: already registered as {document.doc_id[:12]}")
                if exists:
                    self._delete_document(conn, document.doc_id)
                conn.execute(documents.insert().values(**_document_row(document)))
                if task_list:
                    conn.execute(tasks.insert(), [task_row(t) for t in task_list])
                    if agencies := [row for t in task_list for row in agency_rows(t)]:
                        conn.execute(task_agencies.insert(), agencies)
                ref_rows = [
                    {
                        "doc_id": document.doc_id,
                        "raw": r.raw,
                        "doc_type": r.doc_type,
                        "number": r.number,
                        "ref_date": r.date.isoformat() if r.date else None,
                    }
                    for r in document.meta.references
                ]
                if ref_rows:
                    conn.execute(doc_refs.insert(), ref_rows)

        self._db(f"{document.file}: the registry refused the write", write, then="; nothing was written for it")

    def delete_document(self, doc_id: str) -> None:
        def write() -> None:
            with self.engine.begin() as conn:
                self._delete_document(conn, doc_id)

        self._db(f"{doc_id[:12]}: the registry at {self.shown_url} refused the deletion", write)

    @staticmethod
    def _delete_document(conn: Connection, doc_id: str) -> None:
        task_ids = sa.select(tasks.c.task_id).where(tasks.c.doc_id == doc_id)
        conn.execute(task_agencies.delete().where(task_agencies.c.task_id.in_(task_ids)))
        conn.execute(tasks.delete().where(tasks.c.doc_id == doc_id))
        conn.execute(doc_refs.delete().where(doc_refs.c.doc_id == doc_id))
        conn.execute(documents.delete().where(documents.c.doc_id == doc_id))

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

    def documents(self) -> list[Document]:
        query = sa.select(documents.c.record).order_by(documents.c.ingested_at, documents.c.file)
        return [Document.model_validate_json(r) for r in self._records(query, "the documents")]

    def document(self, doc_id: str) -> Document | None:
        query = sa.select(documents.c.record).where(documents.c.doc_id == doc_id)
        found = self._records(query, f"document {doc_id[:12]}")
        return Document.model_validate_json(found[0]) if found else None

    def find_documents(self, ref: str) -> list[Document]:
        """Documents whose number, doc-id prefix or file name matches ``ref`` (exact, then prefix).

        The prefix is matched with LIKE, its ``%`` and ``_`` escaped: they are characters, not wildcards.
        """
        ref = ref.strip()
        query = sa.select(documents.c.record).where(
            sa.or_(
                documents.c.number == ref,
                documents.c.file == ref,
                documents.c.doc_id.startswith(ref.lower(), autoescape=True) if len(ref) >= 6 else sa.false(),
            )
        )
        return [Document.model_validate_json(r) for r in self._records(query, f"documents matching {ref!r}")]

    def tasks(self, where: TaskFilter | None = None) -> list[Task]:
        return list(self.iter_tasks(where))

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
        """The documents with these ids (unknown ids left out), read 500 at a time."""
        wanted = sorted(set(doc_ids))

        def read() -> dict[str, Document]:
            found = {}
            with self.engine.connect() as conn:
                for start in range(0, len(wanted), 500):
                    query = sa.select(documents.c.record).where(documents.c.doc_id.in_(wanted[start : start + 500]))
                    for record in conn.scalars(query):
                        doc = Document.model_validate_json(record)
                        found[doc.doc_id] = doc
            return found

        return self._db(self._cannot_read("documents"), read)

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
        if not isinstance(current_tasks_clause(), sa.sql.elements.True_):
            by_agency = by_agency.where(task_agencies.c.task_id.in_(sa.select(tasks.c.task_id).where(current_tasks_clause())))
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
        """The documents (those of ``doc_ids``, else all) in registration order, read as they are used."""
        query = sa.select(documents.c.record).order_by(documents.c.ingested_at, documents.c.file)
        if doc_ids is not None:
            query = query.where(documents.c.doc_id.in_(list(doc_ids)))

        def rows() -> Iterator[Document]:
            with self.engine.connect() as conn:
                for record in conn.execution_options(yield_per=200).scalars(query):
                    yield Document.model_validate_json(record)

        return self._stream("the documents", rows)


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
    """The identity columns are exactly the export's document record, plus what the registry tracks."""
    return document_record(d) | {
        "pages": d.pages,
        "method": d.method,
        "task_count": d.task_count,
        "parser_version": d.parser_version,
        "ingested_at": d.ingested_at or _now(),
        "record": d.model_dump_json(),
    }
