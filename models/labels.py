"""Every user-facing label and coded value, per language: Vietnamese by default, English on request.

One screen, one file, one report speaks one language. Callers ask ``label(key, lang)``; a key missing from
a language falls back to Vietnamese, and a key missing everywhere raises ``KeyError`` (so a typo is found
by the tests, not by a clerk). Keys are dotted by area: ``col.*`` column headers, ``kind.*`` deadline kinds,
``msg.*`` messages. Append keys; never rename one another module uses.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

Lang = str
LANGS: tuple[str, ...] = ("vi", "en")
DEFAULT_LANG = "vi"
ENV_VAR = "THEODOI_LANG"

LABELS: dict[str, dict[str, str]] = {
    "vi": {
        # column headers (terminal tables, CSV/JSON of the terminal commands)
        "col.doc": "văn bản",
        "col.number": "số hiệu",
        "col.date": "ngày",
        "col.type": "loại",
        "col.file": "tệp",
        "col.pages": "số trang",
        "col.method": "cách đọc",
        "col.tasks": "nhiệm vụ",
        "col.annex": "phụ lục",
        "col.section": "mục",
        "col.stt": "stt",
        "col.task": "nhiệm vụ",
        "col.lead": "chủ trì",
        "col.co": "phối hợp",
        "col.output": "kết quả",
        "col.deadline": "thời hạn",
        "col.due": "hạn",
        "col.agency": "cơ quan",
        "col.kind": "loại",
        "col.mentions": "số lần",
        "col.doc_id": "mã tệp",
        "col.task_id": "mã nhiệm vụ",
        "col.lead_agency": "cơ quan chủ trì",
        "col.overdue": "quá hạn",
        "col.due_soon": "sắp đến hạn",
        "col.state": "tình trạng",
        "col.position": "vị trí",
        "col.change": "thay đổi",
        "col.task_words": "nhiệm vụ (từ bỏ/thêm)",
        "col.a_to_b": "A → B",
        # deadline kinds
        "kind.date": "ngày",
        "kind.month": "tháng",
        "kind.quarter": "quý",
        "kind.half_year": "6 tháng",
        "kind.year": "năm",
        "kind.recurring": "định kỳ",
        "kind.ongoing": "thường xuyên",
        "kind.conditional": "có điều kiện",
        "kind.unknown": "chưa rõ",
        "kind.none": "không ghi",
        # agency kinds
        "agency.agency": "cơ quan",
        "agency.group": "nhóm",
        "agency.unknown": "chưa có trong danh mục",
        # reading methods
        "method.text": "lớp chữ",
        "method.ocr": "OCR",
        "method.mixed": "hỗn hợp",
        "method.docx": "Word",
        # task sources
        "source.table": "bảng",
        "source.prose": "văn bản",
        # status
        "status.title": "Tình hình đến ngày {as_of} (sắp đến hạn: {days} ngày)",
        "status.late": "quá hạn {days} ngày",
        "status.left": "còn {days} ngày",
        "status.superseded": "{n} nhiệm vụ đã được văn bản sau điều chỉnh (tính theo văn bản sau)",
        "status.no_lead": "(chưa rõ cơ quan chủ trì)",
        # diff (terminal)
        "diff.added": "thêm",
        "diff.removed": "bỏ",
        "diff.changed": "thay đổi",
        "diff.unchanged": "giữ nguyên",
        "diff.renumbered": "đổi số thứ tự",
        "diff.paired_by": "ghép theo",
        "diff.by_key": "vị trí + nội dung",
        "diff.by_content": "nội dung",
        "diff.title_added": "Nhiệm vụ thêm mới",
        "diff.title_removed": "Nhiệm vụ bị bỏ",
        "diff.title_changed": "Nhiệm vụ thay đổi",
        "diff.title_renumbered": "Nhiệm vụ đổi số thứ tự",
        "diff.days": "ngày",
        "diff.output": "kết quả",
        "diff.role_lead": "chủ trì",
        "diff.role_co": "phối hợp",
        # messages
        "msg.n_tasks": "{n} nhiệm vụ",
        "msg.n_documents": "{n} văn bản",
        "msg.n_agencies": "{n} cơ quan",
        "msg.wrote": "đã ghi {path}",
        "msg.error": "lỗi",
        "msg.no_registry": (
            "chưa có sổ đăng ký tại {path} (tìm ở đó vì {why}); chọn sổ khác bằng --db ĐƯỜNG_DẪN hoặc biến môi"
            " trường THEODOI_DB, hoặc tạo sổ bằng `theodoi ingest TỆP`"
        ),
        "msg.why_default": "đó là mặc định",
        "msg.why_option": "--db chỉ ra",
        "msg.why_env": "THEODOI_DB chỉ ra",
        "msg.progress_pages": "trang",
        # exports (CSV headers, XLSX columns and sheets)
        "field.task_id": "Mã nhiệm vụ",
        "field.doc_id": "Mã tệp",
        "field.file": "Tệp",
        "field.doc_type": "Loại văn bản",
        "field.number": "Số hiệu",
        "field.doc": "Văn bản",
        "field.issue_date": "Ngày ban hành",
        "field.issuer": "Cơ quan ban hành",
        "field.source": "Nguồn",
        "field.annex": "Phụ lục",
        "field.section": "Mục",
        "field.section_title": "Tên mục",
        "field.stt": "STT",
        "field.text": "Nhiệm vụ",
        "field.lead": "Cơ quan chủ trì",
        "field.lead_raw": "Cơ quan chủ trì (như in)",
        "field.co": "Cơ quan phối hợp",
        "field.co_raw": "Cơ quan phối hợp (như in)",
        "field.output": "Kết quả, sản phẩm",
        "field.deadline_raw": "Thời hạn",
        "field.deadline_kind": "Loại thời hạn",
        "field.deadline_due": "Hạn (chuẩn hóa)",
        "field.deadline_recurrence": "Định kỳ",
        "field.deadline_condition": "Điều kiện",
        "field.pages": "Trang",
        "field.method": "Cách đọc",
        "field.confidence": "Độ tin cậy",
        "recurrence.weekly": "hằng tuần",
        "recurrence.monthly": "hằng tháng",
        "recurrence.quarterly": "hằng quý",
        "recurrence.half_yearly": "6 tháng một lần",
        "recurrence.yearly": "hằng năm",
        "recurrence.on_request": "khi có yêu cầu",
        "xlsx.all_tasks": "Tất cả nhiệm vụ",
        "xlsx.no_number": "Không số",
        "xlsx.page_of": "Trang &P/&N",
        "xlsx.empty": "(trống)",
    },
    "en": {
        "col.doc": "document",
        "col.number": "number",
        "col.date": "date",
        "col.type": "type",
        "col.file": "file",
        "col.pages": "pages",
        "col.method": "read as",
        "col.tasks": "tasks",
        "col.annex": "annex",
        "col.section": "section",
        "col.stt": "no.",
        "col.task": "task",
        "col.lead": "lead",
        "col.co": "co-operating",
        "col.output": "output",
        "col.deadline": "deadline",
        "col.due": "due",
        "col.agency": "agency",
        "col.kind": "kind",
        "col.mentions": "mentions",
        "col.doc_id": "file id",
        "col.task_id": "task id",
        "col.lead_agency": "lead agency",
        "col.overdue": "overdue",
        "col.due_soon": "due soon",
        "col.state": "state",
        "col.position": "position",
        "col.change": "change",
        "col.task_words": "task (words dropped/added)",
        "col.a_to_b": "A → B",
        "kind.date": "date",
        "kind.month": "month",
        "kind.quarter": "quarter",
        "kind.half_year": "half year",
        "kind.year": "year",
        "kind.recurring": "recurring",
        "kind.ongoing": "ongoing",
        "kind.conditional": "conditional",
        "kind.unknown": "not understood",
        "kind.none": "none given",
        "agency.agency": "agency",
        "agency.group": "group",
        "agency.unknown": "not in the gazetteer",
        "method.text": "text layer",
        "method.ocr": "OCR",
        "method.mixed": "mixed",
        "method.docx": "Word",
        "source.table": "table",
        "source.prose": "prose",
        "status.title": "Status on {as_of} (due soon: within {days} days)",
        "status.late": "{days} days late",
        "status.left": "{days} days left",
        "status.superseded": "{n} tasks were restated by a later document (the later one counts)",
        "status.no_lead": "(lead agency not stated)",
        "diff.added": "added",
        "diff.removed": "removed",
        "diff.changed": "changed",
        "diff.unchanged": "unchanged",
        "diff.renumbered": "renumbered",
        "diff.paired_by": "paired by",
        "diff.by_key": "position + content",
        "diff.by_content": "content",
        "diff.title_added": "Tasks added",
        "diff.title_removed": "Tasks removed",
        "diff.title_changed": "Tasks changed",
        "diff.title_renumbered": "Tasks renumbered",
        "diff.days": "days",
        "diff.output": "output",
        "diff.role_lead": "lead",
        "diff.role_co": "co",
        "msg.n_tasks": "{n} task(s)",
        "msg.n_documents": "{n} document(s)",
        "msg.n_agencies": "{n} agency(ies)",
        "msg.wrote": "wrote {path}",
        "msg.error": "error",
        "msg.no_registry": (
            "no registry at {path} (looked there because {why}); choose another with --db PATH or the"
            " THEODOI_DB environment variable, or create one with `theodoi ingest FILE`"
        ),
        "msg.why_default": "it is the default",
        "msg.why_option": "--db named it",
        "msg.why_env": "THEODOI_DB named it",
        "msg.progress_pages": "pages",
        "field.task_id": "Task id",
        "field.doc_id": "File id",
        "field.file": "File",
        "field.doc_type": "Document type",
        "field.number": "Number",
        "field.doc": "Document",
        "field.issue_date": "Issue date",
        "field.issuer": "Issuer",
        "field.source": "Source",
        "field.annex": "Annex",
        "field.section": "Section",
        "field.section_title": "Section title",
        "field.stt": "No.",
        "field.text": "Task",
        "field.lead": "Lead agency",
        "field.lead_raw": "Lead agency (as printed)",
        "field.co": "Co-operating agencies",
        "field.co_raw": "Co-operating agencies (as printed)",
        "field.output": "Output",
        "field.deadline_raw": "Deadline",
        "field.deadline_kind": "Deadline kind",
        "field.deadline_due": "Due date",
        "field.deadline_recurrence": "Recurrence",
        "field.deadline_condition": "Condition",
        "field.pages": "Pages",
        "field.method": "Read as",
        "field.confidence": "Confidence",
        "recurrence.weekly": "weekly",
        "recurrence.monthly": "monthly",
        "recurrence.quarterly": "quarterly",
        "recurrence.half_yearly": "every six months",
        "recurrence.yearly": "yearly",
        "recurrence.on_request": "on request",
        "xlsx.all_tasks": "All tasks",
        "xlsx.no_number": "No number",
        "xlsx.page_of": "Page &P of &N",
        "xlsx.empty": "(empty)",
    },
}


def resolve_lang(lang: str | None = None, env: Mapping[str, str] | None = None) -> Lang:
    """``lang`` if given, else ``$THEODOI_LANG``, else Vietnamese; "en-GB"/"EN" count as "en".

    Raises:
        ValueError: a language theodoi does not speak (the CLI turns it into exit code 1).
    """
    value = lang if lang else (os.environ if env is None else env).get(ENV_VAR) or DEFAULT_LANG
    code = value.strip().lower().replace("_", "-").split("-")[0]
    if code not in LANGS:
        raise ValueError(f"language {value!r} is not available: choose {' or '.join(LANGS)}")
    return code


def label(key: str, lang: Lang = DEFAULT_LANG, **fields: object) -> str:
    """The text for ``key`` in ``lang`` (Vietnamese when that language lacks it), formatted with ``fields``."""
    table = LABELS.get(lang, LABELS[DEFAULT_LANG])
    text = table.get(key)
    if text is None:
        text = LABELS[DEFAULT_LANG][key]  # KeyError on an unknown key, on purpose
    return text.format(**fields) if fields else text


def value_label(prefix: str, value: str | None, lang: Lang = DEFAULT_LANG) -> str:
    """A coded value ("recurring", "ocr") in words; an unknown code is shown as it is, "" for None."""
    if value is None:
        return ""
    key = f"{prefix}.{value}"
    if key in LABELS.get(lang, {}) or key in LABELS[DEFAULT_LANG]:
        return label(key, lang)
    return value
