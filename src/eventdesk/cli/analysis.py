"""The analysis commands (registered by :func:`eventdesk.cli.build_parser`).

Each command opens the store read-only, takes the relation of
:meth:`eventdesk.store.Store.analysis_events` (corroborated asserted events unless ``--raw`` or
``--status``; ``--include-mentions``, ``--min-confidence``) and hands it to a function of this
package; output goes through
:func:`eventdesk.analysis.output.emit`.
"""
from __future__ import annotations

import argparse
import sys
from contextlib import contextmanager
from collections.abc import Iterator
from typing import Any

import pandas as pd

from ..errors import UsageError
from ..analysis.common import PERIODS, check_actors, distinct, parse_codes, window
from ..analysis.output import FORMATS, Result, emit
from .common import actor, add_actors, add_db, add_min_confidence, count, day, output_path


@contextmanager
def _relation(args: argparse.Namespace) -> Iterator[tuple[Any, Any, str]]:
    from ..store import open_store

    output_path(getattr(args, "output", None))      # before any work: -o can be written
    statuses: tuple[str, ...] | None = tuple(parse_codes(args.status.lower())) \
        if args.status != "all" else None
    if statuses:
        statuses = tuple(s.lower() for s in statuses)
    with open_store(args.db, read_only=True) as store:
        yield store, store.con, store.analysis_events(
            raw=args.raw, statuses=statuses,
            include_mentions=getattr(args, "include_mentions", False),
            min_confidence=getattr(args, "min_confidence", None))


def _win(args: argparse.Namespace) -> Any:
    return window(getattr(args, "since", None), getattr(args, "until", None))


def _series_chart(frame: pd.DataFrame, cols: list[str], title: str, band: float | None = None
                  ) -> dict[str, Any]:
    return {"x": list(frame["period"]), "title": title, "ylabel": "Goldstein", "band": band,
            "series": {c: [float(v) for v in frame[c]] for c in cols}}


# -- commands -------------------------------------------------------------------------------------
def cmd_dyad(args: argparse.Namespace) -> int:
    from ..analysis.dyads import dyad_series

    with _relation(args) as (_, con, rel):
        a, b = check_actors(con, rel, [args.a, args.b])
        df = dyad_series(con, rel, a, b, by=args.by, directed=args.directed, win=_win(args))
    arrow = "→" if args.directed else "–"
    df["period"] = pd.to_datetime(df["period"]).dt.date
    last = df.iloc[-1]
    notes = [f"{int(df['n'].sum())} events; last {args.by} {last['period']}: mean Goldstein "
             f"{last['mean_goldstein']:+.2f} (EWMA {last['ewma']:+.2f})"]
    emit(Result(f"{a}{arrow}{b} by {args.by}", df, notes,
                chart=_series_chart(df, ["mean_goldstein", "ewma"], f"{a}{arrow}{b}")),
         args.format, args.output)
    return 0


def cmd_dyads(args: argparse.Namespace) -> int:
    from ..analysis.dyads import top_dyads

    with _relation(args) as (_, con, rel):
        df = top_dyads(con, rel, top=args.top, rank=args.rank, by=args.by, win=_win(args))
    key = "n" if args.rank == "activity" else "movement"
    chart = {"x": [f"{a}–{b}" for a, b in zip(df.a, df.b)], "kind": "barh",
             "title": f"dyads by {args.rank}", "series": {key: [float(v) for v in df[key]]}}
    emit(Result(f"top {len(df)} dyads by {args.rank}", df, chart=chart), args.format,
         args.output)
    return 0


def cmd_triangle(args: argparse.Namespace) -> int:
    from ..analysis.triangle import triangle

    with _relation(args) as (_, con, rel):
        players = distinct(check_actors(con, rel, args.actors), 3, "a triangle")
        if len(players) != 3:
            raise UsageError(f"a triangle needs exactly three actors, got {len(players)}")
        tr = triangle(con, rel, players, by=args.by, win=_win(args), band=args.band,
                      reps=args.reps)
    f = tr.frame
    last = f.iloc[-1]
    notes = [f"last {args.by} {last['period']}: {last['configuration']}"
             + (f" (key player {last['key_player']})" if last["key_player"] else "")
             + f", bootstrap probability {last['probability']:.2f}; pivot "
             + (last["pivot"] or "none")]
    notes += ["changes:"] + [f"  {c}" for c in tr.changes] if tr.changes else ["no changes"]
    cols = [c for c in f.columns if c.startswith("S ")]
    emit(Result(f"triangle {', '.join(players)} by {args.by}", f, notes,
                extra={"changes": tr.changes},
                chart=_series_chart(f, cols, "edge scores " + ", ".join(players), args.band)),
         args.format, args.output)
    return 0


def cmd_balance(args: argparse.Namespace) -> int:
    from ..analysis.triangle import balance

    with _relation(args) as (_, con, rel):
        players = distinct(check_actors(con, rel, args.actors), 3, "balance")
        b = balance(con, rel, players, win=_win(args), band=args.band)
    share = f"{b.balanced_share:.2f}" if b.triads else "n/a (no triad has three signed edges)"
    notes = [f"verdict: {b.verdict}: {b.reason}",
             f"balanced triads: {b.balanced_triads} of {b.triads} ({share})",
             f"frustration index: {b.frustration}"]
    notes += ["cheapest splits into two camps (frustration: signed edges each contradicts):"]
    notes += [f"  {{{r.camp_1}}} and {{{r.camp_2 or 'nobody'}}}: {r.frustration}"
              + (f" ({r.frustrated})" if r.frustrated else "") for r in b.splits.head(3).itertuples()]
    chart = {"x": [f"{a}–{c}" for a, c in zip(b.edges.a, b.edges.b)], "kind": "barh",
             "title": "edge scores", "series": {"score": [float(v) for v in b.edges.score]}}
    emit(Result(f"balance of {', '.join(players)}", b.edges, notes, chart=chart,
                extra={"verdict": b.verdict, "reason": b.reason,
                       "splits": b.splits.to_dict(orient="records"),
                       "frustration": b.frustration, "camps": list(b.camps),
                       "balanced_triads": b.balanced_triads, "triads": b.triads}),
         args.format, args.output)
    return 0


def cmd_divergence(args: argparse.Namespace) -> int:
    from ..analysis.divergence import divergence

    with _relation(args) as (_, con, rel):
        c, t = check_actors(con, rel, [args.country, args.toward])
        d = divergence(con, rel, c, t, office=args.office, win=_win(args))
    first = d.rows.iloc[0]
    notes = [f"leader = {c}'s {d.office.replace('_', ' ')}; leader minus government, all "
             f"events: {first['difference']:+.2f} (95% {first['lo']:+.2f} to {first['hi']:+.2f}), "
             f"Hedges' g {first['hedges_g']:+.2f}"]
    chart = {"x": list(d.rows.kind), "kind": "barh", "title": f"{c} leader − government toward {t}",
             "series": {"difference": [float(v) for v in d.rows.difference.fillna(0)]}}
    emit(Result(f"divergence {c} toward {t}", d.rows, notes, chart=chart,
                extra={"office": d.office}), args.format, args.output)
    return 0


def cmd_reciprocity(args: argparse.Namespace) -> int:
    from ..analysis.reciprocity import reciprocity

    with _relation(args) as (_, con, rel):
        a, b = check_actors(con, rel, [args.a, args.b])
        r = reciprocity(con, rel, a, b, by=args.by, lags=args.lags, win=_win(args))
    notes = [f"comparative reciprocity of {b} toward {a}: {r.coefficient:+.3f} "
             f"(s.e. {r.coefficient_se:.3f}, p {r.coefficient_p:.3f}); "
             + ("negative: bullying" if r.coefficient < 0 else "positive: answers in kind"),
             "cross-correlation (lag k: " + f"{a}→{b} at t against {b}→{a} at t+k): "
             + ", ".join(f"{int(x.lag)}: {x.correlation:+.2f}" for x in r.cross.itertuples())]
    s = r.series.assign(period=pd.to_datetime(r.series.period).dt.date)
    emit(Result(f"reciprocity {a}–{b} by {args.by} (Granger tests, VAR with {args.lags} lags)",
                r.granger, notes,
                extra={"coefficient": r.coefficient, "coefficient_se": r.coefficient_se,
                       "cross": r.cross.to_dict(orient="records"),
                       "series": s.to_dict(orient="records")},
                chart=_series_chart(s, ["a_to_b", "b_to_a"], f"net Goldstein {a}→{b}, {b}→{a}")),
         args.format, args.output)
    return 0


def cmd_signals(args: argparse.Namespace) -> int:
    import shutil

    from ..analysis.output import pick_format
    from ..analysis.signals import as_frame, render, signals

    win = _win(args)
    with _relation(args) as (_, con, rel):
        watch = check_actors(con, rel, parse_codes(args.watch)) if args.watch else []
        found = signals(con, rel, watch=watch, since=win.since, until=win.until, by=args.by,
                        lookback=args.lookback, top=args.top, min_score=args.min_score)
    df = as_frame(found)
    if pick_format(args.format, args.output) == "table" and not args.wide:
        # one block per signal, wrapped to the terminal (evidence on lines of its own)
        text = f"{len(df)} signals\n\n" + render(found, shutil.get_terminal_size().columns)
        if args.output:
            from pathlib import Path

            Path(args.output).write_text(text, encoding="utf-8")
            print(f"eventdesk: wrote {args.output}", file=sys.stderr)
        else:
            sys.stdout.write(text)
        return 0
    chart = {"x": [f"{r.kind} {r.dyad} {r.date}" for r in df.itertuples()], "kind": "barh",
             "title": "signals", "series": {"score (bits)": [float(v) for v in df.score]}}
    emit(Result(f"{len(df)} signals", df, chart=chart), args.format, args.output)
    return 0


def cmd_brief(args: argparse.Namespace) -> int:
    out = args.output
    if not out or not out.lower().endswith((".html", ".md")):
        raise UsageError("-o must name the brief's file, ending in .html or .md")
    from ..analysis.brief import build

    with _relation(args) as (store, con, rel):
        focus, *others = check_actors(con, rel, [args.focus, *parse_codes(args.with_)])
        if not others:
            raise UsageError("--with needs at least one actor (e.g. --with USA,CHN)")
        b = build(con, rel, focus, others, win=_win(args), by=args.by, document=store.document,
                  store=str(store.path), raw=args.raw, status=args.status)
    b.save(out)
    print(f"eventdesk: wrote {out}", file=sys.stderr)
    return 0


# -- parser ---------------------------------------------------------------------------------------
def _common(p: argparse.ArgumentParser, *, out: bool = True, period: bool = True) -> None:
    add_db(p)
    add_actors(p, dest="actor_files")
    p.add_argument("--since", type=day, help="first date (YYYY-MM-DD)")
    p.add_argument("--until", type=day, help="last date (YYYY-MM-DD)")
    p.add_argument("--raw", action="store_true",
                   help="one row per report instead of per corroborated event")
    p.add_argument("--status", default="asserted",
                   help="comma-separated statuses to read (default asserted), or all")
    p.add_argument("--include-mentions", action="store_true",
                   help="also read mentions of earlier events (\"since the strike on ...\"), "
                        "left out by default")
    add_min_confidence(p, "read only events the coder is at least this sure of (0 to 1; a "
                          "corroborated event by its representative report); imported events "
                          "have no confidence and are then left out")
    if period:
        p.add_argument("--by", choices=PERIODS, default="month", help="period (default month)")
    if out:
        p.add_argument("--format", choices=FORMATS,
                       help="table (default), csv, json or png (png needs -o)")
        p.add_argument("-o", "--output", metavar="FILE",
                       help="write to FILE (format from its suffix unless --format)")


def _cmd(sub: Any, fmt: type[argparse.HelpFormatter], name: str, help: str, example: str,
         func: Any) -> argparse.ArgumentParser:
    from ..analysis.glossary import help_text

    cols = help_text(name)
    p = sub.add_parser(name, help=help, description=help[0].upper() + help[1:] + ".",
                       formatter_class=fmt,
                       epilog="example:\n  " + example + ("\n\n" + cols if cols else ""))
    p.set_defaults(func=func)
    return p


def register(sub: Any, fmt: type[argparse.HelpFormatter]) -> None:
    """Add this room's commands to the ``eventdesk`` parser's subparsers."""
    p = _cmd(sub, fmt, "dyad", "one dyad period by period: counts by quad class, Goldstein, "
             "cooperation and conflict mass, balance, EWMA, robust z",
             "eventdesk dyad RUS USA --by month --db demo/eventdesk.duckdb", cmd_dyad)
    p.add_argument("a", type=actor, help="actor code (RUS, or RUSGOV for the government only)")
    p.add_argument("b", type=actor, help="the other actor code")
    p.add_argument("--directed", action="store_true", help="only events from A to B")
    _common(p)

    p = _cmd(sub, fmt, "dyads", "rank country pairs by activity or by movement",
             "eventdesk dyads --top 20 --rank movement", cmd_dyads)
    p.add_argument("--top", type=count, default=20, help="how many (default 20)")
    p.add_argument("--rank", choices=["activity", "movement"], default="activity")
    _common(p)

    p = _cmd(sub, fmt, "triangle", "strategic triangle of three actors: edge scores, "
             "configuration, roles and pivot leverage per period",
             "eventdesk triangle RUS USA CHN --by month", cmd_triangle)
    p.add_argument("actors", nargs=3, type=actor, metavar="ACTOR")
    p.add_argument("--band", type=float, default=1.0, help="neutral band ± (default 1.0)")
    p.add_argument("--reps", type=count, default=1000, help="bootstrap draws (default 1000)")
    _common(p)

    p = _cmd(sub, fmt, "balance", "structural balance of a signed graph of actors: balanced "
             "triads, exact frustration index, two camps",
             "eventdesk balance USA RUS CHN PRK KOR JPN", cmd_balance)
    p.add_argument("actors", nargs="+", type=actor, metavar="ACTOR")
    p.add_argument("--band", type=float, default=1.0, help="neutral band ± (default 1.0)")
    _common(p, period=False)

    p = _cmd(sub, fmt, "divergence", "a state's leader against the rest of its government "
             "toward a target: difference of mean Goldstein, interval, Hedges' g, say-do gap",
             "eventdesk divergence USA --toward RUS", cmd_divergence)
    p.add_argument("country", type=actor, help="the state (USA)")
    p.add_argument("--toward", type=actor, required=True, help="the target (RUS)")
    p.add_argument("--office", default="auto",
                   choices=["auto", "head_of_state", "head_of_government"],
                   help="the leader's office (auto: whichever acts more often for the state)")
    _common(p, period=False)

    p = _cmd(sub, fmt, "reciprocity", "do two actors answer each other in kind: "
             "cross-correlation, comparative reciprocity, Granger tests",
             "eventdesk reciprocity USA RUS --by week --lags 2", cmd_reciprocity)
    p.add_argument("a", type=actor)
    p.add_argument("b", type=actor)
    p.add_argument("--lags", type=count, default=2, help="VAR lags (default 2)")
    _common(p)

    p = _cmd(sub, fmt, "signals", "what deserves a second look: novelty, count spikes, "
             "intensity shifts and change points, salience against coverage, relevance",
             "eventdesk signals --watch USA,RUS,CHN --since 2017-05-01", cmd_signals)
    p.add_argument("--watch", type=actor, help="watched powers, comma-separated (USA,RUS,CHN)")
    p.add_argument("--top", type=count, default=20, help="how many (default 20)")
    p.add_argument("--lookback", type=count, default=365, help="novelty look-back in days")
    p.add_argument("--min-score", type=float, default=3.0, help="lowest score shown (bits)")
    p.add_argument("--wide", action="store_true",
                   help="the whole table, one line per signal, however wide")
    _common(p)

    p = _cmd(sub, fmt, "brief", "the analyst's brief on a focus state and its partners, as "
             "HTML (charts embedded) or Markdown, with a citation behind every claim",
             "eventdesk brief --focus RUS --with USA,CHN -o brief.html", cmd_brief)
    p.add_argument("--focus", type=actor, required=True, help="the focus state (RUS)")
    p.add_argument("--with", dest="with_", type=actor, required=True, help="partners, comma-separated")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="brief.html or brief.md")
    _common(p, out=False)
