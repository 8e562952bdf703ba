"""``theodoi correct``, ``theodoi corrections [import FILE.xlsx]`` and ``theodoi review``: a person's fixes.

Registered on the main app by ``ingest.cli`` (one import line there); the work is in ``ingest.corrections``
and ``Registry.correct``. Heavy imports are deferred so ``theodoi --help`` stays fast.
"""

from __future__ import annotations

import getpass
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.table import Table
from rich.text import Text

from ingest.cli import DEFAULT_DB, DbOption, _lang, _say, app, date_option, open_registry, out
from models.labels import label

corrections_app = typer.Typer(help="Corrections made by hand: the audit trail, orphans, and XLSX import.")
app.add_typer(corrections_app, name="corrections")


def _by(by: str | None) -> str:
    """Who corrects: ``--by``, else the login name."""
    if by and by.strip():
        return by.strip()
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (a container without /etc/passwd entry)
        return "?"


def _shown(value: Any) -> str:
    from store.corrections import shown

    return shown(value)


def _change_line(task_id: str, field: str, old: Any, new: Any, by: str, where: str = "") -> Text:
    lang = _lang()
    line = Text(f"{where}{task_id} ")
    line.append(label(f"corr.field.{field}", lang), style="bold")
    line.append(f": {_shown(old) or '∅'} → {_shown(new) or '∅'}")
    line.append(f" ({label('corr.by', lang, by=by)})", style="dim")
    return line


ByOption = Annotated[str | None, typer.Option("--by", help="Who makes the change (default: the login name).")]


@app.command()
def correct(
    task_id: Annotated[str, typer.Argument(help="The task's id (column 'mã nhiệm vụ' of tasks/export).")],
    db: DbOption = str(DEFAULT_DB),
    lead: Annotated[str | None, typer.Option(help="Lead agencies, separated by ';'.")] = None,
    co: Annotated[str | None, typer.Option(help="Co-operating agencies, separated by ';'.")] = None,
    due: Annotated[date | None, date_option("Due date")] = None,
    text: Annotated[str | None, typer.Option(help="The task's wording.")] = None,
    status: Annotated[str | None, typer.Option(help="Status ('Đã hoàn thành', 'Đang thực hiện').")] = None,
    by: ByOption = None,
) -> None:
    """Correct what the parser got wrong; kept over re-ingestion and parser upgrades, with an audit trail."""
    from ingest.corrections import changes_from_options
    from models.errors import BadArgsError

    changes = changes_from_options(lead=lead, co=co, due=due, due_raw=None, text=text, status=status)
    if not changes:
        raise BadArgsError(label("corr.nothing", _lang()))
    who = _by(by)
    with open_registry(db) as reg:
        done = reg.correct(task_id.strip(), changes, who)
    for field, old, new in done:
        out.print(_change_line(task_id, field, old, new, who))
    if not done:
        _say(label("corr.same", _lang()))


@corrections_app.callback(invoke_without_command=True)
def corrections_list(ctx: typer.Context, db: DbOption = str(DEFAULT_DB)) -> None:
    """The audit trail, oldest first; orphans (task ids that no longer exist) are marked."""
    if ctx.invoked_subcommand is not None:
        return
    lang = _lang()
    with open_registry(db) as reg:
        rows = reg.corrections()
    table = Table(box=box.SIMPLE_HEAD)
    for key in ("corr.col.at", "corr.col.by", "col.task_id", "corr.col.field", "corr.col.old", "corr.col.new",
                "corr.col.note"):  # fmt: skip
        table.add_column(Text(label(key, lang), style="bold"), overflow="fold")
    for r in rows:
        note = Text(label("corr.orphan", lang), style="red") if r["orphan"] else Text("")
        table.add_row(str(r["at"]), Text(str(r["by"])), str(r["task_id"]), label(f"corr.field.{r['field']}", lang),
                      Text(_shown(r["old"])), Text(_shown(r["new"])), note)  # fmt: skip
    out.print(table)
    orphans = sum(1 for r in rows if r["orphan"])
    _say(label("corr.n", lang, n=len(rows), orphans=orphans))


@corrections_app.command("import")
def corrections_import(
    workbook: Annotated[Path, typer.Argument(help="An XLSX made by `theodoi export -f xlsx`, edited.")],
    db: DbOption = str(DEFAULT_DB),
    by: ByOption = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report the changed cells, write nothing.")] = False,
) -> None:
    """Apply the cells changed in an exported workbook (task, agencies, due date), each reported."""
    from ingest.corrections import xlsx_changes

    lang = _lang()
    who = _by(by)
    with open_registry(db) as reg:
        changes, unknown = xlsx_changes(reg, workbook)
        applied = 0
        for c in changes:
            done = [] if dry_run else reg.correct(c.task_id, {c.field: c.new}, who)
            if done or dry_run:
                applied += 1
                out.print(_change_line(c.task_id, c.field, c.old, c.new, who, where=f"{c.sheet}!{c.row}: "))
    for task_id in dict.fromkeys(unknown):
        _say(label("corr.unknown_task", lang, task_id=task_id))
    _say(label("corr.imported", lang, n=applied))


@app.command()
def review(
    db: DbOption = str(DEFAULT_DB),
    below: Annotated[float, typer.Option(min=0, max=1, help="Confidence under which a reading is listed.")] = 0.8,
    limit: Annotated[int, typer.Option(min=1, help="Show at most this many tasks.")] = 200,
) -> None:
    """What to check first: low-confidence readings, unknown agencies, deadlines not understood."""
    from ingest import corrections

    lang = _lang()
    with open_registry(db) as reg:
        items = corrections.review(reg, below)
        docs = {d.doc_id: d for d in reg.documents()}
    table = Table(box=box.SIMPLE_HEAD)
    for key in ("col.task_id", "col.doc", "col.stt", "col.task", "review.col.check", "review.col.confidence"):
        table.add_column(Text(label(key, lang), style="bold"), overflow="fold", ratio=4 if key == "col.task" else None)
    for item in items[:limit]:
        t = item.task
        doc = docs.get(t.doc_id)
        table.add_row(t.task_id, Text((doc.meta.number or doc.file) if doc else ""), Text(t.stt or ""),
                      Text(t.text), Text("; ".join(label(r, lang) for r in item.reasons)),
                      f"{t.confidence:.2f}")  # fmt: skip
    out.print(table)
    _say(label("review.n", lang, n=len(items), below=below))
