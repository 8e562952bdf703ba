"""Render the two seed documents as Word-made PDFs and write their expected results.

Run by ``make samples`` (``.venv/bin/python samples/make_samples.py``). Steps, per document:
seed text -> python-docx ``.docx`` -> LibreOffice headless -> ``.pdf`` (creation date pinned) ->
``samples/expected/<name>.tasks.json`` from the seed, the reviewed table
``samples/expected/normalisation.yaml`` and the page numbers found in the rendered PDF.

Seeds are read from ``../shared/seeds`` next to the checkout (override with ``THEODOI_SEEDS``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import _expected  # noqa: E402
import _render_docx  # noqa: E402
import _seed  # noqa: E402

PLAN_SEED = "000_94a45bdc1ad02897.txt"
LETTER_SEED = "002_a6da8a880d7f0315.txt"
PDF_DATE = b"D:20260130080000Z'"


def seeds_dir() -> Path:
    return Path(os.environ.get("THEODOI_SEEDS", HERE.parent.parent / "shared" / "seeds"))


def docx_to_pdf(docx: bytes, name: str) -> bytes:
    """Convert with LibreOffice in a private profile (other users may run soffice at the same time)."""
    soffice = shutil.which("soffice")
    if soffice is None:
        raise SystemExit("make_samples: soffice not found; install libreoffice-writer-nogui and retry.")
    with tempfile.TemporaryDirectory(prefix="theodoi-samples-") as tmp:
        src = Path(tmp) / f"{name}.docx"
        src.write_bytes(docx)
        cmd = [soffice, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--convert-to", "pdf",
               "--outdir", tmp, str(src)]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
        out = Path(tmp) / f"{name}.pdf"
        if proc.returncode != 0 or not out.exists():
            raise SystemExit(f"make_samples: LibreOffice failed on {name}.docx:\n{proc.stdout}\n{proc.stderr}")
        return pin_pdf_dates(out.read_bytes())


def pin_pdf_dates(pdf: bytes) -> bytes:
    """Pin what LibreOffice varies per run: dates, the trailer /ID and /DocChecksum.

    Each value is replaced by one of the same byte length (a fixed date; an MD5 of the rest of the
    file for the ids), so the xref offsets stay valid and the same docx gives the same PDF bytes.
    """
    def fix_date(m: re.Match[bytes]) -> bytes:
        value = m.group(2)
        return m.group(1) + PDF_DATE[: len(value)].ljust(len(value), b"0") + b")"

    pdf = re.sub(rb"(/(?:CreationDate|ModDate)\()([^)]*)\)", fix_date, pdf)
    id_re = re.compile(rb"(/ID \[ ?<)([0-9A-F]{32})(>\s*<)([0-9A-F]{32})(> ?\])|(/DocChecksum /)([0-9A-F]{32})")
    blank = id_re.sub(lambda m: b"0" * len(m.group(0)), pdf)
    digest = hashlib.md5(blank, usedforsecurity=False).hexdigest().upper().encode()

    def fix_id(m: re.Match[bytes]) -> bytes:
        if m.group(1):
            return m.group(1) + digest + m.group(3) + digest + m.group(5)
        return m.group(6) + digest

    return id_re.sub(fix_id, pdf)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["plan", "letter"], help="render one document only")
    parser.add_argument("--out", type=Path, default=HERE, help="output folder (default: samples/)")
    args = parser.parse_args(argv)
    out: Path = args.out
    (out / "expected").mkdir(parents=True, exist_ok=True)
    norm = _expected.load_normalisation(HERE / "expected" / "normalisation.yaml")
    prose = _expected.load_prose(HERE / "expected" / "prose_tasks.yaml")
    seeds = seeds_dir()
    jobs = []
    if args.only in (None, "plan"):
        plan = _seed.read_plan((seeds / PLAN_SEED).read_text(encoding="utf-8"))
        jobs.append(("kh15_plan", _render_docx.render_plan(plan),
                     lambda pdf, plan=plan: _expected.plan_expected(plan, norm, prose, pdf, "kh15_plan.pdf")))
    if args.only in (None, "letter"):
        letter = _seed.read_letter((seeds / LETTER_SEED).read_text(encoding="utf-8"))
        jobs.append(("cv_kgvx_letter", _render_docx.render_letter(letter),
                     lambda pdf, letter=letter: _expected.letter_expected(letter, norm, prose, pdf,
                                                                          "cv_kgvx_letter.pdf")))
    for name, docx, expect in jobs:
        pdf = docx_to_pdf(docx, name)
        (out / f"{name}.docx").write_bytes(docx)
        (out / f"{name}.pdf").write_bytes(pdf)
        result = expect(pdf)
        text = json.dumps(result, ensure_ascii=False, indent=1) + "\n"
        (out / "expected" / f"{name}.tasks.json").write_text(text, encoding="utf-8")
        print(f"{name}: {len(result['tasks'])} tasks, pdf {len(pdf)} bytes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
