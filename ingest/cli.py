"""The ``theodoi`` command. Each subcommand calls one library function; exit codes are mapped here only.

Data goes to stdout or the file named with ``-o``; messages go to stderr.
"""

from __future__ import annotations

import logging
import os
import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import click
import pydantic
import typer
from rich.console import Console
from rich.table import Table

from models.errors import ExitCode, TheodoiError

if TYPE_CHECKING:
    from models.registry import Registry

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Track the tasks in provincial directives.")
err = Console(stderr=True)
out = Console()

DEFAULT_DB = Path("out/registry.sqlite")
DbOption = Annotated[
    str,
    typer.Option("--db", envvar="THEODOI_DB", help="Registry: SQLite file path or postgresql:// URL."),
]


def _registry(db: str) -> Registry:
    from models.registry import Registry  # deferred so that `theodoi --help` stays fast

    return Registry(db)


class ExportFormat(StrEnum):
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


@app.command()
def ingest(
    inputs: Annotated[list[Path], typer.Argument(help="Files or folders.")],
    db: DbOption = str(DEFAULT_DB),
    force: Annotated[bool, typer.Option(help="Re-parse files already registered; replaces their tasks.")] = False,
    recursive: Annotated[bool, typer.Option("--recursive", "-r", help="Descend into sub-folders.")] = False,
    report: Annotated[Path, typer.Option(help="Where the batch summary JSON goes.")] = Path(
        "out/batch-report.json"
    ),
    workers: Annotated[int, typer.Option(min=0, help="Parser processes (0: parse in this process).")] = 0,
    executor: Annotated[str, typer.Option(help="local (processes) or dask.")] = "local",
    scheduler: Annotated[str | None, typer.Option(help="Dask scheduler tcp://HOST:PORT (default: local).")] = None,
) -> None:
    """Ingest PDF, Word and image files into the registry."""
    from ingest.cli_ingest import run_ingest

    if executor not in ("local", "dask"):
        raise click.BadParameter(f"--executor {executor!r}: choose local or dask")
    raise typer.Exit(run_ingest(inputs, db, force=force, recursive=recursive, report=report, console=err,
                                workers=workers, executor=executor, scheduler=scheduler))  # type: ignore[arg-type]  # fmt: skip


@app.command()
def watch(
    inbox: Annotated[Path, typer.Argument(help="The folder documents are dropped into.")],
    db: DbOption = str(DEFAULT_DB),
    poll: Annotated[bool, typer.Option(help="Poll instead of inotify (network shares).")] = False,
    once: Annotated[bool, typer.Option(help="Process what is there, then exit (cron, tests).")] = False,
    settle: Annotated[float, typer.Option(min=0, help="Seconds a file's size/mtime must stay still.")] = 2.0,
    interval: Annotated[float, typer.Option(min=0.05, help="Seconds between scans.")] = 1.0,
    workers: Annotated[int, typer.Option(min=0, help="Parser processes (0: parse in this process).")] = 0,
) -> None:
    """Watch an inbox: ingest each dropped file, then move it to processed/YYYY-MM/ or failed/."""
    from ingest.watch import run_watch

    raise typer.Exit(run_watch(inbox, db, poll=poll, once=once, settle_s=settle, interval_s=interval,
                               workers=workers))  # fmt: skip


@app.command()
def documents(db: DbOption = str(DEFAULT_DB)) -> None:
    """List the registered documents."""
    with _registry(db) as reg:
        table = Table("doc_id", "file", "type", "number", "date", "pages", "method", "tasks")
        for d in reg.documents():
            m = d.meta
            table.add_row(
                d.doc_id[:12], d.file, m.doc_type or "", m.number or "",
                str(m.issue_date or m.issue_month or ""), str(d.pages), d.method, str(d.task_count),
            )  # fmt: skip
        out.print(table)


@app.command()
def tasks(
    db: DbOption = str(DEFAULT_DB),
    doc: Annotated[str | None, typer.Option(help="Document number, doc-id prefix or file name.")] = None,
    agency: Annotated[str | None, typer.Option(help="Agency, by any alias (Sở KH&CN, CA tỉnh).")] = None,
    due_before: Annotated[str | None, typer.Option(help="Only tasks due before YYYY-MM-DD.")] = None,
    overdue: Annotated[bool, typer.Option(help="Only tasks whose due date has passed.")] = False,
    as_of: Annotated[str | None, typer.Option(help="Today's date for --overdue (YYYY-MM-DD).")] = None,
    limit: Annotated[int, typer.Option(min=1)] = 1000,
) -> None:
    """Tasks as a table in the terminal."""
    from ingest.queries import select_tasks

    with _registry(db) as reg:
        found = select_tasks(reg, doc=doc, agency=agency, due_before=_date(due_before), overdue=overdue,
                             as_of=_date(as_of))  # fmt: skip
        table = Table("doc", "annex", "sec", "stt", "task", "lead", "deadline", "due", show_lines=False)
        for t in found[:limit]:
            table.add_row(
                t.doc_id[:8], t.annex or "", t.section or "", t.stt or "", t.text[:80],
                "; ".join(a.name for a in t.lead)[:40], (t.deadline.raw or "")[:30], str(t.deadline.due or ""),
            )  # fmt: skip
        out.print(table)
        err.print(f"{len(found)} task(s)")


@app.command()
def export(
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f")] = ExportFormat.json,
    db: DbOption = str(DEFAULT_DB),
    doc: Annotated[str | None, typer.Option(help="Only this document (number, doc-id prefix, file).")] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File to write; stdout if absent.")] = None,
) -> None:
    """Export tasks as contract JSON, flat CSV or an XLSX per document."""
    from ingest.queries import export_bytes

    with _registry(db) as reg:
        data = export_bytes(reg, fmt.value, doc=doc)
    if output is None:
        if fmt is ExportFormat.xlsx:
            raise click.UsageError("xlsx needs -o FILE")
        sys.stdout.write(data.decode("utf-8"))
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(data)
        err.print(f"wrote {output}")


@app.command()
def agencies(
    db: DbOption = str(DEFAULT_DB),
    unknown: Annotated[bool, typer.Option(help="Only bodies the gazetteer does not know.")] = False,
) -> None:
    """Agencies named in tasks, with counts; --unknown lists what the gazetteer should learn."""
    with _registry(db) as reg:
        table = Table("agency", "kind", "mentions")
        for name, kind, count in reg.agency_counts("unknown" if unknown else None):
            table.add_row(name, kind, str(count))
        out.print(table)


class DiffFormat(StrEnum):
    terminal = "terminal"
    json = "json"
    html = "html"
    xlsx = "xlsx"


class KeyMode(StrEnum):
    auto = "auto"
    yes = "yes"
    no = "no"


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

    with _registry(db) as reg:
        result = run_diff(reg, a, b, by_key=by_key.value)
    if written := write_diff(result, fmt.value, output, console=out):
        err.print(f"wrote {written}")


@app.command()
def status(
    db: DbOption = str(DEFAULT_DB),
    as_of: Annotated[str | None, typer.Option(help="Today's date, YYYY-MM-DD (default: today).")] = None,
    soon_days: Annotated[int, typer.Option(min=0, help="'Due soon' window in days.")] = 14,
    json_out: Annotated[bool, typer.Option("--json", help="JSON on stdout instead of tables.")] = False,
) -> None:
    """Overdue and due-soon tasks per lead agency; tasks restated by a later document follow it."""
    from ingest.status import print_status

    with _registry(db) as reg:
        print_status(reg, _date(as_of) or date.today(), soon_days, console=out, as_json=json_out)


@app.command()
def report(
    db: DbOption = str(DEFAULT_DB),
    output: Annotated[Path, typer.Option("-o", "--output")] = Path("out/report.html"),
    as_of: Annotated[str | None, typer.Option(help="Today's date, YYYY-MM-DD (default: today).")] = None,
    soon_days: Annotated[int, typer.Option(min=0)] = 14,
    files_dir: Annotated[Path | None, typer.Option(help="Folder of the documents, for file:// page links.")] = None,
) -> None:
    """One self-contained HTML page: agencies, overdue counts, deadline calendar, filterable task table."""
    from ingest.report import write_report

    with _registry(db) as reg:
        err.print(f"wrote {write_report(reg, output, _date(as_of) or date.today(), soon_days=soon_days, files_dir=files_dir)}")


def _date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as e:
        raise click.BadParameter(f"{text!r} is not a date in YYYY-MM-DD form") from e


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code; the one place where exceptions become codes."""
    logging.basicConfig(
        level=os.environ.get("THEODOI_LOG", "WARNING").upper(), format="%(levelname)s %(name)s: %(message)s"
    )
    try:
        result = app(args=argv, prog_name="theodoi", standalone_mode=False)
    except click.exceptions.Exit as e:
        return int(e.exit_code)
    except click.exceptions.Abort:
        return int(ExitCode.ctrl_c)
    except click.ClickException as e:
        e.show()
        return int(ExitCode.bad_args)
    except pydantic.ValidationError as e:
        err.print(f"[red]invalid arguments:[/red] {e}")
        return int(ExitCode.bad_args)
    except TheodoiError as e:
        err.print(f"[red]error:[/red] {e}")
        return int(e.exit_code)
    except KeyboardInterrupt:
        return int(ExitCode.ctrl_c)
    return int(result or 0) if isinstance(result, int) else 0
