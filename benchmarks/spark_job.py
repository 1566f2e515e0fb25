"""The aggregate's core job in Spark SQL over a magcheck Parquet dataset folder: how a programme
past one machine runs it (docs/scale.md). tests/test_spark.py runs it at small size against
`magcheck aggregate DIR` when pyspark is installed.

    pip install pyspark            # Java 17 or newer on the PATH
    python benchmarks/spark_job.py DATASET_DIR OUT.json

Per component: respondent scores (the part's own role, at least half the component's items
answered, member rounds only from 3 people) with their n, mean and SD; and the groups' latest
parts (by date, then respondents, then creation) in bands decided exactly in integers, as
docs/scoring.md states. On a cluster, point DATASET_DIR at shared storage (s3a://, hdfs://)
and submit with spark-submit; nothing else changes.
"""

from __future__ import annotations

import json
import math
import sys
from collections import Counter
from pathlib import Path
from typing import Any

# Bands as the scoring rule says: an edge belongs to the band it starts (100 t >= 75 den).
JOB = {
    "components": """
        SELECT component, count(*) AS n, avg(score) AS mean, stddev_samp(score) AS sd
        FROM ok GROUP BY component ORDER BY component""",
    "bands": """
        WITH latest AS (
            SELECT group_id, component,
                   max_by(struct(t, den), struct(date, people, created_at)) AS td
            FROM parts GROUP BY group_id, component)
        SELECT component,
               CASE WHEN 100 * td.t >= 75 * td.den THEN 'strong'
                    WHEN 100 * td.t >= 50 * td.den THEN 'developing'
                    WHEN 100 * td.t >= 25 * td.den THEN 'weak' ELSE 'missing' END AS band,
               count(*) AS groups
        FROM latest GROUP BY 1, 2 ORDER BY 1, 2""",
}

VIEWS = [
    """CREATE OR REPLACE TEMP VIEW a AS
        SELECT a.session_id, a.response_id, a.component, CAST(a.scored_value AS INT) AS v,
               q.lo, q.hi, q.l, q.role, a.role = q.role AS own
        FROM answers a JOIN q ON q.h = a.questionnaire_hash""",
    """CREATE OR REPLACE TEMP VIEW r AS
        SELECT session_id, response_id, component, first(role) AS role, count(v) AS k,
               count(*) AS n, sum(v - lo) AS t, first(hi - lo) AS span, first(l) AS l
        FROM a WHERE own GROUP BY session_id, response_id, component""",
    """CREATE OR REPLACE TEMP VIEW people AS
        SELECT session_id, first(role) AS role, count(DISTINCT response_id) AS p
        FROM r GROUP BY session_id""",
    """CREATE OR REPLACE TEMP VIEW ok AS
        SELECT r.*, CAST(100 * r.t AS DOUBLE) / (r.k * r.span) AS score, s.group_id, s.date, s.created_at
        FROM r JOIN sessions s ON s.session_id = r.session_id
        JOIN people ON people.session_id = r.session_id
        WHERE r.k > 0 AND 2 * r.k >= r.n AND (people.role <> 'member' OR people.p >= 3)""",
    """CREATE OR REPLACE TEMP VIEW parts AS
        SELECT session_id, group_id, date, created_at, component,
               sum(t * div(l, k * span)) AS t, count(*) * first(l) AS den, count(*) AS people
        FROM ok GROUP BY session_id, group_id, date, created_at, component""",
]


def questionnaires(folder: Path) -> list[tuple[str, str, int, int, int]]:
    """(content hash, role, scale min, scale max, L) of each snapshot in the dataset.

    A part's score is the mean of its respondents' scores t / (k * span) (k items answered);
    L, a multiple of every k * span, puts them over one denominator, so the part's band is
    decided in integers: sum(t * L / (k * span)) against the edge times people * L."""
    out = []
    for path in sorted((folder / "questionnaires").glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        lo, hi = doc["scale"]["min"], doc["scale"]["max"]
        per_component = Counter(item["component"] for item in doc["items"])
        lcm = math.lcm(*range(1, max(per_component.values()) + 1))
        out.append((path.stem, doc["role"], lo, hi, lcm * (hi - lo)))
    return out


def run(spark: Any, folder: Path) -> dict[str, list[dict[str, Any]]]:
    spark.read.parquet(str(folder / "answers")).createOrReplaceTempView("answers")
    spark.read.parquet(str(folder / "sessions")).createOrReplaceTempView("sessions")
    spark.createDataFrame(questionnaires(folder), "h string, role string, lo int, hi int, l long") \
        .createOrReplaceTempView("q")  # fmt: skip
    for view in VIEWS:
        spark.sql(view)
    return {name: [row.asDict() for row in spark.sql(sql).collect()] for name, sql in JOB.items()}


def main() -> None:
    from pyspark.sql import SparkSession

    folder, out = Path(sys.argv[1]), Path(sys.argv[2])
    spark = SparkSession.builder.appName("magcheck-aggregate").getOrCreate()
    try:
        result = run(spark, folder)
    finally:
        spark.stop()
    out.write_text(json.dumps(result, default=str, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
