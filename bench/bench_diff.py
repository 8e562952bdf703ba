"""Benchmark ``models.diff.diff_tasks`` on two synthetic 500-task documents; target under 1 s.

Document A: the 119 annex tasks of the seed plan, repeated over annexes I, II, … with a distinguishing
phrase per copy ("… (đợt k)") so that texts stay unique, cut to 500 tasks. Document B: A with seeded
random edits of the kinds revisions make: deadlines moved (8 %), lead re-assigned (4 %), reworded
(8 %: words dropped or inserted), 10 tasks removed and 10 added (renumbering the rest of their annex).
Besides the time, the benchmark checks the pairing against the edits it made (every surviving task of
A must pair with its own edited copy in B) and prints the counts.

Run: ``.venv/bin/python bench/bench_diff.py [--n 500] [--repeat 5] [--seed 7]``
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "samples"))

from _seed import ROMAN, plain, read_plan  # noqa: E402

from models.diff import DiffSettings, diff_tasks, fold  # noqa: E402
from models.task import AgencyRef, Deadline, RawTask, Task  # noqa: E402

SEED = ROOT.parent / "shared" / "seeds" / "000_94a45bdc1ad02897.txt"
AGENCIES = [
    "Sở Khoa học và Công nghệ",
    "Sở Tài chính",
    "Sở Nội vụ",
    "Công an tỉnh",
    "Sở Tư pháp",
    "Văn phòng UBND tỉnh",
]
FILLERS = ["kịp thời", "đồng bộ", "hiệu quả", "thực chất", "trên địa bàn tỉnh", "theo quy định"]


def _refs(cell: str) -> list[AgencyRef]:
    return [AgencyRef(name=p.strip(), raw=p.strip()) for p in plain(cell).split(";") if p.strip()]


def document_a(n: int) -> list[Task]:
    plan = read_plan(SEED.read_text(encoding="utf-8"))
    rows = [r for a in plan.annexes for r in a.tasks]
    tasks = []
    for i in range(n):
        r, copy = rows[i % len(rows)], i // len(rows)
        text = plain(r.cells[1]) + (f" (đợt {copy + 1})" if copy else "")
        due = date(2026, 1, 31) + timedelta(days=(i * 7) % 330)
        tasks.append(Task(
            task_id=f"A{i}", doc_id="A", source="table", annex=ROMAN[copy],
            section=r.section, stt=str(i % len(rows) + 1), text=text, lead=_refs(r.cells[2]), co=_refs(r.cells[3]),
            output=plain(r.cells[4]) or None, deadline=Deadline(raw=f"{due:%d/%m/%Y}", kind="date", due=due),
            pages=[1 + i // 6], order=i, raw=RawTask(source="table", text=text, pages=[1]),
        ))  # fmt: skip
    return tasks


def document_b(a: list[Task], rng: random.Random) -> tuple[list[Task], dict[str, str]]:
    """A edited; returns B and the truth: A task id -> the B task id it became."""
    removed = set(rng.sample(range(len(a)), 10))
    b: list[Task] = []
    origin: dict[int, str] = {}  # position in b -> A id
    for i, t in enumerate(a):
        if i in removed:
            continue
        update: dict[str, object] = {}
        roll = rng.random()
        if roll < 0.08:
            due = (t.deadline.due or date(2026, 6, 30)) + timedelta(days=rng.choice([-30, 30, 61, 91]))
            update["deadline"] = Deadline(raw=f"{due:%d/%m/%Y}", kind="date", due=due)
        elif roll < 0.12:
            update["lead"] = [AgencyRef(name=x, raw=x) for x in rng.sample(AGENCIES, 1)]
        elif roll < 0.20:
            words = t.text.split()
            k = rng.randrange(len(words))
            if len(words) > 8 and rng.random() < 0.5:
                words = words[:k] + words[k + 2 :]
            else:
                words = [*words[:k], rng.choice(FILLERS), *words[k:]]
            update["text"] = " ".join(words)
        origin[len(b)] = t.task_id
        b.append(t.model_copy(update=update))
    for k in range(10):
        at = rng.randrange(len(b))
        new = a[at].model_copy(update={"text": f"Nhiệm vụ bổ sung số {k + 1}: xây dựng cơ sở dữ liệu chuyên ngành "
                                               f"về {rng.choice(['y tế', 'giáo dục', 'giao thông', 'đất đai'])} "
                                               f"giai đoạn {2026 + k}-{2030 + k}",
                                       "lead": [AgencyRef(name="Sở Y tế", raw="Sở Y tế")]})  # fmt: skip
        b.insert(at, new)
        origin = {(p + 1 if p >= at else p): v for p, v in origin.items()}
    counters: dict[str, int] = {}
    out = []
    for i, t in enumerate(b):  # renumber each annex 1..n, as a re-typeset document does
        counters[t.annex or ""] = counters.get(t.annex or "", 0) + 1
        out.append(t.model_copy(update={"task_id": f"B{i}", "doc_id": "B", "order": i,
                                        "stt": str(counters[t.annex or ""])}))  # fmt: skip
    return out, {aid: f"B{p}" for p, aid in origin.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    a = document_a(args.n)
    b, truth = document_b(a, random.Random(args.seed))
    times, d = [], None
    for _ in range(args.repeat):
        fold.cache_clear()  # every run starts cold, as a CLI call does
        t0 = time.perf_counter()
        d = diff_tasks(a, b, DiffSettings(), by_key=True)
        times.append(time.perf_counter() - t0)
    assert d is not None
    pairs = {c.a.task_id: c.b.task_id for c in d.changed + d.unchanged}
    right = sum(pairs.get(aid) == bid for aid, bid in truth.items())
    median = statistics.median(times)
    print(f"diff_tasks {len(a)} x {len(b)} tasks: median {median:.3f} s, min {min(times):.3f} s "
          f"over {args.repeat} runs (target < 1 s: {'ok' if median < 1 else 'MISSED'})")  # fmt: skip
    print(f"counts {d.counts}")
    print(f"pairing: {right}/{len(truth)} surviving tasks paired with their own revision; "
          f"{len(d.removed)} removed (10 made), {len(d.added)} added (10 made)")  # fmt: skip
    return 0 if median < 1 and right == len(truth) else 1


if __name__ == "__main__":
    raise SystemExit(main())
