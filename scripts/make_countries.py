"""Write ``src/eventdesk/serve/data/countries.geojson``, the map's country outlines, from a
Natural Earth shapefile (public domain; the 1:110m "lowres" file that pyogrio's wheel carries
as ``pyogrio/tests/fixtures/naturalearth_lowres/naturalearth_lowres.shp``).

    python scripts/make_countries.py path/to/naturalearth_lowres.shp

The shapefile is read here directly (polygon records and the .dbf table, no GIS library);
coordinates are rounded to 0.1 degree and repeated points dropped, which keeps the file small
(the map draws at about 1 pixel per degree).
"""
from __future__ import annotations

import json
import struct
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src/eventdesk/serve/data/countries.geojson"


def read_dbf(path: Path) -> list[dict[str, str]]:
    data = path.read_bytes()
    n, header_len, record_len = struct.unpack("<xxxxIHH", data[:12])
    fields, pos = [], 32
    while data[pos] != 0x0D:
        name = data[pos:pos + 11].split(b"\0")[0].decode("ascii")
        fields.append((name, data[pos + 16]))
        pos += 32
    rows = []
    for i in range(n):
        rec = data[header_len + i * record_len: header_len + (i + 1) * record_len]
        row, off = {}, 1                            # the first byte is the deletion flag
        for name, size in fields:
            row[name] = rec[off:off + size].decode("utf-8", "replace").strip()
            off += size
        rows.append(row)
    return rows


def read_shp(path: Path) -> list[list[list[tuple[float, float]]]]:
    """Each record's rings (a polygon record: parts of points)."""
    data = path.read_bytes()
    pos, shapes = 100, []
    while pos < len(data):
        _, length = struct.unpack(">ii", data[pos:pos + 8])
        body = data[pos + 8: pos + 8 + 2 * length]
        pos += 8 + 2 * length
        kind = struct.unpack("<i", body[:4])[0]
        if kind != 5:
            shapes.append([])
            continue
        nparts, npoints = struct.unpack("<ii", body[36:44])
        parts = list(struct.unpack(f"<{nparts}i", body[44:44 + 4 * nparts])) + [npoints]
        pts = struct.unpack(f"<{2 * npoints}d", body[44 + 4 * nparts: 44 + 4 * nparts + 16 * npoints])
        rings = []
        for a, b in zip(parts, parts[1:]):
            ring: list[tuple[float, float]] = []
            for k in range(a, b):
                p = (round(pts[2 * k], 1), round(pts[2 * k + 1], 1))
                if not ring or ring[-1] != p:
                    ring.append(p)
            if len(ring) >= 4:
                rings.append(ring)
        shapes.append(rings)
    return shapes


def _code_by_name(name: str) -> str:
    """ISO 3166 alpha-3 by the country's name (pycountry), '' when it has none."""
    import pycountry

    try:
        return pycountry.countries.lookup(name).alpha_3
    except LookupError:
        return ""


def main(shp: str) -> None:
    path = Path(shp)
    rows, shapes = read_dbf(path.with_suffix(".dbf")), read_shp(path)
    features = []
    for row, rings in zip(rows, shapes):
        if not rings:
            continue
        if not row.get("iso_a3", "").isalpha():     # the file gives -99 for a few states
            row["iso_a3"] = _code_by_name(row.get("name", ""))
        features.append({"type": "Feature",
                         "properties": {"iso_a3": row.get("iso_a3", ""), "name": row.get("name", "")},
                         "geometry": {"type": "MultiPolygon",
                                      "coordinates": [[[list(p) for p in r]] for r in rings]}})
    text = json.dumps({"type": "FeatureCollection", "source": "Natural Earth 1:110m (public "
                       "domain), via pyogrio's test fixture naturalearth_lowres",
                       "features": features}, separators=(",", ":"))
    OUT.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(features)} countries, {len(text) // 1024} KB)")


if __name__ == "__main__":
    main(sys.argv[1])
