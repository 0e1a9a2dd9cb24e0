"""A mutation fuzzer over the readers, the importers and the query options.

    PYTHONPATH=src python bench/fuzz.py [--rounds N] [--seed S]

Three targets, each run through the real command in this process (``eventdesk.cli.main``,
stdout and stderr captured), on mutations of valid seed inputs built here:

- readers (``eventdesk code``): a .txt, an .html and a JSONL batch of control records, mutated
  by bit flips, truncation, byte insertions (NUL, quotes, braces, newlines, bytes that are not
  UTF-8), re-encoding (UTF-16, Latin-1, cp1252, a BOM, CRLF), a huge line and deep nesting;
- importers (``eventdesk import``): GDELT 1.0 and 2.0, ICEWS, POLECAT, Phoenix and PLOVER files
  made of the test samples' valid rows repeated under new ids, mutated the same ways;
- query options (``events``, ``export``, ``dyad``, ``dyads``, ``balance``, ``signals``...):
  each option given a hostile or mutated value (SQL quotes, control characters, huge and
  negative numbers, dates that are not dates, formulas).

Each run must end without a traceback (no exception out of ``main``, no "Traceback" on
stderr) and with a documented exit code (0, 2 or 3); and every control record the mutation did
not touch must still come out: read by ``code``, stored by ``import`` (a record is "touched"
when its id appears in the bytes the mutation damaged: the mutated line, or from a truncation
or a stray CSV quote to the end). The figures printed are counts of runs, outcomes and any
failure, with its input saved under ``--keep`` for replay.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import shutil
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from eventdesk.cli import main  # noqa: E402

SAMPLES = ROOT / "tests" / "data" / "interop"
DOCUMENTED = {0, 2, 3}

SENTENCES = ["Russia condemned the United States on Monday.",
             "China praised Japan after the talks.",
             "Iran threatened Israel with retaliation.",
             "France met Germany in Berlin on Tuesday.",
             "Ukraine accused Russia of shelling the city."]


def run(*args: object) -> tuple[int | None, str, str, str | None]:
    """The command in this process: (exit code, stdout, stderr, traceback or None)."""
    out, err = io.StringIO(), io.StringIO()
    tb = None
    code: int | None
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:                  # argparse's usage errors
            code = exc.code if isinstance(exc.code, int) else 2
        except BaseException:                      # noqa: BLE001 - what the fuzzer looks for
            code, tb = None, traceback.format_exc()
    return code, out.getvalue(), err.getvalue(), tb


# -- mutations: each gives the new bytes and the original bytes it may have damaged -------------
def _line_span(data: bytes, pos: int) -> tuple[int, int]:
    start = data.rfind(b"\n", 0, pos) + 1
    end = data.find(b"\n", pos)
    return start, len(data) if end < 0 else end + 1


INSERTS = [b"\x00", b'"', b"'", b"\t", b",", b"\n", b"\r", b"{", b"}", b"[", b"\\", b"\xff",
           b"\xc3", b"\xe2\x80", b"=cmd|' /C calc'!A0", b"\x1b[31m", b"\n\n\n", b"9" * 40]


def mutate(data: bytes, rng: random.Random, comma: bool, prose: bool = False
           ) -> tuple[str, bytes, bytes]:
    """(kind, mutated bytes, damaged original bytes). ``comma``: a CSV, where a stray quote
    may join the lines after it into one field. ``prose``: a document that is coded whole (a
    huge line or deep nesting in it stays below the size limit, or far above it: a document
    of a million characters is coded, which takes the coder's time, not the fuzzer's)."""
    kind = rng.choice(["flip", "flip", "truncate", "insert", "insert", "delete", "encoding",
                       "huge line", "nesting", "duplicate line", "swap lines"])
    n = len(data)
    pos = rng.randrange(max(1, n))
    start, end = _line_span(data, pos)
    tail = data[start:]
    if kind == "flip":
        b = bytearray(data)
        for _ in range(rng.randint(1, 3)):
            p = rng.randrange(start, max(start + 1, end))
            if p < n:
                b[p] ^= 1 << rng.randrange(8)
        region = tail if comma else data[start:end]
        return kind, bytes(b), region
    if kind == "truncate":
        return kind, data[:pos], data[start:]
    if kind == "insert":
        ins = rng.choice(INSERTS)
        region = tail if comma or ins in (b'"',) else data[start:end]
        return kind, data[:pos] + ins + data[pos:], region
    if kind == "delete":
        k = rng.randint(1, 64)
        return kind, data[:pos] + data[pos + k:], data[start:_line_span(data, min(n, pos + k))[1]]
    if kind == "encoding":
        text = data.decode("utf-8", "replace")
        enc = rng.choice(["utf-16", "utf-16-le", "latin-1", "cp1252", "bom", "crlf"])
        if enc == "bom":
            return f"{kind} {enc}", b"\xef\xbb\xbf" + data, b""
        if enc == "crlf":
            return f"{kind} {enc}", data.replace(b"\n", b"\r\n"), b""
        return f"{kind} {enc}", text.encode(enc, "replace"), data
    if kind == "huge line":
        big = b"x" * rng.choice([70_000, 5_300_000] if prose else [70_000, 1_100_000, 5_300_000])
        return kind, data[:start] + big + b"\n" + data[start:], b""
    if kind == "nesting":
        d = rng.choice([500, 2_000] if prose else [500, 5_000, 200_000])
        nest = b'{"id": "deep", "text": "x", "n": ' + b"[" * d + b"]" * d + b"}\n"
        return kind, data[:start] + nest + data[start:], b""
    if kind == "duplicate line":
        return kind, data[:end] + data[start:end] + data[end:], b""
    # swap two lines: both are the same records, in another order
    lines = data.split(b"\n")
    if len(lines) > 3:
        i, j = rng.sample(range(1, len(lines) - 1), 2)
        lines[i], lines[j] = lines[j], lines[i]
    return kind, b"\n".join(lines), b""


# -- seeds ---------------------------------------------------------------------------------------
def jsonl_seed(n: int = 8) -> tuple[bytes, list[str]]:
    ids = [f"ctl-{i:03d}" for i in range(n)]
    lines = [json.dumps({"id": i, "date": f"2017-04-{1 + k % 28:02d}", "source": "fuzz",
                         "text": SENTENCES[k % len(SENTENCES)]}) for k, i in enumerate(ids)]
    return ("\n".join(lines) + "\n").encode(), ids


TXT_SEED = ("Talks in Geneva\nApril 3, 2017\n\n" + " ".join(SENTENCES) + "\n").encode()
HTML_SEED = ("<html><head><title>Talks in Geneva</title><meta name='date' content='2017-04-03'>"
             "</head><body><article><h1>Talks in Geneva</h1>"
             + "".join(f"<p>{s} The ministers spoke for an hour about it.</p>" for s in SENTENCES)
             + "</article></body></html>\n").encode()


def import_seeds(work: Path) -> dict[str, tuple[bytes, set[str], bool]]:
    """Per sample: a file of its valid rows repeated under new ids, the ids, whether it is a
    comma-separated file."""
    from eventdesk import open_store
    from eventdesk.interop.importer import import_file

    seeds = {}
    for name in ("gdelt1.daily.csv", "gdelt2.export.CSV", "icews.sample.tab",
                 "phoenix.sample.csv", "plover.sample.jsonl", "polecat.sample.tsv"):
        db = work / f"seed-{name}.duckdb"
        with open_store(db) as s:
            import_file(s, SAMPLES / name, on_problem=lambda exc: None)
            good = [r[0] for r in s.con.execute("SELECT origin_id FROM event_rows").fetchall()]
        lines = (SAMPLES / name).read_bytes().split(b"\n")
        header = [] if name.startswith(("gdelt", "plover")) else lines[:1]
        body, ids = [], set()
        for k in range(6):
            for line in lines[len(header):]:
                if not line.strip():
                    continue
                try:
                    first = str(json.loads(line)["id"]) if name.endswith(".jsonl") else \
                        line.decode().replace(",", "\t").split("\t")[0]
                except (ValueError, KeyError, TypeError):    # the samples' own bad rows
                    continue
                if first in good and f"{first}{k:02d}" not in ids:
                    new = f"{first}{k:02d}"
                    body.append(line.replace(first.encode(), new.encode(), 1))
                    ids.add(new)
        seeds[name] = (b"\n".join(header + body) + b"\n", ids, name.endswith(".csv")
                       and "phoenix" in name)
        db.unlink()
    return seeds


def stored_ids(db: Path) -> set[str]:
    import duckdb

    if not db.exists():
        return set()
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {r[0] for r in con.execute("SELECT origin_id FROM event_rows").fetchall()}
    except duckdb.Error:
        return set()
    finally:
        con.close()


# -- the three targets ---------------------------------------------------------------------------
class Tally:
    def __init__(self) -> None:
        self.runs = Counter()
        self.codes = Counter()
        self.kinds = Counter()
        self.seconds = Counter()
        self.failures: list[str] = []

    def check(self, target: str, kind: str, code: int | None, err: str, tb: str | None,
              lost: set[str], keep: Path, data: bytes | None, name: str) -> None:
        self.runs[target] += 1
        self.kinds[kind] += 1
        self.codes[(target, code)] += 1
        problem = None
        if tb is not None:
            problem = "traceback: " + " | ".join(x.strip() for x in tb.strip().splitlines()[-4:])
        elif "Traceback" in err:
            problem = "traceback on stderr"
        elif code not in DOCUMENTED:
            problem = f"exit code {code}"
        elif lost:
            problem = f"control records lost: {sorted(lost)[:5]}"
        if problem:
            n = len(self.failures)
            if data is not None:
                keep.mkdir(parents=True, exist_ok=True)
                (keep / f"{n:03d}-{name}").write_bytes(data)
            self.failures.append(f"{target} {kind} {name}: {problem}"
                                 + (f" (input kept as {keep}/{n:03d}-{name})" if data else ""))


def fuzz_readers(rng: random.Random, rounds: int, work: Path, tally: Tally, keep: Path) -> None:
    jsonl, ids = jsonl_seed()
    seeds = [("batch.jsonl", jsonl, ids), ("article.txt", TXT_SEED, []),
             ("page.html", HTML_SEED, [])]
    # the unmutated seeds: every control record gives events
    for name, data, want in seeds:
        (work / name).write_bytes(data)
        code, out, err, tb = run("code", work / name, "-q")
        got = {json.loads(x)["doc_id"] for x in out.splitlines()}
        assert code == 0 and tb is None and set(want) <= got and out, (name, code, err)
    for i in range(rounds):
        name, data, want = seeds[i % len(seeds)]
        kind, mutated, region = mutate(data, rng, comma=False, prose=name != "batch.jsonl")
        path = work / f"m{i % 7}-{name}"
        path.write_bytes(mutated)
        code, out, err, tb = run("code", path, "-q")
        got = set()
        for line in out.splitlines():
            try:
                got.add(json.loads(line)["doc_id"])
            except (ValueError, KeyError):
                tb = tb or f"stdout is not JSON lines: {line[:80]!r}"
        lost = set()
        if kind.startswith(("flip", "truncate", "insert", "delete", "huge", "nesting",
                            "duplicate", "swap")) or kind in ("encoding bom", "encoding crlf"):
            lost = {r for r in want if r not in got and r.encode() not in region}
        tally.check("readers", kind, code, err, tb, lost, keep, mutated, name)
        path.unlink()
    # special files: a FIFO alone and in a folder, a device
    fifo_dir = work / "with-fifo"
    fifo_dir.mkdir()
    (fifo_dir / "a.jsonl").write_bytes(jsonl)
    os.mkfifo(fifo_dir / "pipe.txt")
    code, out, err, tb = run("code", fifo_dir, "/dev/zero", "-q")
    got = {json.loads(x)["doc_id"] for x in out.splitlines()}
    tally.check("readers", "special files", code, err, tb, set(ids) - got, keep, None, "fifo")


def fuzz_importers(rng: random.Random, rounds: int, work: Path, tally: Tally,
                   keep: Path) -> None:
    seeds = import_seeds(work)
    names = sorted(seeds)
    for name in names:                             # the unmutated seeds store every row
        data, ids, _ = seeds[name]
        path, db = work / name, work / "import.duckdb"
        path.write_bytes(data)
        code, _, err, tb = run("import", path, "--db", db)
        assert code == 0 and tb is None and stored_ids(db) == ids, (name, code, err)
        db.unlink()
    for i in range(rounds):
        name = names[i % len(names)]
        data, ids, comma = seeds[name]
        kind, mutated, region = mutate(data, rng, comma)
        path, db = work / name, work / "import.duckdb"
        for p in (db, db.with_name(db.name + ".wal")):
            p.unlink(missing_ok=True)
        path.write_bytes(mutated)
        code, _, err, tb = run("import", path, "--db", db)
        lost = set()
        if not kind.startswith("encoding utf-16") and not kind.startswith("encoding latin") \
                and not kind.startswith("encoding cp1252"):
            header = data.split(b"\n", 1)[0]
            touched_header = not name.startswith(("gdelt", "plover")) and header in region
            # the format is detected from the first line: a new first line is another file
            first = mutated.split(b"\n", 1)[0] != data.split(b"\n", 1)[0]
            if not (touched_header or first):
                got = stored_ids(db)
                lost = {r for r in ids if r not in got and r.encode() not in region}
        tally.check("importers", kind, code, err, tb, lost, keep, mutated, name)


HOSTILE = ["'", "''", "\"", "2017-01-01' OR 1=1", "'; DROP TABLE events; --", "|", "||",
           "\t", "\n", "RUS\nUSA", "\x00", "%", "_", "*", "\\", "=HYPERLINK(\"x\")", "-1", "0",
           "99999999999999999999", "1e308", "nan", "-inf", "", " ", "RUS,", ",", "RUS,,USA",
           "ÄÖÜ", "\u202e", "x" * 5000, "2017-02-30", "2017-13-01", "0000-00-00", "9999-12-31",
           "1899-12-31", "2017/01/01", "yesterday", "RUS' --", "ru s", "@SUM(1)"]
VALID = {"actor": ["RUS", "USA", "CHN", "RUSGOV"], "date": ["2017-01-01", "2017-04-12"],
         "cameo": ["19", "04", "0251"], "status": ["asserted", "all", "asserted,negated"],
         "number": ["1", "5", "20"], "format": ["jsonl", "csv", "tsv", "table"]}


def _value(rng: random.Random, kind: str) -> str:
    if rng.random() < 0.5:
        return rng.choice(HOSTILE)
    v = rng.choice(VALID[kind])
    if rng.random() < 0.5 and v:                  # a mutated valid value
        p = rng.randrange(len(v))
        v = v[:p] + rng.choice("'\"|\t\n;-=+@%_\\0x9") + v[p + 1:]
    return v


def fuzz_queries(rng: random.Random, rounds: int, work: Path, tally: Tally) -> None:
    db = work / "query.duckdb"
    files = [SAMPLES / n for n in ("gdelt2.export.CSV", "icews.sample.tab",
                                   "polecat.sample.tsv", "plover.sample.jsonl")]
    code, _, err, tb = run("import", *files, "--db", db)
    assert code in (0, 3) and tb is None, err
    commands = [
        ("events", {"--actor": "actor", "--recipient": "actor", "--since": "date",
                    "--until": "date", "--cameo": "cameo", "--status": "status",
                    "--limit": "number", "--format": "format"}),
        ("events --corroborated", {"--actor": "actor", "--since": "date", "--limit": "number",
                                   "--format": "format", "--cameo": "cameo"}),
        ("export --format csv -o /dev/null", {"--actor": "actor", "--recipient": "actor",
                                              "--since": "date", "--until": "date",
                                              "--cameo": "cameo", "--status": "status"}),
        ("dyad RUS USA", {"--since": "date", "--until": "date", "--status": "status"}),
        ("dyads", {"--top": "number", "--since": "date", "--status": "status"}),
        ("balance USA RUS CHN", {"--since": "date", "--band": "number"}),
        ("signals", {"--watch": "actor", "--top": "number", "--lookback": "number",
                     "--min-score": "number", "--since": "date"}),
        ("reciprocity USA RUS", {"--lags": "number", "--since": "date"}),
        ("summary", {}),
    ]
    for i in range(rounds):
        cmd, opts = commands[i % len(commands)]
        args = cmd.split()
        if cmd.startswith(("dyad ", "balance", "reciprocity")) and rng.random() < 0.5:
            k = rng.randrange(1, len(args))
            args[k] = _value(rng, "actor")         # a positional actor code
        for opt in rng.sample(sorted(opts), k=min(len(opts), rng.randint(1, 3))):
            args += [opt, _value(rng, opts[opt])]
        code, _, err, tb = run(*args, "--db", db)
        tally.check("queries", cmd.split()[0], code, err, tb, set(), work, None, repr(args))
    code, _, err, tb = run("summary", "--db", db)  # the store is as it was: read-only reads
    tally.check("queries", "after", code, err, tb, set(), work, None, "")


def main_(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=400,
                    help="mutated inputs per target (default 400: 1,200 in all)")
    ap.add_argument("--seed", type=int, default=25)
    ap.add_argument("--keep", default="fuzz-failures", help="folder for failing inputs")
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    tally = Tally()
    keep = Path(args.keep)
    work = Path(tempfile.mkdtemp(prefix="eventdesk-fuzz-"))
    start = time.perf_counter()
    try:
        for target, fn in (("readers", fuzz_readers), ("importers", fuzz_importers)):
            t = time.perf_counter()
            fn(rng, args.rounds, work / target if (work / target).mkdir() is None else work,
               tally, keep)
            print(f"{target}: {tally.runs[target]} runs in {time.perf_counter() - t:.0f} s",
                  flush=True)
        t = time.perf_counter()
        (work / "queries").mkdir()
        fuzz_queries(rng, args.rounds, work / "queries", tally)
        print(f"queries: {tally.runs['queries']} runs in {time.perf_counter() - t:.0f} s")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    total = sum(tally.runs.values())
    print(f"\n{total} runs in {time.perf_counter() - start:.0f} s (seed {args.seed})")
    print("mutations: " + ", ".join(f"{k} {v}" for k, v in sorted(tally.kinds.items())))
    for target in ("readers", "importers", "queries"):
        codes = {c: n for (t, c), n in tally.codes.items() if t == target}
        print(f"{target}: exit codes " + ", ".join(f"{c}: {n}" for c, n in sorted(
            codes.items(), key=lambda x: (x[0] is None, x[0] or 0))))
    print(f"failures: {len(tally.failures)}")
    for f in tally.failures[:50]:
        print("  " + f)
    return 1 if tally.failures else 0


if __name__ == "__main__":
    sys.exit(main_())
