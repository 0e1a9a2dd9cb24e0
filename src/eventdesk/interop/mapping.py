"""From a file's rows to ``event_rows``: the SQL every CSV-like import runs.

A format's rows are read by DuckDB's CSV reader (:func:`csv_reader`), mapped to standard
columns (:data:`STD`, :func:`standard_rows`) and inserted as one batch (:func:`event_select`):
the row keeps what its file says and leaves NULL what the ``events`` view derives. A row that
cannot be an event is inserted marked (:data:`BAD_PATTERN`) and deleted before the commit, and
only then does a numbering scan report its line (:func:`report_problems`); an id twice in a
batch keeps its last row (:func:`keep_last`), and a stored row of the same dataset and origin
id is replaced (:func:`replace_stored`). Values reach DuckDB as bound parameters; names and
paths DuckDB cannot bind go through the store's quoting helpers (:mod:`eventdesk.store.sql`).
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import InputError, UsageError
from ..store import Store
from ..store.corroborate import stale_sql
from ..store.materialize import record_gone
from ..store.schema import EVENT_NAMES
from ..store.sql import ident, literal, literal_list
from .files import max_line, size_text
from .layouts import POLECAT, Layout
from .records import Problem

def csv_reader(path: Path | list[Path], layout: Layout, columns: list[tuple[str, str]], *,
              header: bool, delimiter: str, rejects: str | None) -> str:
    """DuckDB's reader of one file, or of several (a list: the rows carry the file's place in
    it, ``file_index``, and the rejects theirs, ``file_id``)."""
    cols = "{" + ", ".join(f"{literal(n)}: {literal(t)}" for n, t in columns) + "}"
    quote = literal('"' if delimiter == "," else "")
    opts = (f"delim={literal(delimiter)}, header={literal(bool(header))}, columns={cols}, "
            f"dateformat={literal(layout.dateformat)}, quote={quote}, escape={quote}, "
            f"strict_mode=true, auto_detect=false, null_padding={literal(bool(layout.padded))}, "
            f"compression='auto', max_line_size={int(max_line())}")
    if rejects:
        opts += f", store_rejects=true, rejects_table={literal(rejects)}, " \
                f"rejects_scan={literal(rejects + '_scan')}"
    else:
        opts += ", ignore_errors=true"
    paths = ("[" + ", ".join(literal(str(x)) for x in path) + "]" if isinstance(path, list)
             else literal(str(path)))
    return f"read_csv({paths}, {opts})"


def _nz(col: str) -> str:
    return f"nullif(trim({ident(col)}), '')"


def _extra(names: list[str], present: list[str]) -> str:
    return "concat_ws(chr(9), " + ", ".join(
        f"coalesce(CAST({ident(n)} AS VARCHAR), '')" if n in present else "''"
        for n in names) + ")"


#: the standard columns each format's mapping provides
STD = ["oid", "d", "code", "ptype", "pmode", "pcontext", "a_code", "a_country", "a_sector",
       "a_name", "r_code", "r_country", "r_sector", "r_name", "gold", "quad", "loc",
       "loc_country", "lat", "lon", "source", "url", "published", "n_m", "n_s", "n_a",
       "sentence", "doc_id", "sentence_index", "extra"]


GDELT_MAPPED = {"GLOBALEVENTID", "SQLDATE", "EventCode", "Actor1Code", "Actor1Name",
                "Actor1CountryCode", "Actor1Type1Code", "Actor2Code", "Actor2Name",
                "Actor2CountryCode", "Actor2Type1Code", "QuadClass", "GoldsteinScale",
                "NumMentions", "NumSources", "NumArticles", "ActionGeo_FullName",
                "ActionGeo_CountryCode", "ActionGeo_Lat", "ActionGeo_Long", "SOURCEURL"}


def extra_names(layout: Layout) -> list[str]:
    """The columns of a layout kept in ``events.extra`` (in order)."""
    if layout.name in ("gdelt1", "gdelt2"):
        return [n for n in layout.names if n not in GDELT_MAPPED]
    if layout.name == "icews":
        return ["Source Sectors", "Source Country", "Target Sectors", "Target Country",
                "Event Text", "City", "District", "Province", "Country", "Story ID"]
    if layout.name == "polecat":
        return POLECAT.names                # all of them: the export gives them back as read
    if layout.name == "phoenix":
        return ["Year", "Month", "Day", "SourceActorFull", "SourceActorRole",
                "SourceActorAttribute", "TargetActorFull", "TargetActorRole",
                "TargetActorAttribute", "EventRootCode", "PentaClass", "Issues", "StateName",
                "SentenceID", "URLs", "NewsSources"]
    return []


def _mapping(layout: Layout, names: list[str]) -> dict[str, str]:
    """SQL expressions of the standard columns over one row of the layout."""
    x = ident
    if layout.name in ("gdelt1", "gdelt2"):
        added = x("DATEADDED")
        return {
            "oid": x("GLOBALEVENTID"), "d": x("SQLDATE"), "code": x("EventCode"),
            "ptype": "NULL", "pmode": "NULL", "pcontext": "NULL",
            "a_code": _nz("Actor1Code"), "a_country": _nz("Actor1CountryCode"),
            "a_sector": _nz("Actor1Type1Code"), "a_name": _nz("Actor1Name"),
            "r_code": _nz("Actor2Code"), "r_country": _nz("Actor2CountryCode"),
            "r_sector": _nz("Actor2Type1Code"), "r_name": _nz("Actor2Name"),
            "gold": x("GoldsteinScale"), "quad": x("QuadClass"),
            "loc": _nz("ActionGeo_FullName"), "loc_country": _nz("ActionGeo_CountryCode"),
            "lat": x("ActionGeo_Lat"), "lon": x("ActionGeo_Long"),
            "source": "NULL",
            "url": _nz("SOURCEURL") if "SOURCEURL" in names else "NULL",
            "published": f"try_strptime(left({added}, 8), '%Y%m%d')::DATE",
            "n_m": f"coalesce({x('NumMentions')}, 1)", "n_s": f"coalesce({x('NumSources')}, 1)",
            "n_a": f"coalesce({x('NumArticles')}, 1)", "sentence": "NULL", "doc_id": "NULL",
            "sentence_index": "NULL", "extra": _extra(extra_names(layout), names)}
    if layout.name == "icews":
        return {
            "oid": x("Event ID"), "d": x("Event Date"), "code": _nz("CAMEO Code"),
            "ptype": "NULL", "pmode": "NULL", "pcontext": "NULL",
            "a_code": "sa.code", "a_country": "sa.code", "a_sector": _nz("Source Sectors"),
            "a_name": _nz("Source Name"), "r_code": "ta.code", "r_country": "ta.code",
            "r_sector": _nz("Target Sectors"), "r_name": _nz("Target Name"),
            "gold": x("Intensity"), "quad": "NULL",
            "loc": f"coalesce({_nz('City')}, {_nz('Province')}, {_nz('Country')})",
            "loc_country": "lc.code", "lat": x("Latitude"), "lon": x("Longitude"),
            "source": _nz("Publisher"), "url": "NULL", "published": "NULL",
            "n_m": "1", "n_s": "1", "n_a": "1", "sentence": "''",
            "doc_id": f"'icews:' || coalesce({_nz('Story ID')}, {x('Event ID')})",
            "sentence_index": f"coalesce(TRY_CAST({x('Sentence Number')} AS INTEGER), 0)",
            "extra": _extra(extra_names(layout), names)}
    if layout.name == "polecat":
        return {
            "oid": x("Event ID"), "d": x("Event Date"), "code": "NULL",
            "ptype": f"upper({_nz('Event Type')})", "pmode": _nz("Event Mode"),
            "pcontext": _nz("Contexts"),
            "a_code": f"coalesce(sa.code, upper({_nz('Actor Country')}))",
            "a_country": f"coalesce(sa.code, upper({_nz('Actor Country')}))",
            "a_sector": _nz("Primary Actor Sector"), "a_name": _nz("Actor Name"),
            "r_code": f"coalesce(ta.code, upper({_nz('Recipient Country')}))",
            "r_country": f"coalesce(ta.code, upper({_nz('Recipient Country')}))",
            "r_sector": _nz("Primary Recipient Sector"), "r_name": _nz("Recipient Name"),
            "gold": f"TRY_CAST({x('Event Intensity')} AS DOUBLE)", "quad": "NULL",
            "loc": _nz("Placename"), "loc_country": f"coalesce(lc.code, {_nz('Country')})",
            "lat": f"TRY_CAST({x('Latitude')} AS DOUBLE)",
            "lon": f"TRY_CAST({x('Longitude')} AS DOUBLE)",
            "source": _nz("Source"), "url": "NULL",
            "published": f"TRY_CAST({x('Publication Date')} AS DATE)",
            "n_m": "1", "n_s": "1", "n_a": "1", "sentence": "''",
            "doc_id": f"'polecat:' || {x('Event ID')}", "sentence_index": "0",
            "extra": _extra(extra_names(layout), names)}
    if layout.name == "phoenix":
        return {
            "oid": x("EventID"), "d": x("Date"), "code": _nz("EventCode"),
            "ptype": "NULL", "pmode": "NULL", "pcontext": "NULL",
            "a_code": _nz("SourceActorFull"), "a_country": _nz("SourceActorEntity"),
            "a_sector": _nz("SourceActorRole"), "a_name": "NULL",
            "r_code": _nz("TargetActorFull"), "r_country": _nz("TargetActorEntity"),
            "r_sector": _nz("TargetActorRole"), "r_name": "NULL",
            "gold": x("GoldsteinScore"), "quad": "NULL",
            "loc": _nz("LocationName"), "loc_country": _nz("CountryCode"),
            "lat": x("Lat"), "lon": x("Lon"), "source": _nz("NewsSources"),
            "url": f"nullif(split_part({x('URLs')}, ';', 1), '')", "published": "NULL",
            "n_m": "1", "n_s": "1", "n_a": "1", "sentence": "''",
            "doc_id": f"'phoenix:' || {x('EventID')}", "sentence_index": "0",
            "extra": _extra(extra_names(layout), names)}
    raise UsageError(f"no mapping for {layout.name}")


def _joins(layout: Layout) -> str:
    if layout.name == "icews":
        return ("LEFT JOIN ed_states sa ON sa.lname = lower(trim(r.\"Source Country\")) "
                "LEFT JOIN ed_states ta ON ta.lname = lower(trim(r.\"Target Country\")) "
                "LEFT JOIN ed_states lc ON lc.lname = lower(trim(r.\"Country\"))")
    if layout.name == "polecat":
        return ("LEFT JOIN ed_states sa ON sa.lname = lower(trim(r.\"Actor Country\")) "
                "LEFT JOIN ed_states ta ON ta.lname = lower(trim(r.\"Recipient Country\")) "
                "LEFT JOIN ed_states lc ON lc.lname = lower(trim(r.\"Country\"))")
    return ""


def standard_rows(source: str, layout: Layout, names: list[str], rn: bool = False,
              fi: bool = False) -> str:
    """The standard columns (:data:`STD`) of the rows of ``source``, with their number in it
    (``rn``) or the index of their file among several (``fi``) when asked."""
    m = _mapping(layout, names)
    # whether the row has its columns (a padded layout's rows may lack the last ones)
    whole = f"{ident(layout.padded)} IS NOT NULL" if layout.padded in names else "true"
    cols = ", ".join([f"{m[k]} AS {k}" for k in STD] + [f"{whole} AS whole"])
    inner = f"(SELECT row_number() OVER () AS rn, * FROM {source})" if rn else source
    return (f"SELECT {'r.rn, ' if rn else ''}{'r.file_index AS fi, ' if fi else ''}{cols} "
            f"FROM {inner} r {_joins(layout)}")


def coded_rows(std: str) -> str:
    """The standard rows joined to the ontology: c.code is NULL for an unknown code/type."""
    return (f"SELECT s.*, c.code AS ccode, c.root, c.name AS cname, c.goldstein AS cgold, "
            f"c.quad AS cquad, c.penta, c.plover, c.mode, c.context FROM ({std}) s "
            "LEFT JOIN ed_plover p ON p.plover = s.ptype "
            "LEFT JOIN ed_cameo c ON c.code = coalesce(s.code, p.code)")


#: the pattern a row that parsed but cannot be an event (no id, no date, unknown code or
#: type) carries in event_rows until the write deletes it, before it commits
BAD_PATTERN = "!skip"


def event_select(store: Store, layout: Layout, std: str, batch_id: int | list[int],
                  keep: bool) -> str:
    """The rows of ``event_rows`` for every row the reader parsed: what the file says, NULL
    for what the events view derives; the rows that cannot be events carry
    :data:`BAD_PATTERN` (so one scan inserts and counts them; the write deletes them).

    The CAMEO code is checked against a list of constants, not joined: a join would carry
    every column of the wide scan through it (twice the cost of the import). A format coded
    with PLOVER types (POLECAT) takes its representative code from a join with ``ed_plover``;
    a store grouping by PLOVER type joins the code's type. ``batch_id`` is a list for rows of
    several files (``std`` with their file index): each file's batch."""
    from ..ontology import cameo_table

    ds = layout.name
    codes = ", ".join(literal(c) for c in sorted(cameo_table()))
    joins, plover = "", "s.ptype"
    code = "s.code"
    if ds == "polecat":
        joins += " LEFT JOIN ed_plover p ON p.plover = s.ptype"
        code = "coalesce(s.code, p.code)"
    if store.rule.by == "plover":
        joins += f" LEFT JOIN ed_cameo c ON c.code = {code}"
        plover = "coalesce(s.ptype, c.plover)"
    ok = f"coalesce({code} IN ({codes}) AND s.d IS NOT NULL AND s.oid IS NOT NULL AND " \
         "s.whole, false)"
    key = store.rule.key_of("s.a_country", "s.a_code", "s.r_country", "s.r_code",
                            f"left({code}, 2)", plover, "'asserted'", "'day'")
    values = {
        "doc_id": "s.doc_id", "sentence_index": "s.sentence_index", "sentence": "s.sentence",
        "event_date": "s.d", "cameo": f"coalesce({code}, '')", "goldstein": "s.gold",
        "quad": "s.quad", "plover": "s.ptype",
        "mode": "s.pmode", "context": "s.pcontext", "actor_code": "s.a_code",
        "actor_country": "s.a_country", "recipient_code": "s.r_code",
        "recipient_country": "s.r_country", "location": "s.loc",
        "location_country": "s.loc_country",
        "pattern": f"CASE WHEN NOT {ok} THEN {literal(BAD_PATTERN)} END",
        "dataset": literal(ds),
        "origin_id": "s.oid", "source": "s.source", "url": "s.url", "published": "s.published",
        "actor_sector": "s.a_sector", "actor_name": "s.a_name", "recipient_sector": "s.r_sector",
        "recipient_name": "s.r_name", "location_lat": "s.lat", "location_lon": "s.lon",
        "n_mentions": "s.n_m", "n_sources": "s.n_s", "n_articles": "s.n_a", "ckey": key,
        "batch_id": (f"[{', '.join(literal(int(b)) for b in batch_id)}]"
                     "[CAST(s.fi AS BIGINT) + 1]"
                     if isinstance(batch_id, list) else literal(int(batch_id))),
        "extra": "s.extra" if keep else "NULL"}
    names = [n for n in EVENT_NAMES if n in values]
    return (f"INSERT INTO event_rows ({', '.join(names)}) SELECT "
            f"{', '.join(values[n] for n in names)} FROM ({std}) s{joins}")


def lookups(store: Store) -> None:
    """Temp tables of the ontology and of the names of states (those of the actor tables,
    with the user's ``--actors`` files: :func:`~eventdesk.actors.tables.current_tables`), for
    the mapping joins; made once for the store's connection (temp tables live as long as it)
    and those tables."""
    from ..actors.tables import current_tables
    from ..ontology import cameo_table

    con = store.con
    tables = current_tables()
    if store.lookups_for is not None and store.lookups_for[0] is con and \
            store.lookups_for[1] is tables:
        return
    rows = [(c.code, c.root, c.name, c.goldstein, c.quad, c.penta, c.plover, c.mode, c.context)
            for c in cameo_table().values()]
    con.execute("CREATE OR REPLACE TEMP TABLE ed_cameo (code VARCHAR, root VARCHAR, name VARCHAR, "
                "goldstein DOUBLE, quad TINYINT, penta TINYINT, plover VARCHAR, mode VARCHAR, "
                "context VARCHAR)")
    # one statement each (executemany costs a round trip a row: 0.4 s for these tables)
    con.execute("INSERT INTO ed_cameo SELECT unnest($1), unnest($2), unnest($3), unnest($4), "
                "unnest($5), unnest($6), unnest($7), unnest($8), unnest($9)",
                [list(col) for col in zip(*rows)])
    # a PLOVER type's representative CAMEO code: the shortest code mapped to it, first by code
    con.execute("CREATE OR REPLACE TEMP TABLE ed_plover AS SELECT plover, arg_min(code, length(code) * "
                "10000 + CAST(code AS INTEGER)) AS code FROM ed_cameo WHERE plover IS NOT NULL "
                "GROUP BY plover")
    pairs = tables.state_names()
    con.execute("CREATE OR REPLACE TEMP TABLE ed_states (lname VARCHAR, code VARCHAR)")
    con.execute("INSERT INTO ed_states SELECT unnest($1), unnest($2)",
                [list(pairs), list(pairs.values())])
    store.lookups_for = (con, tables)


def _line_of(rn: int, header: bool, rejected: list[int]) -> int:
    """The file line of the rn-th row the CSV reader accepted."""
    line = rn + (1 if header else 0)
    for r in rejected:                  # sorted
        if r <= line:
            line += 1
        else:
            break
    return line


def report_problems(store: Store, shown: Path, readable: Path, layout: Layout,
              columns: list[tuple[str, str]], header: bool, delim: str,
              report: Problem, where: Callable[[int], int] | None = None) -> set[int]:
    """First scan: report every row that will be skipped; returns their lines (lines of the
    file ``shown``: ``where`` maps those of ``readable``, a chunk of it, to the file's)."""
    con = store.con
    names = [n for n, _ in columns]
    src = csv_reader(readable, layout, columns, header=header, delimiter=delim,
                    rejects="ed_rejects")
    if layout.name == "gdelt2-mentions":
        bad_sql = (f"SELECT rn, \"GLOBALEVENTID\", 'no event id' FROM (SELECT row_number() OVER"
                   f" () AS rn, * FROM {src}) WHERE nullif(trim(\"GLOBALEVENTID\"), '') IS NULL")
    else:
        std = standard_rows(src, layout, names, rn=True)
        short = literal(f"wrong number of columns (expected {names.index(layout.padded) + 1} "
                        f"or {len(names)}, found fewer)" if layout.padded in names else "")
        bad_sql = (f"SELECT rn, oid, CASE WHEN NOT whole THEN {short} "
                   f"WHEN oid IS NULL THEN 'no event id' "
                   f"WHEN d IS NULL THEN 'no date' WHEN ptype IS NOT NULL THEN "
                   f"'unknown PLOVER event type ' || ptype ELSE 'unknown CAMEO code ' || "
                   f"coalesce('''' || code || '''', '(empty)') END FROM ({coded_rows(std)}) "
                   "WHERE ccode IS NULL OR d IS NULL OR oid IS NULL OR NOT whole ORDER BY rn")
    con.execute("DROP TABLE IF EXISTS ed_rejects; DROP TABLE IF EXISTS ed_rejects_scan")
    con.execute("SET preserve_insertion_order = true")     # row_number() in file order
    try:
        bad = con.execute(bad_sql).fetchall()
        rejects = con.execute("SELECT line, error_type, error_message FROM ed_rejects "
                              "ORDER BY line").fetchall()
    except Exception as exc:
        raise InputError(f"cannot read as {layout.name} ({short_message(exc)})", str(shown)) from None
    finally:
        con.execute("SET preserve_insertion_order = false")
    lines = sorted({r[0] for r in rejects})
    problems: list[tuple[int, str]] = []
    seen: set[int] = set()
    for line, kind, msg in rejects:
        if line in seen:
            continue
        seen.add(line)
        problems.append((line, reject_text(kind, msg)))
    for rn, oid, why in bad:
        problems.append((_line_of(rn, header, lines), f"{why} (id {oid})" if oid else why))
    where = where or (lambda line: line)
    for line, why in sorted(problems):
        report(InputError(f"{why}; row skipped", f"{shown}:{where(line)}"))
    return {where(line) for line, _ in problems}


def reject_text(kind: str, msg: str) -> str:
    if kind == "CAST":
        return short_message(msg).replace("Error when converting", "bad value in")
    if kind in ("TOO MANY COLUMNS", "MISSING COLUMNS"):
        return f"wrong number of columns ({short_message(msg).replace('Expected Number of Columns: ', 'expected ')})"
    if "UNICODE" in kind:
        return "not valid UTF-8"
    if kind == "LINE SIZE OVER MAXIMUM":
        return f"a line longer than the limit ({size_text(max_line())}, $EVENTDESK_IMPORT_MAX_LINE)"
    return f"{kind.lower()}: {short_message(msg)}"


def short_message(exc: object) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__


def insert_events(store: Store, layout: Layout, src: str, names: list[str], batch_id: int,
                   problems: Callable[[], None], keep: bool) -> int:
    """Insert a chunk's rows as batch ``batch_id`` in one scan, then settle what the scan
    cannot: rows that are no events (reported by ``problems``, a numbering scan, and
    deleted), ids twice in the chunk (read again in file order, the last row kept), stored
    rows of the same dataset and origin ids (replaced); the corroboration waits for
    ``Store.settle``."""
    con = store.con
    b = int(batch_id)
    insert = event_select(store, layout, standard_rows(src, layout, names), b, keep)
    con.execute(insert)
    n, distinct, bad, lo, hi = con.execute(
        f"SELECT {BATCH_COUNTS} FROM event_rows WHERE batch_id = ?", [b]).fetchone()
    if bad:
        problems()
        con.execute("DELETE FROM event_rows WHERE batch_id = ? AND pattern = ?",
                    [b, BAD_PATTERN])
    if n != distinct:
        keep_last(con, insert, b)
        n = distinct
    if n:
        replace_stored(con, layout.name, [b], lo, hi, False)
    # grouped later, with the file's other chunks (Store.settle)
    store.mark_pending([b])
    return int(n)


#: a batch's rows that are events, their distinct ids, its rows that are not events, and the
#: range of its ids
BATCH_COUNTS = ("count(*) FILTER (WHERE pattern IS NULL), count(DISTINCT origin_id) FILTER "
                 "(WHERE pattern IS NULL), count(*) FILTER (WHERE pattern = "
                 f"{literal(BAD_PATTERN)}), min(origin_id), max(origin_id)")


def keep_last(con: Any, insert: str, b: int) -> None:
    """An id twice in batch ``b``: its rows are inserted again (``insert``) in file order, and
    each id keeps its last row."""
    con.execute("DELETE FROM event_rows WHERE batch_id = ?", [b])
    con.execute("SET preserve_insertion_order = true")
    try:
        con.execute(insert)
    finally:
        con.execute("SET preserve_insertion_order = false")
    con.execute("""DELETE FROM event_rows WHERE batch_id = $b AND (pattern IS NOT NULL
                    OR rowid NOT IN (SELECT max(rowid) FROM event_rows WHERE batch_id = $b
                                     GROUP BY origin_id))""", {"b": b})


def replace_stored(con: Any, dataset: str, batches: list[int], lo: Any, hi: Any,
                    repeated: bool) -> None:
    """The rows of ``batches`` (new, in file order; ids ``lo`` to ``hi``) replace the stored
    rows of ``dataset`` with the same origin ids, and a later batch's row an earlier one's
    (``repeated``: an id is in several of them): their chains lose a report and are grouped
    again with the batches. The id range first (DuckDB skips the row groups outside it), then
    the ids themselves."""
    inb = f"batch_id IN {literal_list(int(b) for b in batches)}"
    older = f"dataset = {literal(dataset)} AND NOT ({inb}) AND origin_id BETWEEN $1 AND $2"
    if not repeated and not con.execute(f"SELECT count(*) FROM event_rows WHERE {older}",
                                        [lo, hi]).fetchone()[0]:
        return
    if not repeated:
        same = f"{older} AND origin_id IN (SELECT origin_id FROM event_rows WHERE {inb})"
    else:                           # each id's row of its last batch stays
        con.execute(f"CREATE OR REPLACE TEMP TABLE ed_last AS SELECT origin_id, max(batch_id) "
                    f"AS b FROM event_rows WHERE {inb} GROUP BY origin_id")
        same = (f"dataset = {literal(dataset)} AND origin_id BETWEEN $1 AND $2 AND rowid IN ("
                "SELECT e.rowid FROM event_rows e JOIN ed_last l ON e.origin_id = l.origin_id "
                f"WHERE e.dataset = {literal(dataset)} AND e.batch_id <> l.b AND e.origin_id "
                "BETWEEN $1 AND $2)")
    con.execute(f"INSERT INTO group_stale {stale_sql(same)}", [lo, hi])
    record_gone(con, same, [lo, hi])
    con.execute(f"DELETE FROM event_rows WHERE {same}", [lo, hi])
    con.execute("DROP TABLE IF EXISTS ed_last")


def insert_mentions(con: Any, src: str) -> int:
    """Mentions become provenance: one row per article that mentioned a GDELT 2.0 event."""
    sql = f"""
        SELECT 'gdelt2:' || trim("GLOBALEVENTID"), "MentionIdentifier",
               coalesce("SentenceID", 0), nullif(trim("MentionSourceName"), ''),
               CASE WHEN "MentionType" = '1' THEN "MentionIdentifier" END,
               try_strptime(left("MentionTimeDate", 8), '%Y%m%d')::DATE,
               json_object('actor1_offset', "Actor1CharOffset",
                           'actor2_offset', "Actor2CharOffset",
                           'action_offset', "ActionCharOffset",
                           'mention_type', "MentionType", 'confidence', "Confidence")
        FROM {src} WHERE nullif(trim("GLOBALEVENTID"), '') IS NOT NULL"""
    con.execute("""DELETE FROM provenance WHERE starts_with(event_id, 'gdelt2:') AND
                   (event_id, doc_id) IN (SELECT 'gdelt2:' || trim("GLOBALEVENTID"),
                   "MentionIdentifier" FROM """ + src + ")")
    return int(con.execute("INSERT INTO provenance " + sql).fetchone()[0])
