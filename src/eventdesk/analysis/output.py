"""Writing an analysis: a table on stdout, or CSV, JSON or a PNG chart (stdout or ``-o``)."""
from __future__ import annotations

import io
import json
import math
import sys
from dataclasses import dataclass, field
from datetime import date as Date
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import UsageError

FORMATS = ("table", "csv", "json", "png")


@dataclass
class Result:
    """What a command produced: its main table, a few lines of findings, and a chart."""

    title: str
    frame: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)        # more for JSON
    chart: dict[str, Any] | None = None                       # arguments of :func:`png`


def pick_format(fmt: str | None, out: str | None) -> str:
    if fmt:
        return fmt
    suffix = Path(out).suffix.lower().lstrip(".") if out else ""
    return suffix if suffix in FORMATS else "table"


def emit(result: Result, fmt: str | None, out: str | None) -> None:
    fmt = pick_format(fmt, out)
    if fmt == "png":
        if not out:
            raise UsageError("--format png needs -o FILE.png")
        if not result.chart:
            raise UsageError(f"{result.title}: no chart for this analysis")
        Path(out).write_bytes(png(**result.chart))
        print(f"eventdesk: wrote {out}", file=sys.stderr)
        return
    if fmt == "csv":            # spreadsheet-safe, as every CSV eventdesk writes (docs/security.md)
        from ..formats import spreadsheet_safe

        text = result.frame.map(spreadsheet_safe).to_csv(index=False)
    elif fmt == "json":
        text = json.dumps({"title": result.title, "rows": records(result.frame),
                           "notes": result.notes, **jsonable(result.extra)},
                          ensure_ascii=False, indent=1) + "\n"
    else:
        text = table(result)
    if out:
        Path(out).write_text(text, encoding="utf-8")
        print(f"eventdesk: wrote {out}", file=sys.stderr)
    else:
        sys.stdout.write(text)


def table(result: Result) -> str:
    import shutil

    with pd.option_context("display.width", shutil.get_terminal_size().columns, "display.max_columns", 40,
                           "display.max_colwidth", 100, "display.max_rows", 500):
        body = result.frame.to_string(index=False, float_format=lambda v: f"{v:.2f}")
    return "\n".join([result.title, "", body, "", *result.notes]).rstrip() + "\n"


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [jsonable(r) for r in frame.to_dict(orient="records")]


def jsonable(value: Any) -> Any:
    """JSON-ready: dates as ISO strings (a timestamp at midnight as its date), NaN as null,
    numpy scalars as Python numbers, frames as lists of records."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, pd.DataFrame):
        return records(value)
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    if isinstance(value, (Date, datetime)):
        return value.isoformat()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def png(*, x: list[Any], series: dict[str, list[float]], title: str, kind: str = "line",
        ylabel: str = "", band: float | None = None) -> bytes:
    """A small chart as PNG bytes (matplotlib, Agg backend: no display needed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.5, 3.4), dpi=100)
    try:
        if kind == "barh":
            labels = [str(v) for v in x]
            (name, vals), = series.items()
            ax.barh(range(len(vals)), vals, color="#4a6fa5")
            ax.set_yticks(range(len(vals)), labels, fontsize=7)
            ax.invert_yaxis()
            ax.set_xlabel(name)
        else:
            for name, vals in series.items():
                ax.plot(x, vals, marker="o", markersize=3, label=name)
            ax.axhline(0, color="#888", linewidth=0.6)
            if band:
                ax.axhspan(-band, band, color="#ddd", alpha=0.5, label="neutral band")
            ax.legend(fontsize=7, loc="best")
            ax.set_ylabel(ylabel)
            fig.autofmt_xdate()
        ax.set_title(title, fontsize=10)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        return buf.getvalue()
    finally:
        plt.close(fig)
