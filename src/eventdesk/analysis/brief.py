"""The analyst's brief: each relationship of the focus state in words and numbers, its key
events, the triangle and its pivot, leader against government, and the signals that touch the
focus or its partners, with a numbered citation (document and sentence) behind every claim.

**The verdict rule.** Each relationship is judged over the *last full period* (the last month,
say, that the data covers to its end; a period the data stops inside is partial and left out)
against the *baseline*: the ``baseline`` periods (6) before it. The verdict compares the mean
Goldstein score of the events of the last full period with that of the baseline's events:
their difference with a 95% interval (normal approximation from the events' variances):
*warmer* when the whole interval is above zero, *cooler* when it is below, and *too little
data to tell* when it spans both signs or either side has fewer than two events. The chart
beside it shows the same means period by period, the last full period marked, so the words
and the chart agree. No chart is drawn for fewer than three periods.

HTML charts are interactive (Plotly; its JavaScript is embedded from the ``plotly`` package, so
the file works offline); Markdown gets the same charts as PNG images (data URIs).
"""
from __future__ import annotations

import base64
import html
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date as Date
from datetime import datetime, timezone
from typing import Any

import numpy as np
import pandas as pd

from ..errors import UsageError
from .common import Params, Window, cameo_name, name_of
from .dyads import dyad_series, pair_sql
from .signals import one_line, period_label

BASELINE = 6
MIN_CHART_PERIODS = 3


@dataclass
class Citations:
    document: Callable[[str], dict[str, Any] | None] | None
    refs: list[tuple[str, str, Any]] = field(default_factory=list)   # doc_id, sentence, date
    _index: dict[tuple[str, str], int] = field(default_factory=dict)

    def cite(self, doc_id: str, sentence: str, day: Any = None) -> str:
        key = (doc_id, one_line(sentence))
        if key not in self._index:
            self.refs.append((doc_id, one_line(sentence), day))
            self._index[key] = len(self.refs)
        return f"[{self._index[key]}]"

    def entries(self) -> list[dict[str, Any]]:
        out = []
        for doc_id, sentence, day in self.refs:
            meta = (self.document(doc_id) if self.document else None) or {}
            out.append({"doc_id": doc_id, "sentence": sentence, "title": meta.get("title"),
                        "date": meta.get("published") or day, "url": meta.get("url"),
                        "source": meta.get("source"), "path": meta.get("path")})
        return out


@dataclass
class Chart:
    title: str
    x: list[str]
    series: dict[str, list[float]]
    mark: str | None = None                    # the x of the last full period
    band: float | None = None


@dataclass
class Brief:
    """A brief: ``html()``, ``markdown()``, ``save(path)`` and ``to_frame()`` (one row per
    relationship: the verdict, the periods compared, their means and interval)."""

    blocks: list[tuple[str, Any]]
    verdicts: pd.DataFrame
    title: str

    def html(self, *, scripts: bool = True) -> str:
        """The brief as one HTML file, its charts drawn by Plotly (embedded). With
        ``scripts=False`` it holds no script at all, for a page whose Content-Security-Policy
        forbids inline scripts (``eventdesk serve``): each chart is a ``<div class="chart">``
        whose ``data-figure`` attribute holds the Plotly figure as JSON, for the page's own
        script to draw, with the chart as a PNG for readers without JavaScript."""
        return _html(self.blocks, self.title, scripts=scripts)

    def markdown(self) -> str:
        return _markdown(self.blocks)

    def save(self, path: Any) -> None:
        from pathlib import Path

        out = Path(path)
        if out.suffix.lower() not in (".html", ".md"):
            raise UsageError(f"{path}: a brief's file ends in .html or .md")
        out.write_text(self.html() if out.suffix.lower() == ".html" else self.markdown(),
                       encoding="utf-8")

    def to_frame(self) -> pd.DataFrame:
        return self.verdicts


def build(con: Any, rel: str, focus: str, partners: list[str], *, win: Window = Window(),
          by: str = "month", document: Callable[[str], dict[str, Any] | None] | None = None,
          store: str = "", raw: bool = False, status: Any = "asserted",
          top_signals: int = 8, baseline: int = BASELINE) -> Brief:
    """The brief on ``focus`` and ``partners`` over ``win``."""
    cites = Citations(document)
    players = [focus, *partners]
    p = Params()
    either = " OR ".join(f"actor_country = {p(x)} OR recipient_country = {p(x)}" for x in players)
    n, first, last = con.execute(f"SELECT count(*), min(date), max(date) FROM {rel} "
                                 f"WHERE {win.sql(p)} AND ({either})", p).fetchone()
    if not n:
        raise UsageError(f"no events of {', '.join(players)} in {win.describe()}")
    made = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    statuses = "all statuses" if status in (None, "all") else f"status {status}"
    title = f"Brief: {name_of(focus)} with " + _and([name_of(x) for x in partners])
    blocks: list[tuple[str, Any]] = [
        ("h1", title),
        ("meta", [f"Store: {store}", f"Events: {n} {'reports' if raw else 'corroborated events'}"
                  f" ({statuses}) of {', '.join(players)}, {first} to {last}",
                  f"Period asked: {win.describe()}; compared by {by}",
                  f"Made: {made}"]),
        ("p", "Goldstein scores run from −10 (most hostile) to +10 (most cooperative). Each "
              f"verdict compares the last full {by} with the {baseline} {by}s before it; it "
              "says “too little data” when the 95% interval of the difference spans both "
              "signs.")]
    rows = []
    for partner in partners:
        section, row = _relationship(con, rel, focus, partner, win, by, last, baseline, cites)
        blocks += section
        rows.append(row)
    if len(partners) == 2:
        blocks += _triangle(con, rel, players, win, by, last, cites)
    blocks += _divergences(con, rel, focus, partners, win, cites)
    blocks += _signals(con, rel, players, win, by, cites, top_signals)
    blocks += [("h2", "Sources"), ("refs", cites.entries())]
    return Brief(blocks, pd.DataFrame(rows), title)


def brief(con: Any, rel: str, focus: str, partners: list[str], *, win: Window = Window(),
          by: str = "month", document: Callable[[str], dict[str, Any] | None] | None = None,
          fmt: str = "html", **kw: Any) -> str:
    """The brief as one HTML page or Markdown text."""
    b = build(con, rel, focus, partners, win=win, by=by, document=document, **kw)
    return b.html() if fmt == "html" else b.markdown()


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _fmt(v: Any) -> str:
    return f"{v:+.1f}".replace("-", "−")


# -- the verdict ----------------------------------------------------------------------------------
def last_full_period(last: Date, by: str) -> pd.Timestamp:
    """The start of the last period the data covers to its end (``last`` its last date)."""
    freq = {"day": "D", "week": "W-SUN", "month": "M", "quarter": "Q", "year": "Y"}[by]
    per = pd.Timestamp(last).to_period(freq)
    if pd.Timestamp(last).normalize() < per.end_time.normalize():
        per -= 1
    return per.start_time


def verdict(values_last: np.ndarray, values_base: np.ndarray) -> dict[str, Any]:
    """Mean of the last period against the baseline's: difference, 95% interval and the
    word for it (see the module's text)."""
    out: dict[str, Any] = {"n_last": len(values_last), "n_baseline": len(values_base),
                           "mean_last": np.nan, "mean_baseline": np.nan, "difference": np.nan,
                           "lo": np.nan, "hi": np.nan, "verdict": "too little data"}
    if len(values_last):
        out["mean_last"] = float(np.mean(values_last))
    if len(values_base):
        out["mean_baseline"] = float(np.mean(values_base))
    if len(values_last) < 2 or len(values_base) < 2:
        return out
    d = out["mean_last"] - out["mean_baseline"]
    se = math.sqrt(np.var(values_last, ddof=1) / len(values_last)
                   + np.var(values_base, ddof=1) / len(values_base))
    out.update(difference=d, lo=d - 1.96 * se, hi=d + 1.96 * se)
    if out["lo"] > 0:
        out["verdict"] = "warmer"
    elif out["hi"] < 0:
        out["verdict"] = "cooler"
    return out


def _relationship(con: Any, rel: str, a: str, b: str, win: Window, by: str, last: Date,
                  baseline: int, cites: Citations) -> tuple[list[tuple[str, Any]], dict]:
    title = f"{name_of(a)} and {name_of(b)}"
    out: list[tuple[str, Any]] = [("h2", title)]
    row: dict[str, Any] = {"partner": b, "verdict": "no events"}
    try:
        df = dyad_series(con, rel, a, b, by=by, win=win)
    except UsageError as exc:
        return out + [("p", f"No assessment: {exc}.")], row
    p = Params()
    ev = con.execute(
        f"SELECT CAST(date_trunc('{by}', date) AS DATE) AS period, date, actor_code, "
        f"recipient_code, cameo, goldstein, quad, doc_id, sentence FROM {rel} "
        f"WHERE {win.sql(p)} AND {pair_sql(a, b, False, p)} "
        f"ORDER BY quad IN (2, 4) DESC, abs(goldstein) DESC, date, event_id", p).df()
    ev["period"] = pd.to_datetime(ev["period"])
    full = last_full_period(last, by)
    periods = pd.to_datetime(df["period"])
    before = periods[periods < full][-baseline:]
    v = verdict(ev.loc[ev.period == full, "goldstein"].to_numpy(float),
                ev.loc[ev.period.isin(before), "goldstein"].to_numpy(float))
    label = period_label(full, by)
    row = {"partner": b, "period": full.date(), "baseline_from": before.min().date()
           if len(before) else None, **v}
    if v["n_last"] == 0:
        text = (f"No events in {label}, the last full {by} of the data, so no verdict on "
                "its direction (too little data).")
    elif v["verdict"] == "too little data":
        why = ("the 95% interval of the difference, "
               f"{_fmt(v['lo'])} to {_fmt(v['hi'])}, spans both signs"
               if not np.isnan(v["lo"]) else
               f"{v['n_last']} event{'s' if v['n_last'] != 1 else ''} in {label} and "
               + (f"{v['n_baseline']} in the {len(before)} {by}s before" if len(before) else
                  f"no earlier {by} with events")
               + ": at least two on each side are needed")
        base = (f" against {_fmt(v['mean_baseline'])} in the {len(before)} {by}s before"
                if v["n_baseline"] else "")
        text = (f"Too little data to tell a direction: mean Goldstein {_fmt(v['mean_last'])} "
                f"in {label} (the last full {by}){base}; {why}.")
    else:
        text = (f"In {label} (the last full {by}) the relationship was {v['verdict']} than "
                f"in the {len(before)} {by}s before: mean Goldstein {_fmt(v['mean_last'])} "
                f"({v['n_last']} events) against {_fmt(v['mean_baseline'])} "
                f"({v['n_baseline']} events), a difference of {_fmt(v['difference'])} "
                f"(95% interval {_fmt(v['lo'])} to {_fmt(v['hi'])}).")
    words = ev[ev.quad.isin([1, 3])].goldstein
    deeds = ev[ev.quad.isin([2, 4])].goldstein
    wd = (f"Over the whole period, {len(ev)} events: {len(words)} in words"
          + (f" (mean {_fmt(words.mean())})" if len(words) else "")
          + f" and {len(deeds)} in deeds"
          + (f" (mean {_fmt(deeds.mean())})." if len(deeds) else " (none in deeds)."))
    out.append(("p", f"{text} {wd}"))
    keys = ev.head(3)
    out.append(("ul", [_event_line(k, cites) for k in keys.itertuples()]))
    if len(df) >= MIN_CHART_PERIODS:
        x = [period_label(t, by) for t in periods]
        out.append(("chart", Chart(f"{a}–{b}: mean Goldstein by {by}", x, {
            "mean Goldstein": [float(m) for m in df["mean_goldstein"]],
            "EWMA": [float(m) for m in df["ewma"]]}, mark=label if label in x else None)))
    else:
        out.append(("p", f"(No chart: {len(df)} {by}{'s' if len(df) != 1 else ''} of events, "
                         f"fewer than {MIN_CHART_PERIODS}.)"))
    return out, row


def _event_line(k: Any, cites: Citations) -> str:
    return (f"{k.date:%Y-%m-%d}: {name_of(k.actor_code)} → {name_of(k.recipient_code)}, "
            f"{cameo_name(k.cameo)} (Goldstein {_fmt(k.goldstein)}): “{one_line(k.sentence)}” "
            f"{cites.cite(k.doc_id, k.sentence, k.date)}")


def _triangle(con: Any, rel: str, players: list[str], win: Window, by: str, last: Date,
              cites: Citations) -> list[tuple[str, Any]]:
    from .triangle import triangle

    out: list[tuple[str, Any]] = [("h2", "The triangle " + ", ".join(players))]
    try:
        tr = triangle(con, rel, players, by=by, win=win)
    except UsageError as exc:
        return out + [("p", f"No assessment: {exc}.")]
    f = tr.frame.copy()
    f["period"] = pd.to_datetime(f["period"])
    full = last_full_period(last, by)
    here = f[f.period <= full]
    if here.empty:
        return out + [("p", f"No assessment: no {by} of the triangle is complete yet.")]
    r = here.iloc[-1]
    label = period_label(r["period"], by)
    edges = []
    for c in [c for c in f.columns if c.startswith("S ")]:
        x, y = c[2:].split("-")
        edges.append(f"{x}–{y} " + ("no events yet" if np.isnan(r[c]) else _fmt(r[c])))
    cfg = r["configuration"]
    if cfg == "indeterminate":
        shape = ("indeterminate: at least one edge sits inside the neutral band (±1) or its "
                 "interval includes zero, so the triangle has no definite shape")
    else:
        shape = f"a {cfg}" + (f" with {name_of(r['key_player'])} as its key player"
                              if r["key_player"] else "")
        shape += f" (bootstrap probability {r['probability']:.2f})"
    focus = players[0]
    lev = r[f"leverage {focus}"]
    lev_text = (f"The pivot leverage of {name_of(focus)} (its worse edge minus the other "
                f"pair's) is {_fmt(lev)}" if not np.isnan(lev) else
                f"The pivot leverage of {name_of(focus)} cannot be computed: an edge has no "
                "events yet")
    pivot = (f"the pivot is {name_of(r['pivot'])}" if r["pivot"] else
             "no player holds the pivot (nobody's leverage is above zero, or it cannot be "
             "computed)")
    support = []
    for i, j in ((0, 1), (0, 2), (1, 2)):
        pp = Params()
        k = con.execute(f"SELECT doc_id, sentence, date FROM {rel} WHERE {win.sql(pp)} AND "
                        f"{pair_sql(players[i], players[j], False, pp)} ORDER BY "
                        "abs(goldstein) DESC, date, event_id LIMIT 1", pp).fetchone()
        if k:
            support.append(cites.cite(*k))
    out.append(("p", f"In {label} (smoothed edge scores: {'; '.join(edges)}) the triangle is "
                     f"{shape}. {lev_text}; {pivot}. {' '.join(support)}"))
    if tr.changes:
        out.append(("ul", tr.changes))
    if len(f) >= MIN_CHART_PERIODS:
        cols = [c for c in f.columns if c.startswith("S ")]
        x = [period_label(t, by) for t in f["period"]]
        out.append(("chart", Chart("edge scores (smoothed)", x,
                                   {c[2:]: [float(v) for v in f[c]] for c in cols},
                                   mark=label, band=1.0)))
    return out


def _divergences(con: Any, rel: str, focus: str, partners: list[str], win: Window,
                 cites: Citations) -> list[tuple[str, Any]]:
    from .divergence import divergence

    items = []
    for c, t in [(focus, x) for x in partners] + [(x, focus) for x in partners]:
        try:
            d = divergence(con, rel, c, t, win=win)
        except UsageError as exc:
            items.append(f"{name_of(c)} toward {name_of(t)}: no assessment ({exc}).")
            continue
        r = d.rows.set_index("kind")
        ev = d.evidence
        cite = " ".join(cites.cite(e.doc_id, e.sentence, e.date) for side in ("leader", "government")
                        for e in ev[ev.side == side].head(1).itertuples())
        gap = r.loc["say-do gap"]
        al = r.loc["all"]
        lead = d.office.replace("_", " ")
        if al["lo"] > 0 or al["hi"] < 0:
            how = f"{'warmer' if al['difference'] > 0 else 'colder'} than the rest of the government"
        else:
            how = "neither warmer nor colder than the rest of the government, within the interval"
        gap_text = ("no words of the leader or no deeds of the government to compare"
                    if np.isnan(gap["difference"]) else
                    f"the leader's words minus the government's deeds: {_fmt(gap['difference'])}")
        items.append(f"{name_of(c)} toward {name_of(t)}: the {lead} is {how} "
                     f"({_fmt(al['difference'])}, 95% {_fmt(al['lo'])} to {_fmt(al['hi'])}; "
                     f"{int(al['n_leader'])} against {int(al['n_government'])} events); "
                     f"{gap_text} {cite}")
    return [("h2", "Leader and government"), ("ul", items)]


def _signals(con: Any, rel: str, players: list[str], win: Window, by: str, cites: Citations,
             top: int) -> list[tuple[str, Any]]:
    """The signals of pairs that hold the focus, then those of pairs that hold a partner but
    not the focus, each list ranked as ``eventdesk signals --watch`` ranks (priority, then
    bits)."""
    from .signals import signals

    focus, partners = players[0], players[1:]
    out: list[tuple[str, Any]] = [("h2", "Worth a second look")]
    try:
        found = signals(con, rel, watch=players, since=win.since, until=win.until, by=by,
                        top=10 * top, touching=players)
    except UsageError as exc:
        return out + [("p", f"No signals: {exc}.")]
    mine = [s for s in found if focus in (s.a, s.b)][:top]
    around = [s for s in found if focus not in (s.a, s.b)][:max(3, top // 2)]
    out.append(("p", "Ranked first by priority (a first cooperation or conflict between a "
                     "watched power and a state that figures in another watched relationship "
                     "comes first), then by surprise in bits; watched: "
                     + ", ".join(name_of(x) for x in players) + "."))

    def items(group: list[Any]) -> list[str]:
        lines = []
        for s in group:
            refs = " ".join(cites.cite(e["doc_id"], e["sentence"], e["date"])
                            for e in s.evidence)
            lines.append(f"{s.when} · {name_of(s.a)} and {name_of(s.b)} · {s.kind} "
                         f"(score {s.score:.1f}): {s.reason} {refs}")
        return lines

    out.append(("h3", f"Involving {name_of(focus)}"))
    out.append(("ul", items(mine)) if mine else
               ("p", f"No signal involving {name_of(focus)} reaches the threshold."))
    out.append(("h3", "Around " + _and([name_of(x) for x in partners])))
    out.append(("ul", items(around)) if around else
               ("p", "No signal around the partners reaches the threshold."))
    return out


# -- rendering ------------------------------------------------------------------------------------
def _png(chart: Chart) -> bytes:
    from .output import png

    return png(x=chart.x, series=chart.series, title=chart.title, ylabel="Goldstein",
               band=chart.band)


def _plotly(chart: Chart, k: int) -> str:
    return _figure(chart).to_html(full_html=False, include_plotlyjs=False, div_id=f"chart-{k}",
                                  config={"displaylogo": False})


def _figure(chart: Chart) -> Any:
    import plotly.graph_objects as go

    fig = go.Figure()
    for name, vals in chart.series.items():
        fig.add_trace(go.Scatter(x=chart.x, y=[None if math.isnan(v) else v for v in vals],
                                 mode="lines+markers", name=name, connectgaps=False))
    if chart.band:
        fig.add_hrect(y0=-chart.band, y1=chart.band, fillcolor="#ddd", opacity=0.5,
                      line_width=0, annotation_text="neutral band")
    if chart.mark:
        fig.add_vline(x=chart.x.index(chart.mark), line_dash="dot", line_color="#a33",
                      annotation_text="last full period")
    fig.add_hline(y=0, line_color="#888", line_width=1)
    fig.update_layout(title=chart.title, height=330, margin=dict(l=50, r=20, t=50, b=60),
                      xaxis=dict(type="category", title=None), yaxis=dict(title="Goldstein"),
                      template="plotly_white", legend=dict(orientation="h", y=-0.25))
    return fig


def _markdown(blocks: list[tuple[str, Any]]) -> str:
    lines: list[str] = []
    for kind, body in blocks:
        if kind == "h1":
            lines += [f"# {body}", ""]
        elif kind == "h2":
            lines += [f"## {body}", ""]
        elif kind == "h3":
            lines += [f"### {body}", ""]
        elif kind == "p":
            lines += [body, ""]
        elif kind in ("ul", "meta"):
            lines += [f"- {x}" for x in body] + [""]
        elif kind == "chart":
            data = base64.b64encode(_png(body)).decode()
            lines += [f"![{body.title}](data:image/png;base64,{data})", ""]
        elif kind == "refs":
            for k, r in enumerate(body, 1):
                where = r["url"] or r["path"]
                head = f"[{r['title'] or r['doc_id']}]({r['url']})" if r["url"] else \
                    (r["title"] or r["doc_id"])
                lines.append(f"{k}. {head} · {' · '.join(str(v) for v in (r['source'], r['date']) if v)}"
                             f"{' · ' + str(where) if where and not r['url'] else ''}: "
                             f"“{r['sentence']}”")
            lines.append("")
    return "\n".join(lines)


def _html(blocks: list[tuple[str, Any]], title: str, *, scripts: bool = True) -> str:
    from importlib import resources

    def text(s: str) -> str:
        return re.sub(r"\[(\d+)\]", r'<a href="#ref-\1">[\1]</a>', html.escape(s))

    js = (resources.files("plotly") / "package_data" / "plotly.min.js").read_text("utf-8") \
        if scripts else ""
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             f"<title>{html.escape(title)}</title>",
             "<style>body{font-family:Georgia,serif;max-width:54em;margin:2em auto;"
             "padding:0 1em;line-height:1.45;color:#222}h2{border-bottom:1px solid #ccc}"
             ".meta{color:#555;font-size:.9em;list-style:none;padding:0}li{margin:.35em 0}"
             ".refs li{font-size:.9em}.chart{margin:1em 0}</style>",
             (f"<script>{js}</script>" if scripts else "") + "</head><body>"]
    k = 0
    for kind, body in blocks:
        if kind in ("h1", "h2", "h3", "p"):
            parts.append(f"<{kind}>{text(body)}</{kind}>")
        elif kind == "meta":
            parts.append('<ul class="meta">' + "".join(f"<li>{text(x)}</li>" for x in body)
                         + "</ul>")
        elif kind == "ul":
            parts.append("<ul>" + "".join(f"<li>{text(x)}</li>" for x in body) + "</ul>")
        elif kind == "chart":
            k += 1
            png = base64.b64encode(_png(body)).decode()
            img = (f'<noscript><img alt="{html.escape(body.title)}" '
                   f'src="data:image/png;base64,{png}"></noscript>')
            if scripts:
                parts.append(f'<div class="chart">{_plotly(body, k)}{img}</div>')
            else:
                figure = html.escape(_figure(body).to_json(), quote=True)
                parts.append(f'<div class="chart" id="chart-{k}" data-figure="{figure}">{img}'
                             "</div>")
        elif kind == "refs":
            items = []
            for n, r in enumerate(body, 1):
                head = html.escape(r["title"] or r["doc_id"])
                if r["url"] and re.match(r"https?://", str(r["url"])):
                    head = f'<a href="{html.escape(str(r["url"]), quote=True)}">{head}</a>'
                meta = " · ".join(html.escape(str(v)) for v in (r["source"], r["date"]) if v)
                path = (f" · <code>{html.escape(str(r['path']))}</code>"
                        if r["path"] and not r["url"] else "")
                items.append(f'<li id="ref-{n}">{head}{" · " + meta if meta else ""}{path}: '
                             f"“{html.escape(r['sentence'])}”</li>")
            parts.append('<ol class="refs">' + "".join(items) + "</ol>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
