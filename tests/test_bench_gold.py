"""The gold set in bench/gold is sound and readable by `eventdesk eval`, and the two benches
split text by the same rule (no spaCy needed)."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from eventdesk.evaluate import read_gold

BENCH = Path(__file__).resolve().parents[1] / "bench"
GOLD = BENCH / "gold" / "eventdesk_gold.json"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_gold_file_is_sound_and_large_enough():
    eval_gold = _load("eval_gold")
    records = json.loads(GOLD.read_text(encoding="utf-8"))
    assert eval_gold.check(records) == []
    assert len(records) >= 320
    registers = {r["register"] for r in records}
    assert registers == set(eval_gold.REGISTERS)
    assert min(sum(r["register"] == g for r in records) for g in registers) >= 0.2 * len(records)


def test_eventdesk_eval_reads_every_gold_record():
    errors = []
    fmt, items = read_gold(GOLD, "plover-gsr", errors.append)
    assert fmt == "plover-gsr" and not errors
    assert len(items) == len(json.loads(GOLD.read_text(encoding="utf-8")))


def test_check_reports_a_wrong_split_and_quad():
    eval_gold = _load("eval_gold")
    rec = json.loads(GOLD.read_text(encoding="utf-8"))[0]
    bad = dict(rec, split="held" if rec["split"] == "tune" else "tune",
               quad=(rec["quad"] + 1) % 5 if rec["quad"] is not None else 0)
    problems = eval_gold.check([bad])
    assert any("split" in p for p in problems) and any("quad" in p or "cameo" in p
                                                          for p in problems)


def test_dev_and_gold_benches_split_alike():
    eval_dev, eval_gold = _load("eval_dev"), _load("eval_gold")
    for text in ("Russia condemned the strike.", "A  B\tC", "Japan protests", "é"):
        assert {"tune": "tune", "validation": "held"}[eval_dev.half_of(text)] == \
            eval_gold.split_of(text)
    # a sentence gets the same half as running text and as one token a line
    assert eval_dev.half_of("Kyiv accuses Moscow .") == eval_dev.half_of("Kyiv\naccuses\nMoscow\n.")
