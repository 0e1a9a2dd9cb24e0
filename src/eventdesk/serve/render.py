"""Pages from the package's Jinja2 templates (autoescaping on: every value printed into a page
is escaped), the Plotly figures the API hands to ``static/app.js``, and the map as SVG drawn
on the server (so it shows with JavaScript off)."""
from __future__ import annotations

import json
import math
from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from .. import __version__

COLORS = {"coop": "#2f7d4f", "conflict": "#b23a3a", "mean": "#1f4e8c", "ewma": "#d08a1c",
          "band": "rgba(31,78,140,0.15)"}
EDGE_COLORS = ["#1f4e8c", "#b23a3a", "#2f7d4f"]


@lru_cache(maxsize=1)
def env() -> Environment:
    e = Environment(loader=PackageLoader("eventdesk.serve", "templates"),
                    autoescape=select_autoescape(default=True, default_for_string=True),
                    trim_blocks=True, lstrip_blocks=True)
    e.filters["num"] = _num
    e.filters["signed"] = _signed
    e.globals["version"] = __version__
    e.globals["report_rows"] = report_rows
    return e


#: the rendered rows of the last big groups' reports: (the reports list, its rows)
_ROWS: dict[int, tuple[list, Any]] = {}
_ROWS_KEPT = 16


def report_rows(reports: list[dict[str, Any]]) -> Any:
    """The table rows of a corroborated event's reports (``_report_rows.html``). A big
    group's rows (thousands of reports, megabytes of HTML) are rendered once per reports
    list, which the data layer keeps and shares between the pages of the group's reports
    (:func:`.data.event`): every report of the group shows the same rows."""
    from markupsafe import Markup

    if len(reports) < 100:
        return Markup(env().get_template("_report_rows.html").render(group={"reports": reports}))
    hit = _ROWS.get(id(reports))
    if hit is not None and hit[0] is reports:
        return hit[1]
    rows = Markup(env().get_template("_report_rows.html").render(group={"reports": reports}))
    _ROWS[id(reports)] = (reports, rows)
    while len(_ROWS) > _ROWS_KEPT:
        _ROWS.pop(next(iter(_ROWS)))
    return rows


def page(template: str, context: dict[str, Any]) -> str:
    return env().get_template(template).render(**context)


def _num(value: Any, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _signed(value: Any, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{float(value):+.{digits}f}"


# -- charts (Plotly figures as JSON; app.js draws them and follows a clicked point's link) ----
def _layout(title: str, ytitle: str, **more: Any) -> dict[str, Any]:
    return {"title": {"text": title, "font": {"size": 14}}, "height": 360,
            "margin": {"l": 50, "r": 20, "t": 40, "b": 40}, "hovermode": "closest",
            "yaxis": {"title": {"text": ytitle}, "zeroline": True},
            "legend": {"orientation": "h", "y": -0.15}, **more}


def timeline_chart(tl: Any, mentions: bool = False) -> dict[str, Any]:
    x = [str(p) for p in tl["period"]]
    more = "&include_mentions=1" if mentions else ""
    links = [f"/events?since={p}&until={_month_end(p)}&status=asserted{more}" for p in x]
    text = [f"{p[:7]}: {c} cooperation, {k} conflict, mean Goldstein {_signed(g)}"
            for p, c, k, g in zip(x, tl["cooperation"], tl["conflict"], tl["mean_goldstein"])]
    traces = [
        {"type": "bar", "name": "cooperation", "x": x, "y": [int(v) for v in tl["cooperation"]],
         "marker": {"color": COLORS["coop"]}, "customdata": links, "hovertext": text,
         "hoverinfo": "text"},
        {"type": "bar", "name": "conflict", "x": x, "y": [-int(v) for v in tl["conflict"]],
         "marker": {"color": COLORS["conflict"]}, "customdata": links, "hovertext": text,
         "hoverinfo": "text"},
    ]
    return {"traces": traces, "layout": _layout("events per month (conflict below zero)",
                                                "events", barmode="relative")}


def _month_end(day: str) -> str:
    import calendar

    y, m = int(day[:4]), int(day[5:7])
    return f"{y:04d}-{m:02d}-{calendar.monthrange(y, m)[1]:02d}"


def dyad_chart(rows: list[dict[str, Any]], a: str, b: str, by: str) -> dict[str, Any]:
    x = [str(r["period"]) for r in rows]
    links = [r["events_url"] if r["n"] else None for r in rows]
    text = [f"{r['period']}: {r['n']} events (cooperation {r['verbal_coop'] + r['material_coop']}, "
            f"conflict {r['verbal_conflict'] + r['material_conflict']}), mean Goldstein "
            f"{_signed(r['mean_goldstein'])}, net {_signed(r['net_goldstein'])}" for r in rows]
    traces = [
        {"type": "scatter", "mode": "lines", "name": "baseline band", "x": x,
         "y": [r["band_lo"] for r in rows], "line": {"width": 0}, "hoverinfo": "skip",
         "showlegend": False},
        {"type": "scatter", "mode": "lines", "name": "baseline band (median ± 2 MAD)", "x": x,
         "y": [r["band_hi"] for r in rows], "fill": "tonexty", "fillcolor": COLORS["band"],
         "line": {"width": 0}, "hoverinfo": "skip"},
        {"type": "scatter", "mode": "lines+markers", "name": "mean Goldstein", "x": x,
         "y": [r["mean_goldstein"] for r in rows], "customdata": links, "hovertext": text,
         "hoverinfo": "text", "marker": {"size": 9, "color": COLORS["mean"]},
         "line": {"color": COLORS["mean"]}, "connectgaps": False},
        {"type": "scatter", "mode": "lines", "name": "EWMA", "x": x,
         "y": [r["ewma"] for r in rows], "line": {"color": COLORS["ewma"], "dash": "dot"},
         "hoverinfo": "skip"},
    ]
    return {"traces": traces,
            "layout": _layout(f"{a}–{b} by {by}: click a point for its events", "Goldstein",
                              yaxis={"title": {"text": "Goldstein"}, "range": [-10.5, 10.5]})}


def triangle_chart(rows: list[dict[str, Any]], players: list[str], band: float
                   ) -> dict[str, Any]:
    x = [str(r["period"]) for r in rows]
    traces = []
    edges = [(players[0], players[1]), (players[0], players[2]), (players[1], players[2])]
    for k, (i, j) in enumerate(edges):
        name = f"{i}-{j}"
        color = EDGE_COLORS[k]
        traces.append({"type": "scatter", "mode": "lines", "x": x,
                       "y": [r[f"lo {name}"] for r in rows], "line": {"width": 0},
                       "hoverinfo": "skip", "showlegend": False})
        traces.append({"type": "scatter", "mode": "lines", "x": x,
                       "y": [r[f"hi {name}"] for r in rows], "line": {"width": 0},
                       "fill": "tonexty", "fillcolor": _alpha(color), "hoverinfo": "skip",
                       "showlegend": False})
        traces.append({"type": "scatter", "mode": "lines+markers", "name": f"S {i}–{j}",
                       "x": x, "y": [r[f"S {name}"] for r in rows], "line": {"color": color},
                       "hovertext": [f"{r['period']}: S {i}–{j} {_signed(r[f'S {name}'])} "
                                     f"(95% {_signed(r[f'lo {name}'])} to "
                                     f"{_signed(r[f'hi {name}'])}); {r['configuration']}"
                                     for r in rows], "hoverinfo": "text",
                       "customdata": [f"/events?dyad={i},{j}&since={r['period']}&status=asserted"
                                      for r in rows]})
    shapes = [{"type": "rect", "xref": "paper", "x0": 0, "x1": 1, "y0": -band, "y1": band,
               "fillcolor": "rgba(120,120,120,0.12)", "line": {"width": 0}}]
    return {"traces": traces, "layout": _layout("edge scores with 95% intervals (grey: the "
                                                "neutral band)", "Goldstein", shapes=shapes)}


def _alpha(hex_color: str, a: float = 0.15) -> str:
    r, g, b = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{a})"


# -- the map ----------------------------------------------------------------------------------
W, H = 1000.0, 500.0           # the SVG's user units: equirectangular, 1000 × 500


def _xy(lon: float, lat: float) -> tuple[float, float]:
    return (lon + 180.0) / 360.0 * W, (90.0 - lat) / 180.0 * H


@lru_cache(maxsize=1)
def countries() -> tuple[list[tuple[str, str, str]], dict[str, tuple[float, float]]]:
    """Each country's (code, name, SVG path) and a point inside it (the middle of its largest
    ring), from the packaged Natural Earth outlines."""
    text = (resources.files("eventdesk.serve") / "data" / "countries.geojson").read_text("utf-8")
    paths, centres = [], {}
    for f in json.loads(text)["features"]:
        code, name = f["properties"]["iso_a3"], f["properties"]["name"]
        parts, best = [], (0.0, None)
        for poly in f["geometry"]["coordinates"]:
            for ring in poly:
                pts = [_xy(lon, lat) for lon, lat in ring]
                parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in pts) + "Z")
                lons = [p[0] for p in ring]
                lats = [p[1] for p in ring]
                size = (max(lons) - min(lons)) * (max(lats) - min(lats))
                if size > best[0]:
                    best = (size, ((max(lons) + min(lons)) / 2, (max(lats) + min(lats)) / 2))
        paths.append((code, name, "".join(parts)))
        if code and best[1]:
            centres[code] = best[1]
    return paths, centres


def map_svg(rows: list[dict[str, Any]], link: Callable[[str], str]) -> dict[str, Any]:
    """What the map template draws: the countries and one circle per place (area by count);
    a place the store knows only as a country sits at that country's middle."""
    paths, centres = countries()
    top = max((r["n"] for r in rows), default=1)
    points = []
    for r in rows:
        lat, lon = r.get("lat"), r.get("lon")
        if lat is None or lon is None:
            c = centres.get(r.get("country") or "")
            if c is None:
                continue
            lon, lat = c
        x, y = _xy(float(lon), float(lat))
        g = r.get("mean_goldstein")
        color = COLORS["mean"] if g is None else COLORS["coop"] if g > 0 else \
            COLORS["conflict"] if g < 0 else COLORS["mean"]
        points.append({"x": round(x, 1), "y": round(y, 1),
                       "r": round(3 + 12 * math.sqrt(r["n"] / top), 1), "color": color,
                       "title": f"{r['name']}: {r['n']} events, mean Goldstein {_signed(g)}",
                       "href": link(r["name"])})
    return {"width": W, "height": H, "countries": paths, "points": points}
