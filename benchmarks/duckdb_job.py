"""The aggregate's whole job written by hand in DuckDB SQL: the rival benchmarks/aggregate.py
times `magcheck aggregate DIR --format json` against (run as a script in its own process).

    python benchmarks/duckdb_job.py DATASET_DIR OUT.json

What an analyst would write to get the same statistics from a magcheck Parquet dataset:
- respondent scores per component (its own role, at least half the component's items
  answered), member rounds only from 3 people: mean, SD, n and a 95% interval;
- each group's latest part per component (by date, then respondents, then creation), banded;
- Cronbach's alpha per questionnaire and component over complete cases;
- each check's facilitator self-assessment against its member round on the parallel items;
- the trend: every counted part's score per component, one row per session and component.
Results are written as JSON (compact); the trend rows by DuckDB's own COPY, as newline-delimited
JSON beside OUT.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import duckdb
from spark_job import questionnaires  # the same snapshot table; pyspark is not loaded


def questionnaire_tables(con: duckdb.DuckDBPyConnection, folder: Path) -> None:
    """q: each snapshot's role, scale and common denominator (spark_job.questionnaires);
    pairs: each facilitator item and the member item it mirrors."""
    con.execute("CREATE TABLE q (h VARCHAR, role VARCHAR, lo INT, hi INT, l BIGINT)")
    con.executemany("INSERT INTO q VALUES (?, ?, ?, ?, ?)", questionnaires(folder))
    pairs = [
        (item["id"], item["parallel"])
        for path in sorted((folder / "questionnaires").glob("*.json"))
        for item in json.loads(path.read_text(encoding="utf-8"))["items"]
        if item.get("parallel")
    ]
    con.execute("CREATE TABLE pairs (f_item VARCHAR, m_item VARCHAR)")
    if pairs:
        con.executemany("INSERT INTO pairs VALUES (?, ?)", pairs)


JOB = """
CREATE TABLE s AS SELECT session_id, group_id, check_id, date, created_at,
    questionnaire_hash AS h FROM read_parquet('{d}/sessions/**/*.parquet');
CREATE VIEW a AS SELECT a.session_id, a.response_id, a.item_id, a.component, a.scored_value AS v,
    q.lo, q.hi, q.l, q.role = a.role AS own, q.role
    FROM read_parquet('{d}/answers/**/*.parquet') a JOIN q ON q.h = a.questionnaire_hash;
CREATE VIEW r AS SELECT session_id, response_id, component, any_value(role) AS role,
    count(v) AS k, count(*) AS n, sum(v - lo) AS t, any_value(hi - lo) AS span, any_value(l) AS l
    FROM a WHERE own GROUP BY ALL;
CREATE VIEW people AS SELECT session_id, any_value(role) AS role,
    count(DISTINCT response_id) AS p FROM r GROUP BY ALL;
CREATE TABLE ok AS SELECT r.*, 100.0 * t / (k * span) AS score, s.group_id, s.check_id,
    s.date, s.created_at, s.h
    FROM r JOIN s USING (session_id) JOIN people USING (session_id)
    WHERE r.k > 0 AND 2 * r.k >= r.n AND (people.role <> 'member' OR people.p >= 3);
CREATE TABLE parts AS SELECT session_id, group_id, check_id, date, created_at, h, role,
    component, sum(t * (l // (k * span))) AS t, count(*) * any_value(l) AS den,
    count(*) AS people
    FROM ok GROUP BY ALL;
"""

RESULTS = {
    "components": """SELECT component, count(*) AS n, avg(score) AS mean,
        stddev_samp(score) AS sd, avg(score) - 1.96 * stddev_samp(score) / sqrt(count(*)) AS low,
        avg(score) + 1.96 * stddev_samp(score) / sqrt(count(*)) AS high
        FROM ok GROUP BY component ORDER BY component""",
    "bands": """WITH latest AS (
            SELECT group_id, component, arg_max([t, den], (date, people, created_at)) AS td
            FROM parts GROUP BY ALL)
        SELECT component, CASE WHEN 100 * td[1] >= 75 * td[2] THEN 'strong'
            WHEN 100 * td[1] >= 50 * td[2] THEN 'developing'
            WHEN 100 * td[1] >= 25 * td[2] THEN 'weak' ELSE 'missing' END AS band,
            count(*) AS groups FROM latest GROUP BY ALL ORDER BY ALL""",
    "alpha": """WITH complete AS (
            SELECT response_id, component, any_value(s.h) AS h
            FROM a JOIN s USING (session_id) WHERE own GROUP BY ALL
            HAVING count(v) = count(*)),
        iv AS (SELECT c.h, c.component, a.item_id, var_samp(a.v) AS var
            FROM a JOIN complete c USING (response_id, component) GROUP BY ALL),
        tv AS (SELECT c.h, c.component, var_samp(tot) AS var, count(*) AS n FROM (
            SELECT response_id, component, sum(v) AS tot FROM a
            JOIN complete USING (response_id, component) GROUP BY ALL) x
            JOIN complete c USING (response_id, component) GROUP BY ALL)
        SELECT iv.h, iv.component, tv.n, count(*) AS items,
            count(*) / (count(*) - 1) * (1 - sum(iv.var) / any_value(tv.var)) AS alpha
        FROM iv JOIN tv USING (h, component) GROUP BY ALL ORDER BY ALL""",
    "comparisons": """WITH f AS (
            SELECT s.check_id, a.component, p.m_item, a.v - a.lo AS x, a.hi - a.lo AS span
            FROM a JOIN s USING (session_id) JOIN pairs p ON p.f_item = a.item_id
            WHERE a.own AND a.role = 'facilitator' AND a.v IS NOT NULL),
        m AS (SELECT s.check_id, a.item_id AS m_item, avg(a.v - a.lo) AS x,
            count(DISTINCT a.response_id) AS members
            FROM a JOIN s USING (session_id) JOIN people USING (session_id)
            WHERE a.own AND a.role = 'member' AND people.p >= 3 AND a.v IS NOT NULL
            GROUP BY ALL),
        d AS (SELECT f.check_id, f.component,
            100.0 * (avg(m.x) - avg(f.x)) / any_value(f.span) AS diff, any_value(f.span) AS span
            FROM f JOIN m USING (check_id, m_item) GROUP BY ALL)
        SELECT component, count(*) AS compared,
            count(*) FILTER (WHERE abs(diff) > 100.0 / span) AS worth_talking_about,
            avg(diff) AS mean_difference FROM d GROUP BY ALL ORDER BY ALL""",
    "trends": """SELECT group_id, h, session_id, date, component, 100.0 * t / den AS score,
        people FROM parts ORDER BY group_id, h, date, created_at, session_id, component""",
}


def main() -> None:
    folder, out = Path(sys.argv[1]), Path(sys.argv[2])
    con = duckdb.connect()
    questionnaire_tables(con, folder)
    for statement in JOB.format(d=folder).split(";"):
        if statement.strip():
            con.execute(statement)
    result = {}
    for name, sql in RESULTS.items():
        if name == "trends":  # a million rows and more: DuckDB writes them itself
            trends = out.with_suffix(".trends.json")
            con.execute(f"COPY ({sql}) TO '{trends}' (FORMAT JSON)")
            result[name] = str(trends)
            continue
        cur = con.execute(sql)
        cols = [c[0] for c in cur.description]
        result[name] = [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]
    out.write_text(json.dumps(result, default=str, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
