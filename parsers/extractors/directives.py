"""Prose directives → ``RawTask``s: the tasks a letter, conclusion or plan body assigns in sentences.

Tasks in running text hang on an outline. The extractor joins lines into paragraphs
(``directive_outline``), builds the outline tree (roman sections, numbered items, "a)", "(1)", "-"), and
turns every *leaf* item that someone is responsible for into one task:

* "2. Giao Sở Khoa học và Công nghệ chủ trì:" + dash items → one task per dash, lead from the heading,
  section "2", stt "2.4" (item.dash-index);
* "4. Giao Văn phòng UBND tỉnh chủ trì theo dõi, …" (no sub-items) → one task, section "4", stt "4";
* "1. Về cải cách thể chế" / "Giao Sở Tư pháp chủ trì, phối hợp với …:" / "a) …" → section "1", stt "a";
* plan bodies: "a) Tham mưu …" + "- Cơ quan chủ trì: …", "- Cơ quan phối hợp: …", "- Thời gian thực
  hiện: …" → one task per lettered item (section "III.2", stt "a"), the field lines give lead/co/deadline;
  "2. Sở Khoa học và Công nghệ - Cơ quan thường trực …" + dash items → tasks led by the heading's agency;
* an inline enumeration "(1) … (Sở Nội vụ); (2) … (Sở Tài chính)" → lead "Sở Nội vụ; Sở Tài chính".

What counts: only text after the opening ("… có ý kiến như sau:", "cụ thể như sau:") and before the
closing ("Nơi nhận", "Nhận được Công văn này", "Trên đây là", "Trân trọng"). Roman sections that explain
rather than assign (I. MỤC ĐÍCH, II. MỤC TIÊU, YÊU CẦU, I. ĐÁNH GIÁ CHUNG, ĐỐI TƯỢNG …) are skipped, and a
leaf with no responsible body anywhere above it is not a task. Values stay RAW (``lead_raw``, ``co_raw``,
``deadline_raw`` as printed); ``parsers.normalisers.normalise`` resolves them.
"""

import re
from dataclasses import dataclass, field, replace

from models.page import Method, ParsedFile
from models.settings import DirectiveSettings
from models.task import RawTask
from parsers.extractors import directive_agency as ag
from parsers.extractors.directive_deadline import find_deadline_raw
from parsers.extractors.directive_outline import Paragraph, is_header_line, paragraphs, starts_lower
from parsers.normalisers.text import clean_cell, fold, strip_diacritics

VERSION = "directives.v1"

_OPENING = re.compile(
    r"(?:như sau|sau đây|(?:các|một số|những)\s+(?:nội dung|nhiệm vụ|việc)(?:\s+\S+){0,4}\s+sau)\s*:\s*$",
    re.IGNORECASE,
)
_CLOSING = re.compile(
    r"^(?:Nơi nhận|Nhận được (?:Công văn|Thông báo|Kế hoạch|Quyết định|Chỉ thị|văn bản)|Trên đây là|"
    r"Trân trọng|Đầu mối liên hệ|(?:PHỤ LỤC|Phụ lục)\s+[IVX\d]+\s*$)",
)
# Sections that explain rather than assign (folded titles start with these).
_SKIP_SECTIONS = (
    "mục đích",
    "mục tiêu",
    "yêu cầu",
    "đánh giá",
    "kết quả",
    "tình hình",
    "đối tượng",
    "căn cứ",
    "sự cần thiết",
    "quan điểm",
    "bối cảnh",
    "thực trạng",
    "thành phần",  # who attends (a plan's or a notice's participants), not who does what
    "thời gian",  # "II. THỜI GIAN, ĐỊA ĐIỂM"
    "địa điểm",
    "tiêu chuẩn",  # "III. Tiêu chuẩn đánh giá": how marks are given, not who does what
)
# Headings inside a part that open rules or requirements rather than duties: "Quy định chung", "Yêu cầu về
# sản phẩm" (a sub-heading of "1. Đối với sinh viên"); a duty list under "2. Đối với giảng viên" stays.
_RULE_HEADINGS = ("quy định", "yêu cầu", "tiêu chuẩn", "mục đích", "mục tiêu")
_TITLE_MAX_WORDS = 12
# "- Cơ quan chủ trì: …", "- Đơn vị chủ trì thực hiện: …", "- Thời gian hoàn thành: …", "- Sản phẩm: …"
_FIELD = re.compile(
    r"^(?P<name>(?:Cơ quan|Đơn vị)\s+(?:chủ trì|thực hiện|phối hợp)[^:]{0,40}"
    r"|Thời (?:gian|hạn)[^:]{0,40}|(?:Kết quả|Sản phẩm)[^:]{0,30}"
    r"|(?:Thành phần|Địa điểm|Hình thức|Kinh phí)[^:]{0,30})\s*:\s*(?P<value>.*)$",
)
_LEAD_CO_SPLIT = re.compile(r"^(?P<lead>.+?)\s+chủ trì\s*,?\s*(?:phối hợp(?:\s+với)?\s+(?P<co>.+))?$")
# The issuing body's own leaders ("1. Trưởng, Phó Trưởng Ban Chỉ đạo của UBND tỉnh": direct the whole plan)
# are not assigned a task by it.
_ISSUER_LEADERS = re.compile(
    r"^(?:(?:Trưởng|Phó Trưởng)(?:\s*,\s*Phó Trưởng)?\s+Ban(?:\s+Chỉ đạo)?"
    r"|Chủ tịch(?:\s*,\s*các Phó Chủ tịch)?\s+(?:UBND|Ủy ban nhân dân)\s+tỉnh)\b"
)
_AGENCY_COLON = re.compile(r"^(?P<agency>[^:]{3,120}):\s*(?P<rest>\S.*)$")


@dataclass
class _Node:
    """One outline item while the tree is built (local, mutable; never leaves this module)."""

    para: Paragraph | None
    kind: str
    parent: "_Node | None" = None
    children: list["_Node"] = field(default_factory=list)
    extras: list[Paragraph] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)
    field_paras: list[Paragraph] = field(default_factory=list)
    decl_lead: str | None = None
    decl_co: str | None = None
    decl_verb: bool = False  # the declared lead came from an assigning verb ("Giao X:", "yêu cầu X …:")
    decl_list: bool = False  # the declaration introduces a list of tasks ("… một số nhiệm vụ sau:")
    skip: bool = False
    standalone: bool = False

    @property
    def body(self) -> str:
        return self.para.body if self.para else ""

    @property
    def label(self) -> str | None:
        return self.para.label if self.para else None


def extract_prose_tasks(
    parsed: ParsedFile,
    settings: DirectiveSettings | None = None,
    doc_type: str | None = None,
    *,
    upward: bool = False,
    issuer: str | None = None,
) -> list[RawTask]:
    """Every task assigned in the running text of a document, in document order.

    Args:
        parsed: any reader's output (PDF text layer, OCR or Word); tables are ignored here.
        settings: ``DirectiveSettings`` (``enabled=False`` returns no tasks).
        doc_type: the document's type as printed ("BÁO CÁO", "TỜ TRÌNH", …) when metadata found it. A
            report or a submission *proposes*: its "Giao Sở X …" lines are what the issuer asks its
            superior to assign, so only what the issuer commits to itself is a task there.
        issuer: the issuing body as the metadata read it: the actor of an item that states its own
            timing in labelled fields ("- Thời gian thực hiện: Ngày 26, 27/12/2011") and names nobody,
            the issuer's own step in its plan.
        upward: the letter goes from a lower body to a higher one (the ingest layer decides it from the
            gazetteer's levels of issuer and addressee); it asks, comments or reports, and its "đề nghị
            X …" lines are requests to a body the issuer cannot direct: no prose task is read from it.

    Returns:
        ``RawTask(source="prose")`` per directive item, with lead/co/deadline as printed.
    """
    settings = DirectiveSettings.resolve(settings)
    if not settings.enabled or upward:
        return []
    paras = _split_assignments(paragraphs(parsed))
    start, end = body_range(paras)
    root = _outline(paras[start:end], standalone_ok=parsed.kind == "docx")
    if start > 0 and root.decl_lead is None and _TASK_LIST_INTRO.search(paras[start - 1].text):
        # the lead-in that opens the list ("Giám đốc Sở Y tế yêu cầu Thủ trưởng … những công việc sau:")
        declared = _declared_actor(paras[start - 1])
        if declared is not None:
            root.decl_lead, root.decl_co = declared
            root.decl_verb = _assigns_by_verb(paras[start - 1].body)
            root.decl_list = True
            root.extras.append(paras[start - 1])  # its period ("Trong tháng 7/2026, …") dates the list
    proposing = _proposing_from(paras, bool(doc_type) and fold(doc_type or "").startswith(_PROPOSING_TYPES))
    method: Method = parsed.pages[0].method if parsed.pages else "text"
    tasks: list[RawTask] = []
    for node in _leaves(root):
        task = _task(
            node, method, len(tasks), node.para is not None and proposing[node.para.index], issuer
        )
        if task is not None:
            tasks.append(task)
    return tasks


# An opening that introduces a list of tasks ("… triển khai ngay những công việc sau:"), not a report's
# "Sở Nội vụ báo cáo … như sau:": only such a lead-in gives the list its actor.
_TASK_LIST_INTRO = re.compile(
    r"(?:nội dung|nhiệm vụ|công việc|việc)(?:\s+\S+){0,4}\s+sau(?:\s+đây)?\s*:\s*$", re.IGNORECASE
)
# Reports and submissions propose tasks to the body above the issuer; they do not assign them.
_PROPOSING_TYPES = ("báo cáo", "tờ trình")
# The verbs by which a superior assigns: a proposing document uses them for what it asks to be assigned.
_ASSIGNING_VERB = re.compile(r"(?:^|[\s(,;:])(?:[Gg]iao|[Yy]êu cầu|[Đđ]ề nghị|[Mm]ời)\s")


# "Số: /KH-UBND", "Số: 91/TTr-CAT-PC04": the symbol after the slash names the document's type.
_NUMBER_SYMBOL = re.compile(r"^Số\s*:?[^/]{0,12}/\s*(?P<symbol>[A-ZĐa-z]{2,4})\b")
_PROPOSING_SYMBOLS = ("BC", "TTr", "TTR")


def _proposing_from(paras: list[Paragraph], first: bool) -> list[bool]:
    """Per paragraph: does it belong to a proposing document (a report, a submission)?

    One file can hold two documents: a submission (Tờ trình) and the draft plan it submits. Each "Số: …/KH-"
    line starts a document, whose symbol says whether it proposes or assigns; before any (or where OCR
    garbled the symbol) the document type from the metadata decides.
    """
    out: list[bool] = []
    current = first
    for p in paras:
        m = _NUMBER_SYMBOL.match(p.text)
        if m:
            current = m.group("symbol") in _PROPOSING_SYMBOLS
        out.append(current)
    return out


def _assigns_by_verb(text: str) -> bool:
    return bool(_ASSIGNING_VERB.search(text[:300]))


def _declared_actor(p: Paragraph) -> tuple[str, str | None] | None:
    """Who a lead-in paragraph gives the list below it to, with any co-agencies it names."""
    body = p.body
    # the actor may be the subject of the lead-in's last sentence, after an adverbial ("Ngoài các nhiệm
    # vụ thường xuyên …. Trong tháng 11-2017, Sở Y tế tập trung chỉ đạo thực hiện một số nhiệm vụ sau:")
    last = _SENTENCE_END.split(body)[-1]
    clause = _without_adverbial(last)
    lead = (
        ag.giao_lead(body)
        or ag.ask_lead(body)
        or ag.giao_inside(body)
        or ag.ask_inside(body)
        or ag.subject_lead(body)
        or ag.subject_lead(clause)
    )
    return (lead, ag.co_agencies(body)) if lead else None


_SENTENCE_END = re.compile(r"(?<=[.;])\s+(?=[A-ZĐÀ-Ỹ])")
# a leading adverbial of time or purpose closed by a comma ("Trong tháng 11-2017, ", "Để …, ")
_ADVERBIAL = re.compile(
    r"^(?:(?:Trong|Từ|Đến|Để|Nhằm|Sau khi|Trước|Trên cơ sở|Căn cứ|Theo đó|Đồng thời|Ngoài ra|Bên cạnh đó)"
    r"\b[^,]{0,120},\s*|Riêng\s+)"
)
# openers of a noun phrase ("Trong quá trình thực hiện"); "Sau khi", "Để" open a clause with its own
# subject ("Sau khi Chủ tịch UBND tỉnh ban hành …, Văn phòng UBND tỉnh …"), so only a comma ends them
_OPENER = re.compile(r"^(?:Trong|Từ|Đến|Trước|Trên cơ sở)\s")


def _without_adverbial(text: str) -> str:
    """The clause after a leading adverbial: unpunctuated but ended by a capitalised body ("Trong quá
    trình thực hiện Thủ trưởng các địa phương chủ động phối hợp với Sở X, Sở Y …": the adverbial's own
    words are all lower case, the body's head is not; the first comma lies inside the list of bodies),
    else closed by a comma ("Trong tháng 11-2017, Sở Y tế …")."""
    if _OPENER.match(text):
        words = text.split(" ")
        for n, word in enumerate(words[1:13], start=1):
            if word[:1].isupper():
                rest = " ".join(words[n:])
                if ag.looks_like_agency(rest):
                    return rest
                break
            if not word[:1].islower() or word.endswith(","):
                break
    return _ADVERBIAL.sub("", text)


# "… triển khai thực hiện nghiêm túc Chỉ thị này. Giao cho Cục X theo dõi, đôn đốc …": a sentence that
# opens with the verb of assignment starts an assignment of its own, whatever paragraph it was printed in.
# "Riêng UBND phường X cử …" singles out one body from the group the sentence before addressed.
_ASSIGNMENT_SENTENCE = re.compile(r"(?<=[.;])\s+(?=(?:Giao\s+(?:cho\s+)?|Riêng\s+)[A-ZĐÀ-Ỹ])")


def _split_assignments(paras: list[Paragraph]) -> list[Paragraph]:
    out: list[Paragraph] = []
    for p in paras:
        pieces = _ASSIGNMENT_SENTENCE.split(p.text) if p.kind == "none" else [p.text]
        for k, piece in enumerate(pieces):
            if k == 0 and len(pieces) == 1:
                out.append(replace(p, index=len(out)))
            elif k == 0:
                out.append(replace(p, text=piece, body=piece, index=len(out)))
            else:
                out.append(replace(p, text=piece, body=piece, kind="none", label=None, index=len(out)))
    return out


def body_range(paras: list[Paragraph]) -> tuple[int, int]:
    """Indexes [start, end) of the paragraphs that may hold directives.

    Starts after the opening "… như sau:" (or at the first numbered heading when there is none), ends at
    the closing ("Nơi nhận", "Nhận được Công văn này", "Trên đây là …").
    """
    first_part = next((p.index for p in paras if p.kind == "roman"), len(paras))
    # an opening comes before the body's parts: "Cách chấm điểm như sau:" inside "III. Tiêu chuẩn …"
    # introduces a list of its own part
    start = next((p.index + 1 for p in paras[:first_part] if _OPENING.search(p.text)), None)
    if start is None:
        start = next((p.index for p in paras if p.kind in ("roman", "num")), None)
    if start is None:  # a short text with neither: it starts at its first "Giao …"/"Yêu cầu …" sentence
        start = next((p.index for p in paras if _is_declaration(p) or _is_standalone(p)), len(paras))
    end = next((p.index for p in paras[start:] if _is_closing(p.text)), len(paras))
    return start, end


def _is_closing(text: str) -> bool:
    """The closing of the body: "Nơi nhận" and friends, also as OCR misreads them ("Nởơi nhận:")."""
    return bool(_CLOSING.match(text) or _CLOSING_SKELETON.match(strip_diacritics(fold(text[:20]))))


# "noi nhan" with one or two letters misread around the o ("Nởơi nhận", "Nơï nhận"), after a speck the
# OCR read as a letter or two ("Ỳ Nơi nhận:")
_CLOSING_SKELETON = re.compile(r"^(?:\w{1,2}\s)?\W{0,2}n\w{1,3}\s?nhan\s*:")


def _kind_key(p: Paragraph) -> str:
    if p.kind == "num" and p.label:
        return f"num{p.label.count('.') + 1}"
    if p.kind in ("glyph", "dash") and p.label:
        return f"{p.kind}{p.label}"  # each bullet glyph is one level of the list, "+" the one below "-"
    return p.kind


def _bullet(kind: str) -> bool:
    """A dash or a symbol-font bullet: an unnumbered list item."""
    return kind.startswith(("dash", "glyph"))


def _field(p: Paragraph) -> tuple[str, str] | None:
    """A labelled field line ("- Đơn vị chủ trì thực hiện: Sở Tư pháp.", also printed without the dash)."""
    if not (_bullet(p.kind) or p.kind == "none"):
        return None
    m = _FIELD.match(p.body)
    if not m:
        return None
    name = fold(m.group("name"))
    value = m.group("value").strip().rstrip(".;").strip()
    if name.startswith("thời"):
        return "deadline", value
    if name.startswith(("kết quả", "sản phẩm")):
        return "output", value
    if "phối hợp" in name:
        return "co", value
    if name.startswith(("thành phần", "địa điểm", "hình thức", "kinh phí")):
        return "detail", value  # who attends, where, how, paid from: about the item, not its actor
    return "lead", value


def _is_declaration(p: Paragraph) -> tuple[str, str | None] | None:
    """An unnumbered paragraph that names who does the items below it ("Giao Sở Nội vụ:")."""
    if not p.text.rstrip().endswith(":"):
        return None
    return _declared_actor(p)


# An unnumbered paragraph that opens with the verb of assignment is a directive of its own in any reader.
_OPENS_DIRECTIVE = re.compile(r"^(?:Giao|Yêu cầu|Đề nghị)\s")


def _is_standalone(p: Paragraph) -> bool:
    """An unnumbered directive paragraph on its own: "Yêu cầu các sở, ban, ngành … trước 11h00’ …",
    "Trên cơ sở đó, Bộ Tư pháp tổng hợp, hoàn thiện …" (a body as the subject of its first clause)."""
    if p.text.rstrip().endswith(":"):
        return False
    return bool(
        ag.giao_lead(p.body)
        or ag.ask_lead(p.body)
        or ag.giao_inside(p.body)
        or (p.body[:1].isupper() and ag.subject_lead(_without_adverbial(p.body)))
    )


def _outline(paras: list[Paragraph], standalone_ok: bool) -> _Node:
    root = _Node(para=None, kind="root")
    section = root  # current roman section (or root)
    stack: list[_Node] = []
    for p in paras:
        if _is_noise(p):
            continue
        if p.kind == "none" and is_header_line(p.text):
            # a letterhead, a title, "Số: …", "Kính gửi: …": another document or block starts; no item
            # above runs on into it
            stack = []
            section.extras.append(p)
            continue
        top = stack[-1] if stack else section
        found = _field(p)
        if found is not None:
            name, value = found
            top.fields.setdefault(name, value)
            top.field_paras.append(p)
            continue
        if p.kind == "roman" and p.label == "I" and section.label not in (None, "I"):
            # "I. Các Sở, ban, ngành:" under "V. TỔ CHỨC THỰC HIỆN": OCR's reading of "1.", not a new part
            p = replace(p, kind="num", label="1")
        if p.kind == "roman":
            section = _Node(para=p, kind="roman", parent=root)
            section.skip = fold(p.body).startswith(_SKIP_SECTIONS)
            root.children.append(section)
            stack = []
            continue
        if p.kind != "none":
            key = _kind_key(p)
            keys = [n.kind for n in stack]
            if key in keys:
                stack = stack[: keys.index(key)]
            parent = stack[-1] if stack else section
            node = _Node(para=p, kind=key, parent=parent)
            _take_lead_in(node, parent.children)
            parent.children.append(node)
            stack.append(node)
            continue
        declaration = _is_declaration(p)
        if declaration is not None and not top.children:
            top.decl_lead, top.decl_co = declaration
            top.decl_verb = _assigns_by_verb(p.body)
            top.decl_list = bool(_TASK_LIST_INTRO.search(p.text))
            top.extras.append(p)
            continue
        if (
            top is not section
            and ag.heading_lead(top.body)
            and all(c.kind == "under_heading" for c in top.children)
        ):
            # "1. Phòng Giáo dục Phổ thông" / "Chủ trì, phối hợp …" / "Báo cáo …": under an agency heading
            # each paragraph is one task of that agency; a line that goes on in lower case continues the
            # paragraph before it (OCR and PDF lines the layout could not join).
            if top.children and (starts_lower(p.body) or len(p.body.split()) < 4):
                top.children[-1].extras.append(p)
                continue
            node = _Node(para=p, kind="under_heading", parent=top)
            top.children.append(node)
            continue
        if (
            standalone_ok
            or p.bold
            or _OPENS_DIRECTIVE.match(p.body)
            or (ag.giao_inside(p.body) and p.body[:1].isupper() and not stack)
        ) and _is_standalone(p):
            node = _Node(para=p, kind="standalone", parent=section, standalone=True)
            section.children.append(node)
            stack = []
            continue
        follows = section.children[-1] if section.children and not stack else None
        if (
            standalone_ok
            and follows is not None
            and follows.standalone
            and p.body[:1].isupper()
            and not p.text.rstrip().endswith(":")
            and _own_lead(follows.body)
        ):
            # Word: "Sở Nội vụ chủ trì, phối hợp với … thường xuyên …" then "Tăng cường duy trì, nâng cấp …":
            # a paragraph of its own with no actor goes on with the actor of the task paragraph before it
            node = _Node(para=p, kind="standalone", parent=section, standalone=True)
            node.decl_lead = _own_lead(follows.body)
            section.children.append(node)
            continue
        if top is not section and _names_own_actor(p):
            # "b) … đối với các xã, phường:" / "Nội dung …" / "Báo và Phát thanh, Truyền hình tỉnh chủ trì …":
            # a paragraph with a body of its own as subject is a task, not a continuation. Under a heading
            # (":" or no actor of its own) it is the heading's item; after a task it is the next one.
            heading = top.body.rstrip().endswith(":") or not _own_lead(top.body)
            parent = top if heading else (top.parent or section)
            node = _Node(para=p, kind="under_heading" if heading else "standalone", parent=parent)
            node.standalone = not heading
            parent.children.append(node)
            continue
        top.extras.append(p)
    return root


def _rule_heading(body: str) -> bool:
    """A short title over items, not a sentence, that opens rules or requirements ("Quy định chung"); "Yêu
    cầu các sở, ngành …" asks a body and "- Quy định rõ …" without items below is a task."""
    title = body.rstrip(" :")
    return (
        len(title.split()) <= _TITLE_MAX_WORDS
        and not title.endswith((".", ";"))
        and fold(title).startswith(_RULE_HEADINGS)
        and ag.ask_lead(title) is None
    )


def _take_lead_in(node: _Node, siblings: list[_Node]) -> None:
    """Marked items right after an unmarked paragraph of a heading that ends with a colon are that
    paragraph's list: "4. Đối với UBND cấp xã, các trường" / "Đề nghị UBND cấp xã …" / "Riêng UBND phường
    X cử … và chỉ đạo …:" / "- Cử …" / "- Chỉ đạo …": the bullets are the phường's, not the heading's.
    The paragraph stays a task of its own (it may act before its colon); its actor is the items' own."""
    i = len(siblings)
    while i and siblings[i - 1].kind == node.kind:
        i -= 1  # the items of this list printed so far
    lead_in = siblings[i - 1] if i else None
    if lead_in is None or lead_in.kind != "under_heading" or not lead_in.body.rstrip().endswith(":"):
        return
    declared = _declared_actor(lead_in.para) if lead_in.para else None
    if declared is not None:
        node.decl_lead, node.decl_co = declared
        node.decl_verb = _assigns_by_verb(lead_in.body)


def _under_task_list(node: _Node) -> bool:
    chain = [node, *_ancestors(node)]
    root = _root(node)
    return any(n.decl_list for n in chain) or root.decl_list


def _sibling_subject(node: _Node) -> str | None:
    """The subject named by the first of a run of bullets, for the subjectless bullets after it.

    Lists often name their actor once: "- Trường THPT Cao Lãnh 2 xây dựng kế hoạch …", "- Tham mưu với
    lãnh đạo nhà trường …", "- Phối hợp với giáo viên …". Only used where nothing above names anyone.
    """
    if node.parent is None:
        return None
    siblings = node.parent.children
    if _bullet(node.kind) or node.kind == "letter":
        for sibling in reversed(siblings[: siblings.index(node)]):
            if sibling.kind != node.kind:
                break
            if _ALLOCATION.match(sibling.body):
                continue  # "- Bệnh viện tỉnh: 04 cán bộ;" allots a quantity; its body acts in nothing after it
            lead = ag.subject_lead(sibling.body)
            if lead:
                return lead
        return None
    if not node.kind.startswith("num") or ag.looks_like_agency(node.body):
        return None  # an item that opens with a body names its own actor, even one we cannot delimit
    # numbered items of one section whose actor is written once: "3. Các đơn vị, địa phương tham mưu …"
    # among "1. Thực hiện …", "2. Tham mưu …": the one subject the section's items name is theirs
    # (a sibling that opens with a body we cannot delimit names someone else: no single subject then)
    named = {
        ag.subject_lead(s.body) or ""  # "": a body we cannot delimit
        for s in siblings
        if s is not node and s.kind == node.kind and ag.looks_like_agency(s.body)
    }
    return (named.pop() or None) if len(named) == 1 else None


# "Các Bộ:", "các Sở, ngành:" before a list of names: the head is factored out of the names that follow
_FACTORED_HEAD = re.compile(r"^(?i:các)\s+\S+(?:,\s*\S+)?$")


def _is_noise(p: Paragraph) -> bool:
    """An OCR smear read as a line ("_mexe..mras. TxTmTm.w.=.=."): few letters, no run of real words."""
    chars = [c for c in p.body if not c.isspace()]
    word_chars = sum(c.isalnum() for c in chars)
    return len(chars) >= 6 and word_chars / len(chars) < 0.75 and not _DATE_ONLY.search(p.body)


_DATE_ONLY = re.compile(r"\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{2,4}")


def _own_lead(body: str) -> str | None:
    return ag.giao_lead(body) or ag.ask_lead(body) or ag.subject_lead(body) or ag.giao_inside(body)


def _names_own_actor(p: Paragraph) -> bool:
    """An unmarked paragraph that opens a new sentence with a body as its subject ("Trên cơ sở đó, Bộ Tư
    pháp tổng hợp …", "Sở Nội vụ chủ trì, phối hợp …")."""
    if not p.body[:1].isupper() or p.text.rstrip().endswith(":"):
        return False
    m = _AGENCY_COLON.match(p.body)  # "Các trường THPT tại Phụ lục I: Chuẩn bị đầy đủ báo cáo …"
    if m and ag.heading_lead(m.group("agency") + ":"):
        return True
    return bool(ag.subject_lead(_without_adverbial(p.body)) or ag.giao_lead(p.body))


def _leaves(node: _Node) -> list[_Node]:
    """Leaf items in document order, skipping explanatory sections.

    In a section that states responsibilities in field lines ("- Cơ quan chủ trì: …"), only items with
    their own field lines are tasks: the others there restate or point elsewhere (plan 15/KH-BCĐ III.1
    a) repeats Annex I task 3, b) points to Annexes I–III).
    """
    out: list[_Node] = []
    for child in node.children:
        if child.skip or (child.kind != "roman" and child.children and _rule_heading(child.body)):
            continue
        if _contents(child):
            # "- Gửi … các tài liệu sau:" / "+ Biên bản họp …" / "+ Dự toán …": the item lists its contents
            child.extras.extend(c.para for c in child.children if c.para)
            out.append(child)
        elif child.children and not all(_ALLOCATION.match(c.body) for c in child.children):
            leaves = _leaves(child)
            if child.kind == "roman" and any(leaf.fields.get("lead") for leaf in leaves):
                leaves = [leaf for leaf in leaves if leaf.fields.get("lead")]
            out.extend(leaves)
        elif child.kind not in ("roman", "root"):
            out.append(child)
    return out


def _contents(node: _Node) -> bool:
    """A bullet whose sub-bullets ("+") list what it comprises: the item acts ("- Xây dựng kế hoạch …
    gồm:"); one that only names a body or gives it the list ("- Sở Y tế:", "- Giao Sở X:") heads that
    body's tasks."""
    body = node.body
    return (
        _bullet(node.kind)
        and bool(node.children)
        and all(c.kind == "dash+" for c in node.children)
        and not (ag.heading_lead(body) or ag.giao_lead(body) or ag.ask_lead(body))
    )


def _root(node: _Node) -> _Node:
    while node.parent is not None:
        node = node.parent
    return node


def _ancestors(node: _Node) -> list[_Node]:
    out = []
    parent = node.parent
    while parent is not None and parent.kind != "root":
        out.append(parent)
        parent = parent.parent
    return out


def _inherited(node: _Node) -> tuple[str | None, str | None, bool]:
    """Lead and co of the nearest ancestor that names a responsible body (or of an unnumbered
    "Giao Sở X chủ trì:" at the top of a short text that has no numbered items), and whether an
    assigning verb named it ("Giao X:", "yêu cầu X …:") rather than a heading or a subject."""
    root = _root(node)
    for anc in _ancestors(node):
        if anc.decl_lead:
            return anc.decl_lead, anc.decl_co, anc.decl_verb
        body = anc.body
        lead = ag.giao_lead(body) or ag.ask_lead(body)
        if lead:
            return lead, ag.co_agencies(body), True
        lead = ag.heading_lead(body)
        if lead:
            return lead, None, False
        if body.rstrip().endswith(":") or anc.children:
            # a lead-in by punctuation ("6. UBND các huyện … chịu trách nhiệm:") or by structure (the
            # items below it elaborate it: "3.9. Chủ tịch UBND địa bàn cấp xã chỉ đạo" + dashes)
            lead = ag.subject_lead(body)
            if lead:
                return lead, ag.co_agencies(body), False
            lead = ag.giao_inside(body) or ag.ask_inside(body)
            if lead:
                return lead, ag.co_agencies(body), True
    if root.decl_lead:
        return root.decl_lead, root.decl_co, root.decl_verb
    return None, None, False


# "I. NHỮNG VIỆC CẦN LÀM NGAY TRONG THÁNG 12/2025", "Phần II … THÁNG 11-2017": a heading's month
_HEADING_PERIOD = re.compile(r"(?:trong\s+)?tháng\s+\d{1,2}\s*[/-]\s*\d{4}", re.IGNORECASE)


def _heading_period(node: _Node) -> str | None:
    """The month a heading (or its lead-in) above the item sets for everything under it, as printed."""
    root = _root(node)
    for anc in [*_ancestors(node), root]:
        for text in [anc.body, *(p.text for p in anc.extras)]:
            m = _HEADING_PERIOD.search(text)
            if m and not _is_cited(text, m.start()):
                return m.group(0)
    return None


def _is_cited(text: str, start: int) -> bool:
    """A month inside a cited document's date ("Kế hoạch số 51/KH-UBND ngày …") is not a period."""
    return bool(re.search(r"(?:số|ngày)\s+\S*\s*$", text[max(0, start - 25) : start], re.IGNORECASE))


def _section(node: _Node) -> tuple[str | None, str | None]:
    """Section path ("III.2", "2") and the title of the nearest numbered/roman heading above the item."""
    chain = [a for a in reversed(_ancestors(node)) if a.kind == "roman" or a.kind.startswith("num")]
    if node.kind.startswith("num"):
        chain.append(node)
    labels = [a.label for a in chain if a.label]
    section = ".".join(labels) or None
    heads = [a for a in chain if a is not node] or chain  # a numbered item without sub-items titles itself
    title = clean_cell(heads[-1].body).rstrip(" :") if heads else None
    return section, title


def _stt(node: _Node) -> str | None:
    """ "2.4" for the 4th dash of item 2, "4.1" for item 4 that has no dashes, "a", "(1)" as printed."""
    if _bullet(node.kind) and node.parent is not None:
        dashes = [c for c in node.parent.children if c.kind == node.kind]
        index = str(dashes.index(node) + 1)
        nums = [a for a in _ancestors(node) if a.kind.startswith("num") or a.kind == "roman"]
        return f"{nums[0].label}.{index}" if nums else index
    if node.kind.startswith("num"):
        return f"{node.label}.1"
    if node.kind == "under_heading" and node.parent is not None:
        return node.parent.label
    if node.kind == "paren":
        return f"({node.label})"
    return node.label


def _split_lead_field(value: str) -> tuple[str, str | None]:
    """'Văn phòng UBND tỉnh chủ trì, phối hợp với Sở …' -> ('Văn phòng UBND tỉnh', 'Sở …')."""
    m = _LEAD_CO_SPLIT.match(value)
    if not m:
        return value, None
    co = m.group("co")
    return m.group("lead").strip(" ,"), co.strip(" ,.;") if co else None


# "- Tỉnh Lào Cai: 1.000.000 viên …": a quantity allotted to a body, not a task given to it.
# "- Bệnh viện tỉnh: 04 cán bộ.", "- Các trung tâm: mỗi đơn vị cử 02 cán bộ." ("§" is an 8 as OCR reads it)
_ALLOCATION = re.compile(r"^[^:]{3,80}:\s*(?:mỗi\s+\S+(?:\s+\S+)?\s+(?:cử\s+)?)?[\d§][\d.,]*(?:\s|[.;,]|$)")


# "Đề nghị các Sở … nghiêm túc triển khai thực hiện nội dung trên …", "… theo đúng tiến độ và nội dung của kế
# hoạch": a paragraph of its own asking for the document itself to be carried out closes it; it adds no task.
_RESTATES = re.compile(
    r"(?:thực hiện|triển khai)\s+(?:\S+\s+){0,6}?(?:(?:các\s+)?nội dung\s+(?:nêu\s+)?trên"
    r"|nội dung của (?:k[ếê] hoạch|công văn|thông báo|chỉ thị)(?!\s+(?:số|\d)))",
    re.IGNORECASE,
)
# "- Lưu ý: số lượng … không quá 20%", "Ghi chú: …": a note on the item before it, not a task.
_NOTE = re.compile(r"^(?:Lưu ý|Chú ý|Ghi chú)\s*:")


def _task(
    node: _Node, method: Method, order: int, proposing: bool = False, issuer: str | None = None
) -> RawTask | None:
    body = node.body
    if _ALLOCATION.match(body) or _NOTE.match(body) or (node.standalone and _RESTATES.search(body)):
        return None
    extras = " ".join(p.text for p in node.extras)
    text = clean_cell(f"{body} {extras}")
    lead: str | None = None
    co: str | None = None
    by_verb = False
    raw_cells: dict[str, str] = {}

    enumerated = ag.enumerated_leads(text)
    if enumerated:
        lead = enumerated
    elif "lead" in node.fields:
        raw_cells["lead"] = node.fields["lead"]
        lead, co = _split_lead_field(node.fields["lead"])
    else:
        lead = ag.giao_lead(body) or ag.ask_lead(body)
        by_verb = lead is not None
        subject = ag.subject_lead(body) or ag.subject_lead(_without_adverbial(body))
        if lead is None and not _bullet(node.kind):
            m = _AGENCY_COLON.match(body)
            # "Sở KH&ĐT, Sở Tài chính: Trên cơ sở …" names the actor before the colon; "Các Bộ: Công
            # Thương, Tài chính nghiên cứu …" factors the head over a list that runs past the colon.
            factored = bool(_FACTORED_HEAD.match(m.group("agency"))) if m else False
            after = ag.subject_lead(m.group("rest")) if m else None
            if after:  # "Thanh tra khoa học và công nghệ: UBND các huyện … làm đầu mối": a topic, then the actor
                lead = after
            elif m and ag.heading_lead(m.group("agency") + ":") and not (factored and subject):
                # the item is printed whole ("Sở X (Cơ quan thường trực): Phối hợp …"): its text too
                lead = ag.heading_lead(m.group("agency") + ":")
        if lead is None:
            lead = subject
        if lead is None and extras:
            heading = ag.heading_lead(body)
            if heading:
                lead, text = heading, clean_cell(extras)
        if lead is None:
            lead = ag.trailing_actor(text)
        if lead is None and node.decl_lead:
            lead, by_verb = node.decl_lead, node.decl_verb
    inherited_lead, inherited_co, inherited_by_verb = _inherited(node)
    if lead is None and inherited_lead is not None:
        # "Khi có kết quả …, giao Sở Nội vụ chủ trì …" under a heading of many bodies: a named body given
        # the lead in the item's own sentence is its actor (a lower-case "giao cơ quan chủ trì …" under
        # "Giao Sở X:" only describes, and stays the heading's)
        named = ag.giao_inside(body)
        if named and named[:1].isupper() and re.search(rf"{re.escape(named)}\s+chủ trì\b", body):
            lead, by_verb = named, True
    if lead is None:
        lead, by_verb = inherited_lead, inherited_by_verb
    if lead is None:
        lead = _sibling_subject(node)  # "- Trường X xây dựng …" / "- Tham mưu …" / "- Phối hợp …"
    if lead is None and "deadline" in node.fields and issuer:
        lead = issuer  # a step with its own timing field and no actor: the issuer's own step
    if lead is None:
        # an assignment inside the sentence ("…, Chủ tịch UBND tỉnh giao Sở X chủ trì …") names the lead
        # only where nothing above does: under "Giao Sở X:" a bullet's "giao cơ quan chủ trì …" describes.
        lead = ag.giao_inside(body) or ag.ask_inside(body)
        by_verb = lead is not None
        if lead is not None and node.standalone:
            text = clean_cell(f"{ag.assignment_clause(body)} {extras}")
    if lead is None or _ISSUER_LEADERS.match(lead):
        return None
    if proposing and (by_verb or not _under_task_list(node)):
        # a report or submission narrates and proposes; what its issuer commits to is introduced as a
        # list ("Sở Y tế tập trung chỉ đạo thực hiện một số nhiệm vụ sau:")
        return None
    if "co" in node.fields:
        raw_cells["co"] = node.fields["co"]
        co = node.fields["co"]
    if co is None and not enumerated:
        co = ag.co_agencies(text)
    if co is None:
        co = node.decl_co or (inherited_co if "lead" not in node.fields and not node.standalone else None)
    deadline = node.fields.get("deadline") or find_deadline_raw(text) or _heading_period(node)
    if "deadline" in node.fields:
        raw_cells["deadline"] = node.fields["deadline"]
    if "output" in node.fields:
        raw_cells["output"] = node.fields["output"]
    section, title = _section(node)
    pages = sorted({pg for p in [node.para, *node.extras, *node.field_paras] if p for pg in p.pages})
    return RawTask(
        source="prose",
        annex=None,
        section=section,
        section_title=title,
        stt=None if node.standalone else _stt(node),
        text=text,
        lead_raw=lead,
        co_raw=co,
        output_raw=node.fields.get("output"),
        deadline_raw=deadline,
        pages=pages,
        method=method,
        raw_cells=raw_cells,
        order=order,
        parser_version=VERSION,
    )
