"""The analyst's brief: each relationship of the focus state in words and numbers, its key
events, the triangle and its pivot, leader against government, and the signals worth a second
look, with a numbered citation (document and sentence) behind every claim. HTML embeds its
charts as base64 PNG; Markdown carries the same text without charts.
"""
from __future__ import annotations

import base64
import html
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import UsageError
from .common import Window
from .dyads import dyad_series, pair_sql
from .output import png

Block = tuple[str, Any]


@dataclass
class Citations:
    document: Callable[[str], dict[str, Any] | None] | None
    refs: list[tuple[str, str, Any]] = field(default_factory=list)   # doc_id, sentence, date
    _index: dict[tuple[str, str], int] = field(default_factory=dict)

    def cite(self, doc_id: str, sentence: str, day: Any = None) -> str:
        key = (doc_id, sentence)
        if key not in self._index:
            self.refs.append((doc_id, sentence, day))
            self._index[key] = len(self.refs)
        return f"[{self._index[key]}]"

    def entries(self) -> list[str]:
        out = []
        for doc_id, sentence, day in self.refs:
            meta = (self.document(doc_id) if self.document else None) or {}
            where = " · ".join(str(v) for v in (meta.get("title"), meta.get("published") or day,
                                                meta.get("path") or meta.get("url")) if v)
            out.append(f"{doc_id}{' · ' + where if where else ''}: “{sentence}”")
        return out


def brief(con: Any, rel: str, focus: str, partners: list[str], *, win: Window = Window(),
          by: str = "month", document: Callable[[str], dict[str, Any] | None] | None = None,
          fmt: str = "html", top_signals: int = 10) -> str:
    """The brief as one HTML page or Markdown text."""
    cites = Citations(document)
    blocks: list[Block] = [("h1", f"Brief: {focus} and {', '.join(partners)}"),
                           ("p", f"Period: {win.describe()}; corroborated events coded from the "
                                 "store; Goldstein scores run from −10 (most hostile) to +10.")]
    for p in partners:
        blocks += _relationship(con, rel, focus, p, win, by, cites)
    if len(partners) == 2:
        blocks += _triangle(con, rel, [focus, *partners], win, by, cites)
    blocks += _divergences(con, rel, focus, partners, win, cites)
    blocks += _signals(con, rel, [focus, *partners], win, by, cites, top_signals)
    blocks += [("h2", "Sources"), ("refs", cites.entries())]
    return _html(blocks, focus) if fmt == "html" else _markdown(blocks)


@dataclass
class Brief:
    """A brief: ``html()``, ``markdown()``, ``save(path)`` and ``to_frame()``."""

    text_html: str
    text_md: str
    verdicts: Any = None

    def html(self) -> str:
        return self.text_html

    def markdown(self) -> str:
        return self.text_md

    def save(self, path: str) -> None:
        from pathlib import Path

        out = Path(path)
        if out.suffix.lower() not in (".html", ".md"):
            raise UsageError(f"{path}: a brief's file ends in .html or .md")
        out.write_text(self.text_html if out.suffix.lower() == ".html" else self.text_md,
                       encoding="utf-8")

    def to_frame(self) -> Any:
        import pandas as pd

        return self.verdicts if self.verdicts is not None else pd.DataFrame()


def build(con: Any, rel: str, focus: str, partners: list[str], *, win: Window = Window(),
          by: str = "month", document: Callable[[str], dict[str, Any] | None] | None = None,
          **_: Any) -> Brief:
    return Brief(brief(con, rel, focus, partners, win=win, by=by, document=document),
                 brief(con, rel, focus, partners, win=win, by=by, document=document, fmt="md"))


# -- sections -------------------------------------------------------------------------------------
def _key_events(con: Any, rel: str, a: str, b: str, win: Window, n: int = 3) -> list[tuple]:
    return con.execute(
        f"SELECT date, actor_code, recipient_code, cameo, goldstein, doc_id, sentence FROM {rel} "
        f"WHERE {win.sql()} AND {pair_sql(a, b, False)} "
        f"ORDER BY quad IN (2, 4) DESC, abs(goldstein) DESC, date, event_id LIMIT {n}").fetchall()


def _relationship(con: Any, rel: str, a: str, b: str, win: Window, by: str,
                  cites: Citations) -> list[Block]:
    out: list[Block] = [("h2", f"{a}–{b}")]
    try:
        df = dyad_series(con, rel, a, b, by=by, win=win)
    except UsageError as exc:
        return out + [("p", f"No assessment: {exc}.")]
    keys = _key_events(con, rel, a, b, win)
    mean = df["mean_goldstein"].to_numpy(float)
    seen = ~np.isnan(mean)
    recent, earlier = mean[seen][-2:], mean[seen][:-2]
    if len(earlier):
        delta = np.mean(recent) - np.mean(earlier)
        trend = "warming" if delta > 0.5 else "cooling" if delta < -0.5 else "steady"
        trend_text = (f"The relationship is {trend}: mean Goldstein {np.mean(recent):+.1f} in the "
                      f"last {len(recent)} active {by}s against {np.mean(earlier):+.1f} before")
    else:
        trend_text = (f"Too few active {by}s to call a trend; mean Goldstein "
                      f"{np.nanmean(mean):+.1f}")
    words = df[["verbal_coop", "verbal_conflict"]].to_numpy().sum()
    deeds = df[["material_coop", "material_conflict"]].to_numpy().sum()
    wd = con.execute(
        f"SELECT avg(goldstein) FILTER (WHERE quad IN (1, 3)), "
        f"avg(goldstein) FILTER (WHERE quad IN (2, 4)) FROM {rel} "
        f"WHERE {win.sql()} AND {pair_sql(a, b, False)}").fetchone()
    fmt = lambda v: "n/a" if v is None else f"{v:+.1f}"  # noqa: E731
    support = " ".join(cites.cite(k[5], k[6], k[0]) for k in keys)
    out.append(("p", f"{trend_text} {support}. {int(df['n'].sum())} events: {int(words)} in words "
                     f"(mean {fmt(wd[0])}), {int(deeds)} in deeds (mean {fmt(wd[1])})."))
    out.append(("ul", [f"{k[0]} {k[1]} → {k[2]}, CAMEO {k[3]} ({k[4]:+.1f}) "
                       f"{cites.cite(k[5], k[6], k[0])}" for k in keys]))
    out.append(("img", (png(x=[p for p in df["period"]], series={
        "mean Goldstein": [float(v) for v in df["mean_goldstein"]],
        "EWMA": [float(v) for v in df["ewma"]]}, title=f"{a}–{b} by {by}", ylabel="Goldstein"),
        f"{a}–{b} mean Goldstein by {by}")))
    return out


def _triangle(con: Any, rel: str, players: list[str], win: Window, by: str,
              cites: Citations) -> list[Block]:
    from .triangle import triangle

    out: list[Block] = [("h2", f"Triangle {', '.join(players)}")]
    try:
        tr = triangle(con, rel, players, by=by, win=win)
    except UsageError as exc:
        return out + [("p", f"No assessment: {exc}.")]
    last = tr.frame.iloc[-1]
    f = players[0]
    support = []
    for i, j in ((0, 1), (0, 2), (1, 2)):
        k = _key_events(con, rel, players[i], players[j], win, 1)
        support += [cites.cite(x[5], x[6], x[0]) for x in k]
    cfg = last["configuration"]
    key = f" ({last['key_player']})" if last["key_player"] else ""
    edges = "; ".join(f"{c[2:]} {last[c]:+.1f}" for c in tr.frame.columns
                      if c.startswith("S ") and not np.isnan(last[c]))
    out.append(("p", f"In the last {by} ({last['period']}) the triangle is {cfg}{key}, bootstrap "
                     f"probability {last['probability']:.2f}. Edge scores: {edges} "
                     f"{' '.join(support)}. {f}'s pivot leverage is "
                     f"{last[f'leverage {f}']:+.1f}; the pivot is "
                     f"{last['pivot'] or 'nobody'}."))
    if tr.changes:
        out.append(("ul", tr.changes))
    cols = [c for c in tr.frame.columns if c.startswith("S ")]
    out.append(("img", (png(x=list(tr.frame["period"]), series={
        c[2:]: [float(v) for v in tr.frame[c]] for c in cols}, title="edge scores",
        ylabel="Goldstein", band=1.0), "triangle edge scores")))
    return out


def _divergences(con: Any, rel: str, focus: str, partners: list[str], win: Window,
                 cites: Citations) -> list[Block]:
    from .divergence import divergence

    items = []
    for c, t in [(focus, p) for p in partners] + [(p, focus) for p in partners]:
        try:
            d = divergence(con, rel, c, t, win=win)
        except UsageError as exc:
            items.append(f"{c} toward {t}: no assessment ({exc}).")
            continue
        r = d.rows.set_index("kind")
        ev = d.evidence
        cite = " ".join(cites.cite(e.doc_id, e.sentence, e.date) for side in ("leader", "government")
                        for e in ev[ev.side == side].head(1).itertuples())
        gap = r.loc["say-do gap"]
        items.append(f"{c} toward {t}: the {d.office.replace('_', ' ')} is "
                     f"{r.loc['all', 'difference']:+.1f} warmer than the rest of the government "
                     f"(95% {r.loc['all', 'lo']:+.1f} to {r.loc['all', 'hi']:+.1f}, Hedges' g "
                     f"{r.loc['all', 'hedges_g']:+.2f}; {int(r.loc['all', 'n_leader'])} against "
                     f"{int(r.loc['all', 'n_government'])} events); say–do gap "
                     + ("n/a" if np.isnan(gap["difference"]) else f"{gap['difference']:+.1f}")
                     + f" {cite}")
    return [("h2", "Leader and government"), ("ul", items)]


def _signals(con: Any, rel: str, watch: list[str], win: Window, by: str, cites: Citations,
             top: int) -> list[Block]:
    from .signals import signals

    out: list[Block] = [("h2", "Worth a second look")]
    try:
        found = signals(con, rel, watch=watch, since=win.since, until=win.until, by=by, top=top)
    except UsageError as exc:
        return out + [("p", f"No signals: {exc}.")]
    if not found:
        return out + [("p", "No signal reaches the threshold.")]
    items = []
    for s in found:
        refs = " ".join(cites.cite(e["doc_id"], e["sentence"], e["date"]) for e in s.evidence)
        items.append(f"{s.when} · {s.kind} · score {s.score:.1f}: {s.reason} {refs}")
    return out + [("ul", items)]


# -- rendering ------------------------------------------------------------------------------------
def _markdown(blocks: list[Block]) -> str:
    lines: list[str] = []
    for kind, body in blocks:
        if kind == "h1":
            lines += [f"# {body}", ""]
        elif kind == "h2":
            lines += [f"## {body}", ""]
        elif kind == "p":
            lines += [body, ""]
        elif kind == "ul":
            lines += [f"- {x}" for x in body] + [""]
        elif kind == "refs":
            lines += [f"{k}. {x}" for k, x in enumerate(body, 1)] + [""]
    return "\n".join(lines)


def _html(blocks: list[Block], focus: str) -> str:
    import re

    def text(s: str) -> str:
        return re.sub(r"\[(\d+)\]", r'<a href="#ref-\1">[\1]</a>', html.escape(s))

    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             f"<title>Brief: {html.escape(focus)}</title>",
             "<style>body{font-family:Georgia,serif;max-width:52em;margin:2em auto;"
             "line-height:1.45;color:#222}h2{border-bottom:1px solid #ccc}img{max-width:100%}"
             "li{margin:.3em 0}.refs li{font-size:.9em}</style></head><body>"]
    for kind, body in blocks:
        if kind in ("h1", "h2", "p"):
            parts.append(f"<{kind}>{text(body)}</{kind}>")
        elif kind == "ul":
            parts.append("<ul>" + "".join(f"<li>{text(x)}</li>" for x in body) + "</ul>")
        elif kind == "img":
            data, alt = body
            parts.append(f'<p><img alt="{html.escape(alt)}" src="data:image/png;base64,'
                         f'{base64.b64encode(data).decode()}"></p>')
        elif kind == "refs":
            parts.append('<ol class="refs">' + "".join(
                f'<li id="ref-{k}">{html.escape(x)}</li>' for k, x in enumerate(body, 1))
                + "</ol>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
