"""The ``theodoi`` command. Each subcommand calls one library function; exit codes are mapped here only.

Data goes to stdout or the file named with ``-o``; messages go to stderr. A mistake on the command line
(unknown command or option, missing argument, bad value) is one line on stderr and exit code 1, never a
traceback: typer bundles its own copy of click, so ``main`` runs the app with ``standalone_mode=False`` and
catches that copy's ``ClickException`` (found from ``typer.BadParameter``'s bases, whichever click it is).

Global options (``--version``, ``-q/--quiet``, ``-v/--verbose``, ``--lang``) may be written before or
after the command: ``main`` moves them in front before typer parses the line.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, BinaryIO

import typer
from rich.console import Console
from rich.text import Text

from ingest.diff_result import DiffFormat, KeyMode
from models.errors import BadArgsError, ExitCode, RegistryError, TheodoiError
from models.labels import DEFAULT_LANG, ENV_VAR, label, resolve_lang

if TYPE_CHECKING:
    from store.registry import Registry

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Track the tasks in provincial directives (theo dõi nhiệm vụ).",
    epilog="Global options (--lang, -q, -v, --version) may also follow the command."
    " Exit codes: 0 ok, 1 bad arguments, 2 input file unreadable, 3 missing dependency,"
    " 4 registry error, 5 batch finished with some files failed, 130 interrupted.",
)
err = Console(stderr=True, highlight=False, soft_wrap=True)  # one message, one line
out = Console(highlight=False)

DEFAULT_DB = Path("out/registry.sqlite")
DB_ENV = "THEODOI_DB"
DbOption = Annotated[
    str,
    typer.Option(
        "--db", envvar=DB_ENV,
        help="Registry: SQLite file or postgresql:// URL (default: out/registry.sqlite under the current folder).",
    ),
]  # fmt: skip

# The exception base of the click copy typer uses (typer 0.29 bundles one in typer._click).
_ClickException: type[Exception] = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")


@dataclass
class GlobalOptions:
    lang: str = DEFAULT_LANG
    quiet: bool = False
    verbose: int = 0


OPTS = GlobalOptions()


def _lang() -> str:
    return OPTS.lang


def _say(text: str | Text) -> None:
    """An informational line on stderr ("wrote …", counts); silent with -q."""
    if not OPTS.quiet:
        err.print(text)


# -- values ------------------------------------------------------------------------------------------

_DMY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")


def parse_date(text: str) -> date:
    """A date as a clerk writes it (30/06/2026, 30-6-2026, 30.06.2026) or as ISO (2026-06-30)."""
    value = text.strip()
    try:
        if m := _DMY.fullmatch(value):
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        return date.fromisoformat(value)
    except ValueError:
        pass
    raise typer.BadParameter(label("err.bad_date", _lang(), value=text))


def _date_option(text: str | date | None) -> date | None:
    if text is None or isinstance(text, date):
        return text
    return parse_date(text)


def date_option(help_text: str) -> Any:
    return typer.Option(parser=_date_option, metavar="DD/MM/YYYY", help=help_text + " (dd/mm/yyyy or yyyy-mm-dd)")


# -- the registry ------------------------------------------------------------------------------------


def _db_source(db: str) -> str:
    """Why theodoi looked where it did: the default, THEODOI_DB or --db (for the error message)."""
    env = os.environ.get(DB_ENV)
    if env and env == db:
        return "msg.why_env"
    if not env and db == str(DEFAULT_DB):
        return "msg.why_default"
    return "msg.why_option"


def _sqlite_path(db: str) -> Path | None:
    if db.startswith("sqlite:///"):
        rest = db.removeprefix("sqlite:///")
        return None if rest in ("", ":memory:") else Path(rest)
    return None if "://" in db else Path(db)


def require_registry(db: str) -> None:
    """Refuse to go on when ``db`` holds no registry yet, so that a read never creates an empty one.

    Raises:
        RegistryError: no such file, a file that is not a theodoi registry, or a database without one.
    """
    lang = _lang()
    path = _sqlite_path(db)
    if path is not None:
        import sqlite3

        where = path.resolve()
        if not path.is_file():
            raise RegistryError(label("msg.no_registry", lang, path=where, why=label(_db_source(db), lang)))
        try:
            with sqlite3.connect(where.as_uri() + "?mode=ro", uri=True) as conn:
                found = conn.execute(
                    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
                ).fetchone()
        except sqlite3.Error as e:
            raise RegistryError(label("err.not_registry", lang, path=where, reason=e)) from e
        if not found:
            raise RegistryError(label("err.not_registry", lang, path=where, reason="no schema_migrations table"))
        return
    if "://" not in db:
        return
    import sqlalchemy as sa

    from store.registry import database_url

    engine = sa.create_engine(database_url(db))
    try:
        with engine.connect() as conn:
            found = sa.inspect(conn).has_table("schema_migrations")
    except sa.exc.SQLAlchemyError as e:
        raise RegistryError(label("err.cannot_open", lang, db=_redact(db), reason=_first_line(e))) from e
    finally:
        engine.dispose()
    if not found:
        raise RegistryError(label("msg.no_registry", lang, path=_redact(db), why=label(_db_source(db), lang)))


def open_registry(db: str, *, create: bool = False) -> Registry:
    """The registry at ``db``; only the commands that write (``ingest``, ``watch``) may create one."""
    from store.registry import Registry  # deferred so that `theodoi --help` stays fast

    if not create:
        require_registry(db)
    return Registry(db)


def _redact(url: str) -> str:
    """A URL without its password, for messages."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


def _first_line(e: BaseException) -> str:
    text = str(getattr(e, "orig", None) or e).strip()
    return text.splitlines()[0] if text else type(e).__name__


@contextlib.contextmanager
def _output_file(path: Path) -> Iterator[BinaryIO]:
    """``path`` opened for writing; written whole or not at all (a failed export leaves no half file)."""
    part = path.with_name(path.name + ".part")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with part.open("wb") as fh:
            yield fh
        part.replace(path)
    except OSError as e:
        raise BadArgsError(label("err.cannot_write", _lang(), path=path, reason=e.strerror or e)) from e
    finally:
        with contextlib.suppress(OSError):  # nothing was made (its folder is not one), or it was renamed
            part.unlink(missing_ok=True)


# -- global options ----------------------------------------------------------------------------------


def _version_line() -> str:
    from importlib import metadata  # only here: ~50 ms that no other command needs

    try:
        version = metadata.version("theodoi")
    except metadata.PackageNotFoundError:
        version = "(not installed)"
    return f"theodoi {version}"


def _show_version(value: bool) -> None:
    if value:
        out.print(_version_line())
        raise typer.Exit(0)


@app.callback()
def _global_options(
    version: Annotated[
        bool, typer.Option("--version", is_eager=True, callback=_show_version, help="Print the version and exit.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only errors and failures on stderr.")] = False,
    verbose: Annotated[int, typer.Option("--verbose", "-v", count=True, help="More detail (-vv: debug).")] = 0,
    lang: Annotated[
        str | None, typer.Option("--lang", envvar=ENV_VAR, metavar="vi|en", help="Language of labels (default vi).")
    ] = None,
) -> None:
    try:
        OPTS.lang = resolve_lang(lang, env={})
    except ValueError as e:
        raise typer.BadParameter(label("err.bad_lang", _lang(), value=lang), param_hint="--lang") from e
    OPTS.quiet, OPTS.verbose = quiet, verbose
    if quiet:
        level = logging.ERROR
    elif verbose:
        level = logging.DEBUG if verbose > 1 else logging.INFO
    else:
        level = logging.getLevelName(os.environ.get("THEODOI_LOG", "WARNING").upper())
        level = level if isinstance(level, int) else logging.WARNING
    logging.getLogger().setLevel(level)


def _log_level() -> int:
    return logging.getLogger().level


# -- commands ----------------------------------------------------------------------------------------


class Executor(StrEnum):
    local = "local"
    dask = "dask"


class ExportFormat(StrEnum):
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


class ViewFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


FormatOption = Annotated[
    ViewFormat, typer.Option("--format", "-f", help="table (terminal), json (export contract keys) or csv.")
]
WideOption = Annotated[bool, typer.Option("--wide", help="One line per row, nothing wrapped (for `less -S`).")]


class Role(StrEnum):
    lead = "lead"
    co = "co"
    any = "any"


AllVersionsOption = Annotated[
    bool, typer.Option("--all-versions", help="Also tasks a later version of their document replaced (history).")
]


def _say_hidden(n: int) -> None:
    """Say what the current-version rule left out, so that nothing is hidden silently."""
    if n:
        _say(label("msg.hidden_superseded", _lang(), n=n))


FileTimeoutOption = Annotated[
    float,
    typer.Option(
        "--file-timeout",
        min=0,
        help="Seconds one file may take to parse (default 600); a parse that takes longer is stopped and the"
        " file reported failed ('took longer than N s'). 0: no limit.",
    ),
]

WorkerMemoryOption = Annotated[
    int,
    typer.Option(
        "--worker-memory",
        min=0,
        help="Megabytes of memory one parse may use (default 2048); a file that needs more is reported"
        " failed ('needs more than N MB'). 0: no limit.",
    ),
]


@app.command()
def ingest(
    inputs: Annotated[list[Path], typer.Argument(help="Files or folders.")],
    db: DbOption = str(DEFAULT_DB),
    force: Annotated[bool, typer.Option(help="Re-parse files already registered; replaces their tasks.")] = False,
    recursive: Annotated[bool, typer.Option("--recursive", "-r", help="Descend into sub-folders.")] = False,
    report: Annotated[Path, typer.Option(help="Where the batch summary JSON goes.")] = Path(
        "out/batch-report.json"
    ),
    workers: Annotated[int, typer.Option(min=0, help="Parser processes (0: one file at a time, in one).")] = 0,
    executor: Annotated[Executor, typer.Option(help="local (processes) or dask.")] = Executor.local,
    scheduler: Annotated[str | None, typer.Option(help="Dask scheduler tcp://HOST:PORT (default: local).")] = None,
    file_timeout: FileTimeoutOption = 600.0,
    worker_memory: WorkerMemoryOption = 2048,
) -> None:
    """Ingest PDF, Word and image files into the registry (created if it does not exist)."""
    if executor is Executor.local and (file_timeout or workers):
        from ingest import parse_server

        parse_server.start(fork=True)  # the parse workers' imports run while this process does its own
    from ingest.cli_ingest import run_ingest

    raise typer.Exit(run_ingest(inputs, db, force=force, recursive=recursive, report=report, console=err,
                                workers=workers, executor=executor.value, scheduler=scheduler,
                                quiet=OPTS.quiet, file_timeout_s=file_timeout, worker_memory_mb=worker_memory))  # type: ignore[arg-type]  # fmt: skip


@app.command()
def watch(
    inbox: Annotated[Path, typer.Argument(help="The folder documents are dropped into.")],
    db: DbOption = str(DEFAULT_DB),
    poll: Annotated[bool, typer.Option(help="Poll instead of inotify (network shares).")] = False,
    once: Annotated[bool, typer.Option(help="Process what is there, then exit (cron, tests).")] = False,
    settle: Annotated[float, typer.Option(min=0, help="Seconds a file's size/mtime must stay still.")] = 2.0,
    settle_timeout: Annotated[
        float,
        typer.Option(
            min=0,
            help="Seconds a file that never looks complete (a PDF without %%EOF) is waited for after its last"
            " change; then it is read as it is (a truncated file goes to failed/ with the reason).",
        ),
    ] = 120.0,
    interval: Annotated[float, typer.Option(min=0.05, help="Seconds between scans.")] = 1.0,
    workers: Annotated[int, typer.Option(min=0, help="Parser processes (0: one file at a time, in one).")] = 0,
    file_timeout: FileTimeoutOption = 600.0,
    worker_memory: WorkerMemoryOption = 2048,
) -> None:
    """Watch an inbox: ingest each dropped file, then move it to processed/YYYY-MM/ or failed/."""
    if file_timeout or workers:
        from ingest import parse_server

        parse_server.start(fork=True)  # the parse workers' imports run while this process does its own
    from ingest.watch import run_watch
    from models.settings import WatchSettings

    timings = WatchSettings(settle_s=settle, interval_s=interval, settle_timeout_s=settle_timeout)
    raise typer.Exit(run_watch(inbox, db, poll=poll, once=once, timings=timings, workers=workers,
                               file_timeout_s=file_timeout, worker_memory_mb=worker_memory,
                               log_level=_log_level()))  # fmt: skip


@app.command()
def documents(
    db: DbOption = str(DEFAULT_DB),
    fmt: FormatOption = ViewFormat.table,
    wide: WideOption = False,
    limit: Annotated[int, typer.Option(min=1, help="Show at most this many, the most recently received.")] = 1000,
) -> None:
    """List the registered documents: number, date, type, file, pages, tasks."""
    from ingest.cli_tables import document_view, write_view

    with open_registry(db) as reg:  # counted in SQL; only the documents shown are built
        total, files = reg.count_documents()
        docs = reg.documents(latest=limit)
    lang = _lang()
    write_view(document_view(docs, lang), fmt.value, out, lang, wide=wide)
    count = label("msg.n_documents", lang, n=total)
    if len(docs) < total:
        count += " " + label("msg.shown_limit", lang, n=len(docs))
    _say(count)
    if files > total:
        _say(label("msg.n_renditions", lang, n=files))


@app.command()
def tasks(
    db: DbOption = str(DEFAULT_DB),
    doc: Annotated[str | None, typer.Option(help="Document number, doc-id prefix or file name.")] = None,
    agency: Annotated[str | None, typer.Option(help="Agency, by any alias (Sở KH&CN, CA tỉnh).")] = None,
    due_before: Annotated[date | None, date_option("Only tasks due before this date")] = None,
    overdue: Annotated[bool, typer.Option(help="Only tasks whose due date has passed.")] = False,
    as_of: Annotated[date | None, date_option("Today's date for --overdue (default: today)")] = None,
    limit: Annotated[int, typer.Option(min=1, help="Show at most this many tasks.")] = 1000,
    fmt: FormatOption = ViewFormat.table,
    wide: WideOption = False,
    all_versions: AllVersionsOption = False,
    role: Annotated[Role, typer.Option(help="With --agency: as lead (as status and the report count), as co-operating, or any.")] = Role.lead,
) -> None:
    """Tasks, filtered by document, agency and due date; tasks a later version replaced are left out."""
    from dataclasses import replace

    from ingest.cli_tables import task_csv_rows, task_view, write_view
    from ingest.queries import task_filter

    with open_registry(db) as reg:  # counted in SQL; only the rows shown are read
        where = task_filter(reg, doc=doc, agency=agency, due_before=due_before, overdue=overdue, as_of=as_of,
                            all_versions=all_versions, role=role.value)  # fmt: skip
        total, hidden = reg.count_tasks(where), reg.hidden_count(where)
        shown = reg.tasks(replace(where, limit=limit))
        docs = reg.documents_by_id(t.doc_id for t in shown)
    lang = _lang()
    write_view(task_view(shown, docs, lang), fmt.value, out, lang, wide=wide,
               csv_rows=lambda: task_csv_rows(shown, docs, lang))  # fmt: skip
    count = label("msg.n_tasks", lang, n=total)
    if len(shown) < total:
        count += " " + label("msg.shown_limit", lang, n=len(shown))
    _say(count)
    _say_hidden(hidden if not all_versions else 0)


@app.command()
def export(
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f")] = ExportFormat.json,
    db: DbOption = str(DEFAULT_DB),
    doc: Annotated[str | None, typer.Option(help="Only this document (number, doc-id prefix, file).")] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File to write; stdout if absent.")] = None,
    no_bom: Annotated[bool, typer.Option("--no-bom", help="CSV without the byte-order mark Excel needs (for tools).")] = False,
    raw: Annotated[bool, typer.Option("--raw", help="CSV cells as stored: no ' before = + - @ (for tools).")] = False,
    all_versions: AllVersionsOption = False,
) -> None:
    """Export tasks as contract JSON, CSV (for Excel: BOM, labels in --lang) or XLSX."""
    from ingest.queries import task_filter, write_export

    if output is None and fmt is ExportFormat.xlsx:
        raise BadArgsError(label("err.needs_output", _lang(), fmt="xlsx"))
    options: dict[str, Any] = {"doc": doc, "lang": _lang(), "bom": not no_bom, "raw": raw, "all_versions": all_versions}
    with open_registry(db) as reg:  # written as it is read: memory stays flat whatever the registry holds
        hidden = 0 if all_versions else reg.hidden_count(task_filter(reg, doc=doc))
        if output is None:
            sys.stdout.flush()
            write_export(reg, fmt.value, sys.stdout.buffer, **options)
            sys.stdout.buffer.flush()
        else:
            with _output_file(output) as fh:
                write_export(reg, fmt.value, fh, **options)
    if output is not None:
        _say(label("msg.wrote", _lang(), path=output))
    _say_hidden(hidden)


@app.command()
def agencies(
    db: DbOption = str(DEFAULT_DB),
    unknown: Annotated[bool, typer.Option(help="Only bodies the gazetteer does not know.")] = False,
    fmt: FormatOption = ViewFormat.table,
    wide: WideOption = False,
) -> None:
    """Agencies named in tasks, with counts; --unknown lists what the gazetteer should learn."""
    from ingest.cli_tables import agency_view, write_view

    with open_registry(db) as reg:
        counts = reg.agency_counts("unknown" if unknown else None)
    write_view(agency_view(counts, _lang()), fmt.value, out, _lang(), wide=wide)
    _say(label("msg.n_agencies", _lang(), n=len(counts)))


@app.command()
def diff(
    a: Annotated[str, typer.Argument(help="Earlier document: number (15/KH-BCĐ), doc-id prefix or file path.")],
    b: Annotated[str, typer.Argument(help="Later document, same forms; a new file is ingested first.")],
    db: DbOption = str(DEFAULT_DB),
    fmt: Annotated[DiffFormat, typer.Option("--format", "-f")] = DiffFormat.terminal,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File to write (needed for html/xlsx).")] = None,
    by_key: Annotated[KeyMode, typer.Option(help="Pair by annex/section/STT too: auto = when B cites A.")] = KeyMode.auto,
) -> None:
    """Tasks added, removed and changed (deadline, agencies, wording, output) from A to B."""
    from ingest.diff_cmd import run_diff, write_diff

    if output is None and fmt in (DiffFormat.html, DiffFormat.xlsx):
        raise BadArgsError(label("err.needs_output", _lang(), fmt=fmt.value))
    # A file path given for A or B is ingested on the spot: only then may the registry be created.
    with open_registry(db, create=Path(a).is_file() or Path(b).is_file()) as reg:
        result = run_diff(reg, a, b, by_key=by_key.value)
    if written := write_diff(result, fmt.value, output, console=out, lang=_lang()):
        _say(label("msg.wrote", _lang(), path=written))


@app.command()
def status(
    db: DbOption = str(DEFAULT_DB),
    as_of: Annotated[date | None, date_option("Today's date (default: today)")] = None,
    soon_days: Annotated[int, typer.Option(min=0, help="'Due soon' window in days.")] = 14,
    json_out: Annotated[bool, typer.Option("--json", help="JSON on stdout instead of tables.")] = False,
    wide: WideOption = False,
    limit: Annotated[
        int | None,
        typer.Option(min=0, help="Tasks listed per agency in the tables (default 5; 0: all). JSON lists all unless given."),
    ] = None,
    top: Annotated[int, typer.Option(min=0, help="Agencies given a table of their tasks, most overdue first (0: all).")] = 10,
) -> None:
    """Overdue and due-soon tasks per lead agency; tasks restated by a later document follow it."""
    from ingest.status import print_status

    shown = (None if json_out else 5) if limit is None else (limit or None)
    with open_registry(db) as reg:
        print_status(reg, as_of or date.today(), soon_days, console=out, as_json=json_out, lang=_lang(), wide=wide,
                     limit=shown, top=top or None)  # fmt: skip


@app.command()
def report(
    db: DbOption = str(DEFAULT_DB),
    output: Annotated[Path, typer.Option("-o", "--output")] = Path("out/report.html"),
    as_of: Annotated[date | None, date_option("Today's date (default: today)")] = None,
    soon_days: Annotated[int, typer.Option(min=0)] = 14,
    files_dir: Annotated[Path | None, typer.Option(help="Another folder to look for the documents in (page links).")] = None,
) -> None:
    """One self-contained HTML page: agencies, overdue counts, deadline calendar, filterable task table."""
    from ingest.report import write_report

    with open_registry(db) as reg:
        written = write_report(reg, output, as_of or date.today(), soon_days=soon_days, files_dir=files_dir,
                               lang=_lang())  # fmt: skip
    _say(label("msg.wrote", _lang(), path=written))


# -- errors ------------------------------------------------------------------------------------------

_GLOBAL_FLAGS = {"-q", "--quiet", "-v", "-vv", "-vvv", "--verbose", "--version"}


def hoist_global_options(args: list[str]) -> list[str]:
    """Move global options written after the command in front of it (``theodoi tasks -q`` works)."""
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest.extend(args[i:])
            break
        if arg in _GLOBAL_FLAGS or arg.startswith("--lang="):
            front.append(arg)
        elif arg == "--lang" and i + 1 < len(args):
            front += [arg, args[i + 1]]
            i += 1
        else:
            rest.append(arg)
        i += 1
    return front + rest


def _global_front(args: list[str]) -> list[str]:
    """The global options ``hoist_global_options`` put in front of the command."""
    front: list[str] = []
    i = 0
    while i < len(args):
        if args[i] == "--lang" and i + 1 < len(args):
            front += args[i : i + 2]  # "--lang --version": the language asked is "--version"
            i += 2
        elif args[i] in _GLOBAL_FLAGS or args[i].startswith("--lang="):
            front.append(args[i])
            i += 1
        else:
            break
    return [a for n, a in enumerate(front) if n == 0 or front[n - 1] != "--lang"]


def _error_line(where: str, message: str, hint: str | None = None) -> None:
    text = " ".join(message.split())  # one line, whatever the message held
    line = Text(f"{where}: ", style="bold red")
    line.append(text)
    if hint:
        line.append(f" ({hint})", style="dim")
    err.print(line, soft_wrap=True)


def usage_message(e: Exception, lang: str) -> str:
    """A click usage error in one line, in the chosen language for the common kinds."""
    kind = type(e).__name__
    if lang == "en":
        return e.format_message()  # type: ignore[attr-defined]
    param = getattr(e, "param", None)
    hint = getattr(e, "param_hint", None)
    if not hint and param is not None:
        if getattr(param, "param_type_name", "") == "argument":
            hint = (getattr(param, "name", None) or "?").upper()
        else:
            hint = "/".join(getattr(param, "opts", []) or [])
    if isinstance(hint, list | tuple):
        hint = "/".join(hint)
    if kind == "NoSuchOption":
        text = label("err.no_such_option", lang, option=e.option_name)  # type: ignore[attr-defined]
        if e.possibilities:  # type: ignore[attr-defined]
            text += "; " + label("err.did_you_mean", lang, options=", ".join(sorted(e.possibilities)))  # type: ignore[attr-defined]
        return text
    if kind == "MissingParameter":
        return label("err.missing", lang, what=hint or "?")
    if kind == "BadParameter":
        return label("err.bad_value", lang, what=hint or "?", reason=e.message)  # type: ignore[attr-defined]
    message = e.format_message()  # type: ignore[attr-defined]
    if m := re.match(r"No such command '(.+?)'\.?", message):
        return label("err.no_such_command", lang, command=m.group(1), commands=", ".join(_command_names()))
    if m := re.match(r"Option '(.+?)' requires an argument\.?", message):
        return label("err.needs_value", lang, option=m.group(1))
    if m := re.match(r"Got unexpected extra arguments?(?:\(s\))? \((.+)\)", message):
        return label("err.extra_args", lang, args=m.group(1))
    return message


def _command_names() -> list[str]:
    commands = [c.name or c.callback.__name__ for c in app.registered_commands if c.callback]  # type: ignore[union-attr]
    return sorted([*commands, *(g.name for g in app.registered_groups if g.name)])


def _usage_error(e: Exception) -> int:
    if type(e).__name__ == "NoArgsIsHelpError":  # `theodoi` alone: the help, as asked
        out.print(Text(e.format_message()))  # type: ignore[attr-defined]
        return int(ExitCode.ok)
    ctx = getattr(e, "ctx", None)
    where = ctx.command_path if ctx is not None else "theodoi"
    hint = label("err.see_help", _lang(), command=where)
    try:
        message = usage_message(e, _lang())
    except (AttributeError, KeyError, IndexError, TypeError, ValueError):  # click's own words then
        message = e.format_message()  # type: ignore[attr-defined]
    _error_line(where, message, hint)
    return int(ExitCode.bad_args)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code; the one place where exceptions become codes."""
    args = hoist_global_options(list(sys.argv[1:] if argv is None else argv))
    if "--version" in _global_front(args):  # what the eager option does, without building every command
        out.print(_version_line())
        return int(ExitCode.ok)
    OPTS.lang, OPTS.quiet, OPTS.verbose = DEFAULT_LANG, False, 0
    with contextlib.suppress(ValueError):  # the language of errors raised before the callback ran
        OPTS.lang = resolve_lang(_lang_in(args))
    logging.basicConfig(format="%(levelname)s %(name)s: %(message)s")
    try:
        result = app(args=args, prog_name="theodoi", standalone_mode=False)
    except _ClickException as e:
        return _usage_error(e)
    except TheodoiError as e:
        _error_line("theodoi", str(e))
        return int(e.exit_code)
    except (KeyboardInterrupt, typer.Abort):
        return int(ExitCode.ctrl_c)
    except BrokenPipeError:  # `theodoi tasks | head`: the reader left; nothing to report
        _silence_stdout()
        return int(ExitCode.ok)
    except Exception as e:
        if _is_validation_error(e):  # bad settings (a YAML file, an option value)
            _error_line("theodoi", str(e).splitlines()[0])
            return int(ExitCode.bad_args)
        if type(e).__module__.startswith("sqlalchemy"):  # a database error nobody wrapped
            _error_line("theodoi", label("err.registry", _lang(), reason=_first_line(e)))
            return int(ExitCode.registry_error)
        if isinstance(e, OSError):
            _error_line("theodoi", f"{e.filename or ''}: {e.strerror or e}".lstrip(": "))
            return int(ExitCode.other_error)
        if OPTS.verbose > 1:
            raise
        _error_line("theodoi", label("err.internal", _lang(), error=f"{type(e).__name__}: {e}"))
        return int(ExitCode.other_error)
    return int(result) if isinstance(result, int) else 0


def _is_validation_error(e: Exception) -> bool:
    """A pydantic ``ValidationError``, asked without importing pydantic (``--version`` and ``--help`` don't)."""
    pydantic = sys.modules.get("pydantic")
    return pydantic is not None and isinstance(e, pydantic.ValidationError)


from ingest import cli_corrections  # noqa: E402, F401 - registers correct, corrections, review


def _lang_in(args: list[str]) -> str | None:
    for i, arg in enumerate(args):
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
        if arg == "--lang" and i + 1 < len(args):
            return args[i + 1]
    return None


def _silence_stdout() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
