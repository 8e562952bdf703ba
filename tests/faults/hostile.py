"""Hostile and broken documents, built in memory from their bytes (nothing is downloaded or stored).

Each builder returns the bytes of one file that an attacker or an unlucky office could drop into the
inbox. ``HOSTILE`` lists them with a file name and a word the failure reason must contain; the fault
suite (``tests/faults/``) drops them among good files.
"""

from __future__ import annotations

import io
import random
import struct
import subprocess
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


def pdf_from_objects(objects: list[bytes], *, root: int = 1, xref: bool = True) -> bytes:
    """A PDF whose objects 1..n are ``objects``, with a correct cross-reference table (unless ``xref``
    is False: then the table points at the wrong offsets)."""
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    start = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % (offset + (0 if xref else 7919))
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, start)
    return out


def recursive_pdf() -> bytes:
    """About 500 bytes: the page's MediaBox is object 5, which is a reference to 6, which refers to 5.

    pdfminer's ``resolve1`` follows references until it reaches a value: it never does (100% CPU).
    """
    return pdf_from_objects(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox 5 0 R /Contents 4 0 R /Resources << >> >>",
            b"<< /Length 0 >>\nstream\n\nendstream",
            b"6 0 R",
            b"5 0 R",
        ]
    )


def blank_pages_pdf(pages: int, *, size: tuple[float, float] = (595, 842)) -> bytes:
    """``pages`` empty pages (no text layer, nothing drawn): each one would be sent to OCR."""
    kids = b" ".join(b"%d 0 R" % (4 + i) for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
        b"<< /Length 0 >>\nstream\n\nendstream",
    ]
    box = b"[0 0 %g %g]" % size
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox " + box + b" /Contents 3 0 R /Resources << >> >>"] * pages
    return pdf_from_objects(objects)


def huge_page_pdf(inches: float = 200) -> bytes:
    """One page ``inches`` wide and high (PDF allows 200 in) with a line drawn on it and no text layer."""
    side = inches * 72
    content = b"q 10 w 0 0 m %g %g l S Q" % (side, side)
    return pdf_from_objects(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %g %g] /Contents 4 0 R /Resources << >> >>"
            % (side, side),
            b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        ]
    )


def broken_xref_pdf(good: bytes) -> bytes:
    """A real PDF whose ``startxref`` points into the middle of nowhere, and whose objects are cut."""
    head = good[: len(good) // 2]
    return head + b"\nxref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 1 >>\nstartxref\n99999999\n%%EOF\n"


def encrypted_pdf(good: bytes) -> bytes:
    """``good`` encrypted with a user password (qpdf, which ``make install`` installs)."""
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "in.pdf", Path(tmp) / "out.pdf"
        src.write_bytes(good)
        subprocess.run(
            ["qpdf", "--encrypt", "mật-khẩu", "owner", "256", "--", str(src), str(dst)],
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip
        return dst.read_bytes()


def deflate_bomb(mb: int) -> bytes:
    """A zlib stream that inflates to ``mb`` MB of spaces, built in a second: after a full flush no
    deflate block refers back, so every further megabyte compresses to the same bytes."""
    chunk = b" " * (1024 * 1024)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = comp.compress(chunk) + comp.flush(zlib.Z_FULL_FLUSH)
    again = comp.compress(chunk) + comp.flush(zlib.Z_FULL_FLUSH)
    tail = comp.flush()
    adler = 1
    for _ in range(mb):
        adler = zlib.adler32(chunk, adler)
    return b"\x78\xda" + first + again * (mb - 1) + tail + struct.pack(">I", adler)


def flate_bomb_pdf(mb: int = 3000) -> bytes:
    """A one-page PDF of about ``mb`` / 1000 MB whose content stream inflates to ``mb`` MB."""
    stream = deflate_bomb(mb)
    return pdf_from_objects(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        ]
    )


def random_bytes(n: int = 64 * 1024, seed: int = 14) -> bytes:
    return random.Random(seed).randbytes(n)


# -- Word ---------------------------------------------------------------------------------------------
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml"'
    ' ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="word/document.xml"/></Relationships>'
)
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx_with(document_xml: bytes | str, *, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal .docx (zip) whose word/document.xml is ``document_xml``."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("word/document.xml", document_xml)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buf.getvalue()


def zip_bomb_docx(unpacked_mb: int = 1024) -> bytes:
    """A .docx of a few MB whose document.xml unpacks to ``unpacked_mb`` MB (spaces inside a paragraph)."""
    head = f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>'
    tail = "</w:t></w:r></w:p></w:body></w:document>"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            f.write(head.encode())
            chunk = b" " * (1024 * 1024)
            for _ in range(unpacked_mb):
                f.write(chunk)
            f.write(tail.encode())
    return buf.getvalue()


def many_paragraphs_docx(n: int = 2_000_000) -> bytes:
    """A small .docx of ``n`` empty paragraphs (python-docx builds an object per paragraph)."""
    body = "<w:p/>" * n
    return docx_with(f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>')


def billion_laughs_docx() -> bytes:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    )
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE w:document [{entities}]>'
        f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>'
    )
    return docx_with(xml)


def external_entity_docx(secret_path: str = "/etc/passwd") -> bytes:
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file://{secret_path}">]>'
        f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>Giao Sở Tài chính chủ trì: &xxe;</w:t></w:r>'
        "</w:p></w:body></w:document>"
    )
    return docx_with(xml)


# -- images -------------------------------------------------------------------------------------------
def png_bomb(side: int = 50_000) -> bytes:
    """A PNG of ``side`` × ``side`` white pixels (2.5 G pixels for 50,000): a few MB, gigabytes decoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    row = b"\x00" + b"\xff" * ((side + 7) // 8)  # 1-bit grayscale, filter 0
    comp = zlib.compressobj(9)
    parts = [comp.compress(row) for _ in range(side)]
    parts.append(comp.flush())
    ihdr = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", b"".join(parts)) + chunk(b"IEND", b"")


def many_page_tiff(pages: int = 500, side: int = 1700) -> bytes:
    """A multi-page TIFF of ``pages`` blank 1-bit frames (CCITT G4: a few hundred bytes each)."""
    from PIL import Image

    frame = Image.new("1", (side, int(side * 1.414)), 1)
    buf = io.BytesIO()
    frame.save(buf, format="TIFF", save_all=True, append_images=[frame] * (pages - 1), compression="group4",
               dpi=(200, 200))  # fmt: skip
    return buf.getvalue()


@dataclass(frozen=True)
class Hostile:
    name: str | bytes  # the file name it is dropped under (bytes: not UTF-8)
    build: Callable[[bytes], bytes]  # from the bytes of a good PDF
    reason: str  # words its failure reason contains (compared in lower case)


def hostile_files(full: bool = False) -> list[Hostile]:
    """The fast set, each refused within a second (the endless one: within ``--file-timeout``); with
    ``full`` also the big ones (zip bomb, 3 GB PDF stream, PNG bomb, 500-page TIFF, 2,000 blank pages)."""
    out = [
        Hostile("rỗng.pdf", lambda good: b"", "empty"),
        Hostile("ngẫu nhiên.pdf", lambda good: random_bytes(), "not a pdf, word or image"),
        Hostile("cắt cụt.pdf", lambda good: good[: len(good) // 3], "truncated"),
        Hostile("xref hỏng.pdf", broken_xref_pdf, "corrupt"),
        Hostile("mật khẩu.pdf", encrypted_pdf, "encrypted"),
        Hostile("vòng lặp.pdf", lambda good: recursive_pdf(), "took longer than"),
        Hostile("tỷ tiếng cười.docx", lambda good: billion_laughs_docx(), "dtd with entities"),
        Hostile("thực thể ngoài.docx", lambda good: external_entity_docx(), "dtd with entities"),
        Hostile("trang 200 inch.pdf", lambda good: huge_page_pdf(), "200 × 200 inches"),
        Hostile(b"h\xf4ng\nt\xean.pdf", lambda good: random_bytes(seed=15), "not a pdf, word or image"),
    ]
    if full:
        out += [
            Hostile("bom zip.docx", lambda good: zip_bomb_docx(), "unpack to 1,024 mb"),
            Hostile("đoạn văn.docx", lambda good: many_paragraphs_docx(), "paragraphs"),
            Hostile("bom flate.pdf", lambda good: flate_bomb_pdf(), "needs more than"),
            Hostile("bom png.png", lambda good: png_bomb(), "decompression bomb"),
            Hostile("500 trang.tiff", lambda good: many_page_tiff(), "megapixels"),
            Hostile("2000 trang trắng.pdf", lambda good: blank_pages_pdf(2000), "no task table"),
        ]
    return out


# names a good document may arrive under: markup, an option, a line break, Latin-1 bytes, 250 bytes
HOSTILE_NAMES: list[str | bytes] = [
    "[red]đỏ [link=http:evil.example]bấm [bold.pdf",
    "-rf --force.pdf",
    "dòng\nmới\r.pdf",
    b"C\xf4ng v\xe3n.pdf",
    "Kế hoạch triển khai nhiệm vụ năm 2026 ".encode() * 5 + b"x.pdf",
    "%_%.pdf",
]
