"""A dataset's responses with their packed codes, checked against its sessions table.

DuckDB stages two tables: `wide` (each response's session and role, in the order the files
hold them) and `codes` (each response's answers summed into packed codes, see
core.bulk.CodeLayout, with whether any answer is unknown, outside the scale or given twice).
When one query finds nothing wrong anywhere (the usual case), the responses come in one
joined read. Otherwise every row is checked in Python, and each session that has to be left
out is named with its reason (dataset.aggregate_dataset's notes); both ways give the same
responses for the sessions that stay.
"""

from __future__ import annotations

from typing import Any, Protocol

from ..core.bulk import CodeLayout
from ..core.model import ROLES, Questionnaire

HIVE = "hive_partitioning = true, hive_types = {'year': 'INTEGER', 'region': 'VARCHAR'}"

# session id -> its responses in order: (role, number of answers, packed codes)
BySession = dict[str, list[tuple[str, int, tuple[int, ...]]]]


class Bad(Protocol):
    def add(self, session_id: str, reason: str) -> None: ...


def stage_wide(con: Any, files: list[str]) -> None:
    """Table wide: session_id, role, response_id, in the files' order (its rowid)."""
    con.execute(
        "CREATE TEMP TABLE wide AS SELECT session_id, role, response_id"
        f" FROM read_parquet(?, union_by_name = true, {HIVE})",
        [files],
    )


def stage_codes(
    con: Any, layout: CodeLayout, questionnaires: dict[str, Questionnaire], files: list[str]
) -> None:
    """Table codes, one row per response: response_id, session_id, questionnaire_hash, n (its
    answers), wrong (any answer to an item not in its questionnaire or outside its scale),
    twice (an item answered twice), then s0, s1, ...: each column's packed sum."""
    columns = layout.columns
    weights = {item: (col, w) for item, col, w in layout.weights()}
    rows = []
    for h, q in questionnaires.items():
        for item in dict.fromkeys(it.id for it in q.items):
            col, w = weights[item]
            rows.append(
                (h, item, q.scale.min, q.scale.max, *(w if c == col else 0 for c in range(columns)))
            )
    cols = ", ".join(f"w{i} BIGINT" for i in range(columns))
    con.execute(
        f"CREATE TEMP TABLE slots (questionnaire_hash VARCHAR, item_id VARCHAR, lo INTEGER,"
        f" hi INTEGER, {cols})"
    )
    if rows:
        con.executemany(f"INSERT INTO slots VALUES (?, ?, ?, ?{', ?' * columns})", rows)
    off = int(layout.offset)
    sums = ", ".join(
        f"coalesce(sum(CASE WHEN a.value BETWEEN m.lo AND m.hi"
        f" THEN m.w{i} * (a.value - {off}) END), 0) AS s{i}"
        for i in range(columns)
    )
    twice = " OR ".join(f"coalesce(sum(m.w{i}) <> bit_or(m.w{i}), false)" for i in range(columns))
    con.execute(
        "CREATE TEMP TABLE codes AS"
        " SELECT a.response_id, a.session_id, a.questionnaire_hash, count(*) AS n,"
        " count(*) FILTER (WHERE m.item_id IS NULL OR a.value < m.lo OR a.value > m.hi) > 0"
        f" AS wrong, ({twice}) AS twice, {sums}"
        " FROM read_parquet(?) a LEFT JOIN slots m"
        " ON m.questionnaire_hash = a.questionnaire_hash AND m.item_id = a.item_id"
        " GROUP BY a.response_id, a.session_id, a.questionnaire_hash",
        [files],
    )


def _consistent(con: Any) -> bool:
    """Nothing for the row-by-row check to find: every response of a listed session, once,
    with a known role; every response's answers under that session and its questionnaire,
    on its items, within its scale, once each. (The sessions table's ids are unique: the
    caller checked.)"""
    roles = ", ".join(f"'{r}'" for r in ROLES)
    found = con.execute(
        "SELECT"
        " (SELECT count(*) FROM wide w LEFT JOIN sessions s ON s.session_id = w.session_id"
        f"   WHERE s.session_id IS NULL OR NOT coalesce(w.role IN ({roles}), false)) = 0"
        " AND (SELECT count(*) = count(DISTINCT response_id) FROM wide)"
        " AND (SELECT count(*) FROM codes c"
        "   LEFT JOIN wide w ON w.response_id = c.response_id"
        "   LEFT JOIN sessions s ON s.session_id = c.session_id"
        "   WHERE w.session_id IS DISTINCT FROM c.session_id"
        "   OR s.questionnaire_hash IS DISTINCT FROM c.questionnaire_hash"
        "   OR c.wrong OR c.twice) = 0"
    ).fetchone()
    return bool(found and found[0])


def responses(
    con: Any,
    layout: CodeLayout,
    staged: tuple[bool, bool],
    hash_of: dict[str, str],
    unique: bool,
    bad: Bad,
) -> BySession:
    """Each session's responses in the files' order. staged: whether the wide and codes
    tables exist; hash_of: each session id's questionnaire hash (its first listing);
    unique: whether no session id is listed twice."""
    columns = layout.columns
    has_wide, has_codes = staged
    by_session: BySession = {}
    if has_wide and has_codes and unique and _consistent(con):
        sums = ", ".join(f"coalesce(c.s{i}, 0)" for i in range(columns))
        rows = con.execute(
            f"SELECT w.session_id, w.role, coalesce(c.n, 0), {sums}"
            " FROM wide w LEFT JOIN codes c ON c.response_id = w.response_id ORDER BY w.rowid"
        ).fetchall()
        for row in rows:
            found = by_session.get(row[0])
            if found is None:
                found = by_session[row[0]] = []
            found.append((row[1], row[2], row[3:]))
        return by_session
    wide = (
        con.execute("SELECT session_id, role, response_id FROM wide ORDER BY rowid").fetchall()
        if has_wide
        else []
    )
    codes = con.execute("SELECT * FROM codes").fetchall() if has_codes else []
    return _checked(wide, codes, layout, hash_of, bad)


def _checked(
    wide: list[tuple[Any, ...]],
    codes: list[tuple[Any, ...]],
    layout: CodeLayout,
    hash_of: dict[str, str],
    bad: Bad,
) -> BySession:
    """Row by row: the first listing of a response counts, and a session with anything wrong
    is named in `bad` with its first reason."""
    owner: dict[str, str] = {}
    by_session: BySession = {}
    roles: dict[str, str] = {}
    for session_id, role, response_id in wide:
        if session_id not in hash_of:
            bad.add(session_id, "responses of a session not in the sessions table")
            continue
        if response_id in owner or role not in ROLES:
            bad.add(session_id, "a response listed twice or with an unknown role")
            continue
        owner[response_id] = session_id
        roles[response_id] = role
    none = (0, (0,) * layout.columns)
    packed: dict[str, tuple[int, tuple[int, ...]]] = {}
    for response_id, session_id, h, n, wrong, twice, *sums in codes:
        if owner.get(response_id) != session_id or hash_of.get(session_id) != h:
            bad.add(session_id, "answers that disagree with the sessions or wide tables")
        elif wrong:
            bad.add(session_id, "answers to items not in the questionnaire or outside its scale")
        elif twice:
            bad.add(session_id, "an item answered twice in one response")
        else:
            packed[response_id] = (n, tuple(sums))
    del codes
    for response_id, session_id in owner.items():
        n, cols = packed.get(response_id, none)
        by_session.setdefault(session_id, []).append((roles[response_id], n, cols))
    return by_session
