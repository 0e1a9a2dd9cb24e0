"""The core commands: code, ingest, events, explain, actors, lexicon, eval, summary."""
from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..errors import InputError, UsageError
from .common import (EXIT_OK, EXIT_SKIPPED, Problems, Progress, actor, add_actors, add_db,
                     add_inputs, add_min_confidence, add_raw_csv, add_second_opinion, closing,
                     committed_on_stop, count, day, documents, err)


# -- commands ------------------------------------------------------------------------------------
def _knowledge_base(args: argparse.Namespace) -> Any:
    """The packaged knowledge base with the ``--actors`` files on top; a missing or unreadable
    actor file is a usage error (exit 2), as a missing input is."""
    from ..actors import knowledge_base
    from ..errors import DataError

    try:
        return knowledge_base(tuple(args.actors or ()))
    except DataError as exc:
        raise UsageError(str(exc)) from None


def _coder(args: argparse.Namespace, workers: int | None = None) -> Any:
    """The coder a command's arguments ask for: one in this process, or ``--workers N``
    worker processes (a :class:`~eventdesk.scale.pool.ParallelCoder`: close it after use)."""
    from ..coding.coder import Coder
    from ..scale.pool import ParallelCoder, default_workers

    kb = _knowledge_base(args)
    for p in kb.problems:
        err(f"warning: {p}")
    workers = workers or getattr(args, "workers", None) or default_workers()
    second = _second_opinion(args)
    if workers == 1:
        return Coder(kb=kb, second_opinion=second)
    return ParallelCoder(workers, args.actors or (), kb=kb, second_opinion=second)


def _second_opinion(args: argparse.Namespace) -> Any:
    """The ``second_opinion`` argument of the coder: None (the default), False, or a model
    file, checked here so that a bad file is a usage error (exit 2)."""
    from ..coding.second import load_model
    from ..errors import DataError

    second = getattr(args, "second_opinion", None)
    if second not in (None, False):
        try:
            load_model(str(second))
        except DataError as exc:
            raise UsageError(str(exc)) from None
    return second


@contextmanager
def _using(coder: Any) -> Iterator[Any]:
    """Use a coder, then stop its workers if it has any."""
    try:
        yield coder
    finally:
        if hasattr(coder, "close"):
            coder.close()


def cmd_code(args: argparse.Namespace) -> int:
    from ..formats import EventWriter
    from ..readers import ReadStats

    problems, stats = Problems(), ReadStats()
    if args.dask:
        if args.min_confidence is not None:
            raise UsageError("--min-confidence does not go with --dask: filter what you "
                             "import (eventdesk events/export --min-confidence)")
        return _code_on_cluster(args, problems, stats)
    if args.output:
        raise UsageError("-o goes with --dask (without it, events go to stdout)")
    writer = EventWriter(sys.stdout, args.format, raw_csv=args.raw_csv)
    least = args.min_confidence
    n = dropped = 0
    with _using(_coder(args)) as coder, Progress(not args.quiet) as bar:
        for _, events in coder.coded(_inputs(args, problems, stats)):
            for ev in events:
                if least is not None and (ev.confidence is None or ev.confidence < least):
                    dropped += 1
                    continue
                writer.write(ev)
                n += 1
            bar.update(stats.documents, n)
    sys.stdout.flush()
    below = f" ({dropped} below confidence {least} left out)" if least is not None else ""
    return closing(problems, stats, f"{n} events{below}")


def _inputs(args: argparse.Namespace, problems: Problems, stats: Any) -> Iterator[Any]:
    """The documents of the inputs: Parquet datasets of documents (a ``.parquet`` file, or a
    folder holding only Parquet files) through the scale room's reader, the rest through the
    readers."""
    from pathlib import Path

    from ..scale.cluster import documents_from_parquet

    def parquet(s: str) -> bool:
        p = Path(s)
        if p.suffix == ".parquet" and p.is_file():
            return True
        files = [f for f in p.rglob("*") if f.is_file()] if p.is_dir() else []
        return bool(files) and all(f.suffix == ".parquet" for f in files)

    tables = [s for s in args.inputs if s != "-" and parquet(s)]
    for t in tables:
        try:
            for doc in documents_from_parquet(t):
                stats.documents += 1
                yield doc
        except InputError as exc:
            problems(exc)
    args.inputs = [s for s in args.inputs if s not in tables]
    if args.inputs or not tables:
        yield from documents(args, problems, stats)


def _code_on_cluster(args: argparse.Namespace, problems: Problems, stats: Any) -> int:
    from ..scale.cluster import code_on_cluster

    if not args.output:
        raise UsageError("--dask needs -o DIR, the Parquet dataset to write")
    if args.second_opinion is not None:
        raise UsageError("--dask codes with the packaged second opinion; --no-second-opinion "
                         "and --second-opinion FILE do not go with --dask")
    with Progress(not args.quiet) as bar:
        run = code_on_cluster(_inputs(args, problems, stats), args.dask, args.output,
                              actor_files=args.actors or (), partition_size=args.partition_size,
                              progress=lambda r: bar.update(r.documents, r.events))
    rate = run.documents / run.seconds if run.seconds else 0.0
    return closing(problems, stats, f"{run.events} events in {run.partitions} partitions "
                                    f"written to {args.output} in {run.seconds:.1f} s "
                                    f"({rate:.1f} documents/s)")


def cmd_ingest(args: argparse.Namespace) -> int:
    from ..readers import ReadStats
    from ..store import open_store

    problems, stats = Problems(), ReadStats()
    with open_store(args.db) as store, _using(_coder(args)) as coder, \
            Progress(not args.quiet) as bar:
        with committed_on_stop(store, "run the same command again to go on (what is "
                                      "stored is skipped)"):
            result = store.ingest(_inputs(args, problems, stats), coder=coder,
                                  batch_size=args.batch_size,
                                  progress=lambda r: bar.update(r.documents_seen,
                                                                r.events_added))
        total = store.counts()
    extra = (f"{result.documents_added} new, {result.documents_replaced} changed, "
             f"{result.documents_unchanged} unchanged documents; {result.events_added} events "
             f"added, {result.events_removed} removed; store {args.db or 'eventdesk.duckdb'} "
             f"holds {total['documents']} documents and {total['events']} events")
    return closing(problems, stats, extra)


def _status_cell(ev: Any) -> str:
    """The status column of ``events --format table``: a mention of an earlier event is marked
    (with the id of the stored event it names, where one was linked)."""
    if not ev.mention:
        return ev.status.value
    return f"{ev.status.value}, mention" + (f" of {ev.mention_of[:10]}" if ev.mention_of else "")


def cmd_events(args: argparse.Namespace) -> int:
    from ..formats import EventWriter
    from ..store import open_store

    status = None if args.status == "all" else args.status.split(",")
    if args.corroborated:
        return _corroborated(args, status)
    with open_store(args.db, read_only=True) as store:
        events = store.events(actor=args.actor, recipient=args.recipient, since=args.since,
                              until=args.until, cameo=args.cameo, status=status,
                              limit=args.limit, min_confidence=args.min_confidence)
    if args.format == "table":
        from rich.console import Console
        from rich.table import Table

        table = Table(show_lines=False)
        for col in ("date", "actor", "recipient", "cameo", "name", "gold", "status", "conf",
                    "id"):
            table.add_column(col, overflow="fold")
        for ev in events:
            table.add_row(ev.date.isoformat() if ev.date else "",
                          "+".join(e.code for e in ev.actor),
                          "+".join(e.code for e in ev.recipient), ev.cameo, ev.cameo_name,
                          f"{ev.goldstein:+.1f}", _status_cell(ev),
                          "" if ev.confidence is None else f"{ev.confidence:.2f}", ev.id[:10])
        Console(width=max(120, Console().width)).print(table)
        print(f"{len(events)} events", file=sys.stderr)
    else:
        writer = EventWriter(sys.stdout, args.format, raw_csv=args.raw_csv)
        for ev in events:
            writer.write(ev)
    return EXIT_OK


def _corroborated(args: argparse.Namespace, status: list[str] | None) -> int:
    """``eventdesk events --corroborated``: one row per corroborated event, with its counts."""
    import csv
    import json

    from ..formats import spreadsheet_safe
    from ..store import Store, open_store

    with open_store(args.db, read_only=True) as store:
        groups = store.corroborated(actor=args.actor, recipient=args.recipient, since=args.since,
                                    until=args.until, cameo=args.cameo, status=status,
                                    limit=args.limit, min_confidence=args.min_confidence)
    text = lambda v: "" if v is None else v.isoformat() if hasattr(v, "isoformat") else str(v)
    if args.format == "table":
        from rich.console import Console
        from rich.table import Table

        table = Table(show_lines=False)
        for col in ("date", "actor", "recipient", "cameo", "status", "reports", "sources",
                    "docs", "seen", "group"):
            table.add_column(col, overflow="fold")
        for g in groups:
            seen = text(g["first_seen"]) + ("" if g["last_seen"] == g["first_seen"]
                                            else " to " + text(g["last_seen"]))
            table.add_row(text(g["date"]), text(g["actor_code"]), text(g["recipient_code"]),
                          text(g["cameo"]), text(g["status"]), text(g["n_reports"]),
                          text(g["n_sources"]), text(g["n_docs"]), seen, g["group_id"][:10])
        Console(width=max(120, Console().width)).print(table)
        print(f"{len(groups)} corroborated events", file=sys.stderr)
    elif args.format == "jsonl":
        for g in groups:
            print(json.dumps({k: (text(v) if hasattr(v, "isoformat") else v)
                              for k, v in g.items()}, ensure_ascii=False))
    else:
        w = csv.writer(sys.stdout, delimiter="," if args.format == "csv" else "\t",
                       lineterminator="\n")
        w.writerow(Store.GROUP_FIELDS)
        for g in groups:
            cells = [text(g[k]) for k in Store.GROUP_FIELDS]
            w.writerow(cells if args.raw_csv else [spreadsheet_safe(c) for c in cells])
    return EXIT_OK


def _mark(text: str, spans: dict[str, list[list[int]]]) -> str:
    marks = []
    for role, sym in (("actor", "A"), ("action", "V"), ("recipient", "R")):
        for s, e in spans.get(role, []):
            marks.append((s, e, sym))
    out, pos = [], 0
    for s, e, sym in sorted(marks):
        if s < pos:
            continue
        out += [text[pos:s], f"[{sym} ", text[s:e], "]"]
        pos = e
    out.append(text[pos:])
    return "".join(out)


def _decided_lines(ev: Any) -> list[str]:
    """``decided  recipient: statement_topic — subject of the statement's complement ...``"""
    if not ev.decided_by:
        return []
    from ..coding.pipeline import describe

    out = []
    for k, (field, name) in enumerate(ev.decided_by.items()):
        out.append(f"{'decided' if k == 0 else '':<10}{field}: {name} — {describe(field, name)}")
    return out


def cmd_explain(args: argparse.Namespace) -> int:
    from ..coding.lexicon import default_lexicon, noun_lexicon, obligation_codes, refusal_of
    from ..store import open_store

    with open_store(args.db, read_only=True) as store:
        ev = store.event(args.event_id)
        group = store.group(ev.id if ev else args.event_id)
        if ev is None and group is not None:
            ev = store.event(group["event_id"])
        if ev is None:
            raise UsageError(f"no event or corroborated event {args.event_id!r} in {store.path}")
        prov = store.provenance(ev.id)
    pattern = next((p for lex in (default_lexicon(), noun_lexicon()) for p in lex.patterns
                    if p.id == ev.pattern), None)
    ents = lambda xs: ", ".join(f"{e.code} ({e.text})" for e in xs) or "-"  # noqa: E731
    lines = [
        f"event     {ev.id}",
        f"date      {ev.date or 'unknown'} ({ev.date_precision.value})",
        f"actor     {ents(ev.actor)}",
        f"action    CAMEO {ev.cameo} {ev.cameo_name}; Goldstein {ev.goldstein:+.1f}; "
        f"quad {ev.quad}; PLOVER {ev.plover or '-'}"
        + (f" / {ev.mode}" if ev.mode else ""),
        f"recipient {ents(ev.recipient)}",
        f"status    {ev.status.value}" + (f" (claim of {ents(ev.source_of_claim)})"
                                         if ev.source_of_claim else ""),
        f"location  {ev.location.name if ev.location else '-'}",
        "confidence " + ("- (not coded by eventdesk: none measured)" if ev.confidence is None
                         else f"{ev.confidence:.2f} (from the parse path below; docs/coding.md)"),
        *_decided_lines(ev),
        f"sentence  {_mark(ev.text, ev.spans)}",
        f"rule      {ev.pattern}" + (f": {pattern.verb}{'_' + pattern.particle if pattern.particle else ''}"
                                     + (f" {pattern.sense}" if pattern.sense else "")
                                     + f" ({pattern.source})" if pattern else " (not in the current lexicon)"),
    ]
    if ev.decided_by.get("code") == "second_opinion":
        from ..coding.second import CLASS_NAMES, CLASSES

        label = ev.pattern.rpartition(".")[2]
        name = CLASS_NAMES[CLASSES.index(label)] if label in CLASSES else "?"
        lines[-1] = (f"rule      {ev.pattern}: no pattern fits; the learned second opinion "
                     f"(coding/second.py) read the sentence as class {label} ({name}), coded "
                     f"as its generic CAMEO {ev.cameo}; confidence "
                     f"{'-' if ev.confidence is None else f'{ev.confidence:.2f}'}")
    if pattern is not None and pattern.cameo != ev.cameo:
        if refusal_of(pattern.cameo) == ev.cameo:
            lines.append(f"          CAMEO {pattern.cameo} refused, so coded as the rejection "
                         f"{ev.cameo} (coding/data/refusals.tsv)")
        elif ev.cameo in obligation_codes().values():
            lines.append(f"          a statement that another must or should act: CAMEO "
                         f"{ev.cameo} (coding/data/obligations.tsv)")
    for p in prov:
        lines.append(f"reported  {p['doc_id']} sentence {p['sentence_index']}"
                     f"{' · ' + p['source'] if p.get('source') else ''}"
                     f"{' · ' + p['title'] if p.get('title') else ''}"
                     f"{' · ' + str(p['published']) if p.get('published') else ''}"
                     f"{' · ' + p['path'] if p.get('path') else ''}")
    if group is not None:
        lines.append(f"corroborated event {group['group_id']}: {group['n_reports']} reports, "
                     f"{group['n_sources']} sources, {group['n_docs']} articles; first seen "
                     f"{group['first_seen'] or '?'}, last seen {group['last_seen'] or '?'}")
        for r in group["reports"]:
            origin = (f"{r['dataset']}:{r['origin_id']}" if r["dataset"] != "eventdesk"
                      else r["doc_id"])
            counts = (f" · {r['n_mentions']} mentions, {r['n_sources']} sources"
                      if r["dataset"] != "eventdesk" else "")
            lines.append(f"  report  {r['event_id'][:16]} {r['event_date'] or '?'} CAMEO "
                         f"{r['cameo']} · {origin}"
                         f"{' · ' + r['source'] if r.get('source') else ''}"
                         f"{' · ' + str(r['published']) if r.get('published') else ''}{counts}"
                         f"{' · ' + ' '.join(r['sentence'].split()) if r['sentence'] else ''}")
    print("\n".join(lines))
    return EXIT_OK


def cmd_actors_lookup(args: argparse.Namespace) -> int:
    from ..actors import lookup
    from ..dates import parse_date

    try:
        day = parse_date(args.date)[0]
    except InputError as exc:
        raise UsageError(str(exc)) from None
    kb = _knowledge_base(args)
    print("\n".join(lookup(kb, args.mention, day)))
    return EXIT_OK


def cmd_actors_check(args: argparse.Namespace) -> int:
    from ..actors import check

    kb = _knowledge_base(args)
    problems = check(kb)
    for p in problems:
        print(p)
    n_roles = sum(len(r) for r in kb.roles.values())
    err(f"{len(kb.states)} states, {len(kb.orgs)} organisations, {len(kb.roles)} people with "
         f"{n_roles} roles, {len(kb.sectors)} sector terms; {len(problems)} problems")
    return EXIT_SKIPPED if problems else EXIT_OK


def cmd_lexicon_check(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ..coding.knowledge import LISTED_FILES, WORD_LISTS, check_word_lists
    from ..coding.lexicon import check_lexicon

    path = Path(args.file) if args.file else None
    if path is not None and not path.exists():
        raise UsageError(f"{path}: no such lexicon file")
    problems, stats = check_lexicon(path)
    lists = ""
    if path is None:            # the packaged lexicon comes with the coder's word lists
        from ..coding.confidence_lint import check_factors

        problems += check_word_lists() + check_factors()
        n_lists = len(WORD_LISTS) + sum(map(len, LISTED_FILES.values()))
        lists = f"; confidence factors, {n_lists} word lists and the per-root table checked"
    for p in problems:
        print(p)
    err(f"{stats['patterns']} patterns over {stats['verbs']} verbs; {stats['codes']} of "
        f"{stats['codes_in_table']} CAMEO codes and {stats['roots']} of 20 roots reachable"
        f"{lists}; {len(problems)} problems")
    return EXIT_SKIPPED if problems else EXIT_OK


def cmd_eval(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from ..evaluate import evaluate, read_gold, report_lines, write_misses

    problems = Problems()
    fmt, items = read_gold(args.gold, args.format, problems)
    if args.limit:
        items = items[: args.limit]
    scores = evaluate(items, _coder(args, workers=1), fmt)
    if args.json:
        print(json.dumps(scores.to_dict(), indent=2))
    else:
        for line in report_lines(scores):
            print(line)
    misses = args.misses or f"{Path(args.gold).stem}.misses.tsv"
    n = write_misses(scores, misses)
    err(f"{len(items)} gold items scored; {n} with a miss written to {misses}"
         + (f"; {problems.skipped} records skipped" if problems.skipped else ""))
    return EXIT_SKIPPED if problems.skipped else EXIT_OK


def cmd_train(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ..coding.second import SecondOpinion, train_from_files
    from ..errors import DataError

    for f in [args.dev, *args.gold, *(args.sentences or [])]:
        if f and not Path(f).is_file():
            raise UsageError(f"no such file: {f}")
    try:
        model = train_from_files(args.dev, args.gold, args.sentences, c=args.c,
                                 min_df=args.min_df)
    except DataError as exc:
        raise UsageError(str(exc)) from None
    model.save(args.output)
    SecondOpinion.load(args.output)           # what was written reads back
    a = model.about
    err(f"trained on {a['examples']} sentences ({a['dev_tune']} dev tune, {a['gold_tune']} "
        f"gold tune, {a['own']} own), {a['terms']} terms; classes "
        + ", ".join(f"{k}:{v}" for k, v in a["per_class"].items())
        + f"; codes {model.codes}; wrote {args.output} "
          f"({Path(args.output).stat().st_size // 1024} KB)")
    return EXIT_OK


def cmd_summary(args: argparse.Namespace) -> int:
    from ..store import open_store

    with open_store(args.db, read_only=True) as store:
        s = store.summary()
    print(f"{s['documents']} documents, {s['events']} events ({s['asserted']} asserted), "
          f"{s['first'] or '?'} to {s['last'] or '?'}")
    print(f"corroborated: {s['corroborated']} events ({s['corroborated_asserted']} asserted)")
    print("origin:   " + ", ".join(f"{k} {v}" for k, v in s["datasets"]))
    print("status:   " + ", ".join(f"{k} {v}" for k, v in s["statuses"]))
    from ..ontology import cameo_table

    names = cameo_table()
    print("roots:    " + ", ".join(
        f"{r} {names[r].name if r in names else '(no root)'} ({n})" for r, _, n in s["roots"]))
    print("busiest dyads (asserted corroborated events, net Goldstein):")
    for a, r, n, g in s["dyads"]:
        print(f"  {a:>4} → {r:<4} {n:4d}  {g:+7.1f}")
    return EXIT_OK


def register(sub: Any, fmt: type[argparse.HelpFormatter]) -> None:
    """Add the core commands to the ``eventdesk`` parser's subparsers."""

    p = sub.add_parser("code", help="code documents into events on stdout", formatter_class=fmt,
                       description="Code documents into events, written to stdout.",
                       epilog="examples:\n  eventdesk code article.txt batch.jsonl - --format tsv"
                              " > events.tsv\n  eventdesk code corpus/ --dask local:2 -o "
                              "coded/   # then: eventdesk import coded/")
    add_inputs(p)
    p.add_argument("--format", choices=["jsonl", "tsv", "csv"], default="jsonl")
    add_raw_csv(p)
    p.add_argument("--dask", metavar="ADDRESS",
                   help="code on a Dask cluster: a scheduler address (tcp://host:8786), or "
                        "local:N for a LocalCluster of N processes; needs -o")
    p.add_argument("-o", "--output", metavar="DIR",
                   help="with --dask: the Parquet dataset to write (a folder, or an fsspec URL)")
    p.add_argument("--partition-size", type=count, default=200, metavar="N",
                   help="with --dask: documents per partition (default 200)")
    add_min_confidence(p, "write only events the coder is at least this sure of (0 to 1; "
                          "every coded event carries Event.confidence, see docs/coding.md); "
                          "not with --dask")
    p.set_defaults(func=cmd_code)

    p = sub.add_parser("ingest", help="code documents and store their events",
                       formatter_class=fmt,
                       description="Code documents and store them with their events. Rerunning "
                                   "adds nothing; a changed document has its events replaced.",
                       epilog="example:\n  eventdesk ingest corpus/ --db my.duckdb")
    add_inputs(p)
    add_db(p)
    p.add_argument("--batch-size", type=count, default=64, help="documents per transaction")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("events", help="query stored events", formatter_class=fmt,
                       description="Print stored events matching the filters: every report, "
                                   "or with --corroborated one row per corroborated event "
                                   "(the reports grouped as one real event) with its counts "
                                   "of reports, sources and documents.",
                       epilog="examples:\n  eventdesk events --actor RUS --recipient USA "
                              "--since 2017-04-01 --format table\n"
                              "  eventdesk events --corroborated --actor RUS --format csv")
    add_db(p)
    p.add_argument("--actor", type=actor, help="actor country or code (RUS, RUSGOV, NATO)")
    p.add_argument("--recipient", type=actor, help="recipient country or code")
    p.add_argument("--since", type=day, help="first date (YYYY-MM-DD)")
    p.add_argument("--until", type=day, help="last date (YYYY-MM-DD)")
    p.add_argument("--cameo", help="CAMEO code prefix, e.g. 19 or 163")
    p.add_argument("--status", default="all",
                   help="comma-separated statuses (asserted,negated,...) or all (default)")
    p.add_argument("--limit", type=count, help="at most this many")
    p.add_argument("--format", choices=["table", "jsonl", "csv", "tsv"], default="jsonl")
    p.add_argument("--corroborated", action="store_true",
                   help="one row per corroborated event with its counts, not every report")
    add_min_confidence(p, "keep only events the coder is at least this sure of (0 to 1); "
                          "imported events have no confidence and are then left out; with "
                          "--corroborated, by the representative report's confidence")
    add_raw_csv(p)
    p.set_defaults(func=cmd_events)

    p = sub.add_parser("explain", help="show the sentence, spans and rule behind an event",
                       formatter_class=fmt, description="Explain one stored event.",
                       epilog="example:\n  eventdesk explain 3f9a1c --db my.duckdb")
    p.add_argument("event_id", help="event id (or a unique prefix)")
    add_db(p)
    p.set_defaults(func=cmd_explain)

    p = sub.add_parser("actors", help="look up and check the actor knowledge base",
                       formatter_class=fmt, description="The actor knowledge base.",
                       epilog="examples:\n  eventdesk actors lookup \"Lavrov\" --date 2017-05-10\n"
                              "  eventdesk actors check --actors my_actors.yaml")
    asub = p.add_subparsers(dest="actors_command", metavar="ACTION")
    q = asub.add_parser("lookup", help="what a mention resolves to on a date",
                        formatter_class=fmt, description="Resolve a mention and show the "
                        "knowledge-base rows behind it.",
                        epilog="example:\n  eventdesk actors lookup \"President Trump\" --date 2023-06-01")
    q.add_argument("mention")
    q.add_argument("--date", help="the date to resolve on (YYYY-MM-DD; default: latest roles)")
    add_actors(q)
    q.set_defaults(func=cmd_actors_lookup)
    q = asub.add_parser("check", help="lint the knowledge base", formatter_class=fmt,
                        description="Lint the knowledge base (and your actor files): malformed "
                        "rows, ambiguous terms, open-ended roles not marked current, unknown "
                        "codes, duplicate people. Exit code 3 when problems are found.",
                        epilog="example:\n  eventdesk actors check --actors my_actors.yaml")
    add_actors(q)
    q.set_defaults(func=cmd_actors_check)

    p = sub.add_parser("lexicon", help="check the event lexicon", formatter_class=fmt,
                       description="The event lexicon (coding/data/verbs.tsv) and the coder's word "
                                   "lists (coding/data/*.tsv, ontology/data/cameo_roots.tsv).",
                       epilog="example:\n  eventdesk lexicon check")
    lsub = p.add_subparsers(dest="lexicon_command", metavar="ACTION")
    q = lsub.add_parser("check", help="lint the lexicon", formatter_class=fmt,
                        description="Lint a lexicon file: malformed rows, unknown codes, "
                        "duplicate ids, duplicate or conflicting patterns, coverage. Exit code "
                        "3 when problems are found.",
                        epilog="example:\n  eventdesk lexicon check my_verbs.tsv")
    q.add_argument("file", nargs="?", help="a lexicon file (default: the packaged one)")
    q.set_defaults(func=cmd_lexicon_check)

    p = sub.add_parser(
        "eval", help="score the coder against a labelled file", formatter_class=fmt,
        description="Code every labelled sentence of GOLD and score the coder: five-way "
                    "accuracy, macro-F1 and confusion matrix; PLOVER type accuracy; actor and "
                    "recipient accuracy; (actor, recipient, root) triples; the misses go to a "
                    "file for review.",
        epilog=textwrap.dedent("""\
            formats (detected from the file when --format is not given):
              conflibert-class  sentence<TAB>label, label the five-way class 0-4
              conflibert-spans  token<TAB>BIO tag (S source, T target, R reciprocal)
              plover-gsr        JSON array of {text, event, source, target} records
              petrarch-xml      PETRARCH validation <Sentence> records with <EventCoding>

            example:
              eventdesk eval train.tsv --format conflibert-class --misses misses.tsv"""))
    p.add_argument("gold", metavar="GOLD", help="the labelled file")
    p.add_argument("--format", choices=["conflibert-class", "conflibert-spans", "plover-gsr",
                                        "petrarch-xml"], help="the gold file's format")
    p.add_argument("--misses", metavar="FILE",
                   help="where to write the items with a miss (default GOLD-stem.misses.tsv)")
    p.add_argument("--limit", type=count, metavar="N", help="score only the first N items")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    add_actors(p)
    add_second_opinion(p)
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser(
        "train", help="rebuild the coder's learned second opinion", formatter_class=fmt,
        description="Train the second opinion (a TF-IDF + logistic-regression sentence "
                    "classifier, numpy and scipy only) on the TUNE half of a dev class file "
                    "(sentence<TAB>label 0-4; split by the hash bench/eval_dev.py uses), the "
                    "tune records of gold files and files of labelled sentences (sentence<TAB>"
                    "cameo; by default the packaged coding/data/second_opinion_sentences.tsv), "
                    "and write the model file. Use it with `eventdesk code --second-opinion "
                    "FILE`, or copy it over src/eventdesk/coding/data/second_opinion.json.gz.",
        epilog=textwrap.dedent("""\
            example (the packaged model):
              eventdesk train --dev ../shared/data/dev/conflibert_cameo_class_train.tsv \\
                  --gold bench/gold/*.json -o src/eventdesk/coding/data/second_opinion.json.gz"""))
    p.add_argument("--dev", metavar="PATH",
                   help="a five-way class file; only its tune half is used")
    p.add_argument("--gold", nargs="*", default=[], metavar="FILE",
                   help="gold files (bench/gold/*.json); only their tune records are used")
    p.add_argument("--sentences", action="append", metavar="FILE",
                   help="a file of labelled sentences (sentence<TAB>cameo); may be repeated "
                        "(default: the packaged one)")
    p.add_argument("-C", type=float, default=10.0, dest="c",
                   help="inverse strength of the L2 penalty (default %(default)s)")
    p.add_argument("--min-df", type=count, default=2,
                   help="keep terms seen in at least N sentences (default %(default)s)")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="the model file to write")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("summary", help="counts, dates and busiest dyads of a store",
                       formatter_class=fmt, description="Summarise a store.",
                       epilog="example:\n  eventdesk summary --db demo/eventdesk.duckdb")
    add_db(p)
    p.set_defaults(func=cmd_summary)
