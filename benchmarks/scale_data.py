"""Data and rival jobs for benchmarks/aggregate.py at 10M and 100M answers.

write_dataset writes a Parquet dataset folder in magcheck's layout (docs/export-format.md)
straight from NumPy with pyarrow, a batch of groups at a time, so generating 100M answers
needs no store and little memory. split_bundle cuts one bundle into N checksummed bundles (for
the memory-per-file-count measurement). DUCKDB and PANDAS are the hand-written rivals.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from magcheck.core.documents import to_document
from magcheck.core.model import COMPONENT_IDS, Questionnaire

REGIONS = [f"Region {i}" for i in range(1, 9)]
STAMP = np.datetime64("2026-01-01T10:00:00", "us")


def _dict(values: Any) -> Any:
    return pa.array(values, pa.string()).dictionary_encode()


def write_dataset(
    root: Path,
    parts: dict[str, Questionnaire],
    groups: int,
    checks: int = 4,
    members: int = 4,
    seed: int = 1,
    batch: int = 2000,
) -> int:
    """A dataset of `groups` groups, each with `checks` checks (a facilitator self-assessment
    of one response and a member round of `members`); returns the number of answers."""
    rng = np.random.default_rng(seed)
    root.mkdir(parents=True)
    (root / "questionnaires").mkdir()
    for q in parts.values():
        (root / "questionnaires" / f"{q.content_hash}.json").write_text(
            json.dumps(to_document(q), sort_keys=True)
        )
    writers: dict[tuple[str, str], Any] = {}

    def write(table: str, region: str, data: dict[str, Any]) -> None:
        t = pa.table(data)
        key = (table, region)
        if key not in writers:
            folder = root / table / "year=2025" / f"region={region}"
            folder.mkdir(parents=True)
            writers[key] = pq.ParquetWriter(folder / "part-0.parquet", t.schema, compression="zstd")
        writers[key].write_table(t)

    total = 0
    for start in range(0, groups, batch):
        count = min(batch, groups - start)
        gids = np.array([f"{start + g:032x}" for g in range(count)])
        region_of = rng.integers(0, len(REGIONS), count)
        level = rng.uniform(2.0, 4.5, (count, len(COMPONENT_IDS)))
        for r, region in enumerate(REGIONS):
            mine = np.flatnonzero(region_of == r)
            if not len(mine):
                continue
            sess: dict[str, list[Any]] = {k: [] for k in ("s", "g", "d", "h", "c", "gn")}
            resp: dict[str, list[Any]] = {k: [] for k in ("s", "role", "id", "h")}
            for role, q in parts.items():
                people = 1 if role == "facilitator" else members
                comp_of = np.array([COMPONENT_IDS.index(it.component) for it in q.items])
                reverse = np.array([it.reverse for it in q.items])
                for c in range(checks):
                    days = rng.integers(1, 29, len(mine))
                    sids = [f"{gids[g]}{role[0]}{c}" for g in mine]
                    sess["s"] += sids
                    sess["g"] += list(gids[mine])
                    sess["d"] += [np.datetime64(f"2025-{c * 3 + 1:02d}-{d:02d}") for d in days]
                    sess["h"] += [q.content_hash] * len(mine)
                    sess["c"] += [f"{gids[g]}k{c}" for g in mine]
                    sess["gn"] += [f"Group {start + g:06d}" for g in mine]
                    n = len(mine) * people
                    rid = np.repeat(np.array(sids, dtype=object), people) + np.tile(
                        np.array([f"r{p}" for p in range(people)], dtype=object), len(mine)
                    )
                    resp["s"] += list(np.repeat(np.array(sids, dtype=object), people))
                    resp["role"] += [role] * n
                    resp["id"] += list(rid)
                    resp["h"] += [q.content_hash] * n
                    bias = 0.6 if role == "facilitator" else 0.0
                    mean = level[np.repeat(mine, people)][:, comp_of] + 0.15 * c + bias
                    v = np.clip(np.rint(rng.normal(mean, 0.8)), 1, 5).astype(np.int16)
                    v = np.where(reverse, 6 - v, v)
                    missing = rng.random(v.shape) < 0.04
                    k = len(q.items)
                    values = pa.array(v.ravel(), pa.int16(), mask=missing.ravel())
                    write(
                        "answers",
                        region,
                        {
                            "session_id": _dict(
                                np.repeat(np.array(sids, dtype=object), people * k)
                            ),
                            "questionnaire_hash": _dict([q.content_hash] * (n * k)),
                            "response_id": pa.array(np.repeat(rid, k), pa.string()),
                            "role": _dict([role] * (n * k)),
                            "item_id": _dict(np.tile([it.id for it in q.items], n)),
                            "component": _dict(np.tile([it.component for it in q.items], n)),
                            "value": values,
                            "non_answer": _dict(
                                np.where(missing.ravel(), "prefer_not_to_say", None)
                            ),
                            "scored_value": pa.array(
                                np.where(reverse, 6 - v, v).ravel(),
                                pa.int16(),
                                mask=missing.ravel(),
                            ),
                        },
                    )
                    total += n * k
            write(
                "sessions",
                region,
                {
                    "group_id": pa.array(sess["g"], pa.string()),
                    "group": pa.array(sess["gn"], pa.string()),
                    "focus": _dict([None] * len(sess["s"])),
                    "check_id": pa.array(sess["c"], pa.string()),
                    "session_id": pa.array(sess["s"], pa.string()),
                    "date": pa.array(np.array(sess["d"], dtype="datetime64[D]")).cast(pa.date32()),
                    "questionnaire_hash": _dict(sess["h"]),
                    "created_at": pa.array(np.full(len(sess["s"]), STAMP)).cast(
                        pa.timestamp("us", tz="UTC")
                    ),
                },
            )
            for h in set(resp["h"]):
                pick = [i for i, x in enumerate(resp["h"]) if x == h]
                name = next(f"{q.id}_v{q.version}" for q in parts.values() if q.content_hash == h)
                write(
                    f"wide_{name}",
                    region,
                    {
                        "session_id": pa.array([resp["s"][i] for i in pick], pa.string()),
                        "role": _dict([resp["role"][i] for i in pick]),
                        "response_id": pa.array([resp["id"][i] for i in pick], pa.string()),
                    },
                )
    for w in writers.values():
        w.close()
    (root / "datapackage.json").write_text(
        json.dumps(
            {
                "profile": "data-package",
                "magcheck": {"privacy_floor": 3},
                "resources": [{"name": "answers"}, {"name": "sessions"}],
            }
        )
    )
    return total


def split_bundle(bundle: Path, out: Path, files: int) -> list[Path]:
    """The bundle's sessions cut into `files` bundles of about equal size, each checksummed."""
    from magcheck.exports.bundle import checksum

    doc = json.loads(bundle.read_text(encoding="utf-8"))
    sessions = doc["sessions"]
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(files):
        mine = sessions[i::files]
        used = {s["group_id"] for s in mine}  # a device's file holds its own groups only
        groups = [g for g in doc["groups"] if g["id"] in used]
        part = dict(doc, groups=groups, sessions=mine)
        part.pop("sha256", None)
        part["sha256"] = checksum(part)
        path = out / f"part-{i:04d}.json"
        path.write_text(json.dumps(part, ensure_ascii=False), encoding="utf-8")
        paths.append(path)
    return paths


# The job by hand: respondent scores per component (at least half the items answered, its own
# role, member rounds from 3 people), their mean, SD and n; and each group's latest part per
# component put in a band. Run by the duckdb module in a child process.
DUCKDB = textwrap.dedent(
    """
    import sys, duckdb
    d = sys.argv[1]
    con = duckdb.connect()
    print(con.execute(f'''
    WITH s AS (SELECT session_id, group_id, date, created_at
               FROM read_parquet('{d}/sessions/**/*.parquet')),
    r AS (SELECT a.session_id, a.response_id, any_value(a.role) AS role, a.component,
                 count(a.scored_value) AS k, count(*) AS n,
                 100.0 * (avg(a.scored_value) - 1) / 4 AS score
          FROM read_parquet('{d}/answers/**/*.parquet') a GROUP BY ALL),
    people AS (SELECT session_id, count(DISTINCT response_id) AS p, any_value(role) AS role
               FROM r GROUP BY ALL),
    ok AS (SELECT r.*, s.group_id, s.date, s.created_at FROM r JOIN s USING (session_id)
           JOIN people USING (session_id)
           WHERE r.k > 0 AND 2 * r.k >= r.n AND (people.role <> 'member' OR people.p >= 3)),
    means AS (SELECT component, avg(score) AS mean, stddev_samp(score) AS sd, count(*) AS n
              FROM ok GROUP BY component),
    parts AS (SELECT group_id, component, session_id, date, created_at, avg(score) AS score,
                     count(*) AS k FROM ok GROUP BY ALL),
    latest AS (SELECT group_id, component, arg_max(score, (date, k, created_at)) AS score
               FROM parts GROUP BY ALL),
    bands AS (SELECT component, CASE WHEN score >= 75 THEN 'strong' WHEN score >= 50
                THEN 'developing' WHEN score >= 25 THEN 'weak' ELSE 'missing' END AS band,
                count(*) AS groups FROM latest GROUP BY ALL)
    SELECT m.component, m.mean, m.sd, m.n, b.band, b.groups
    FROM means m JOIN bands b USING (component) ORDER BY ALL
    ''').fetchall())
    """
)

PANDAS = textwrap.dedent(
    """
    import sys
    import numpy as np
    import pandas as pd
    d = sys.argv[1]
    a = pd.read_parquet(d + "/answers", columns=["session_id", "response_id", "role",
                        "component", "scored_value"])
    s = pd.read_parquet(d + "/sessions", columns=["session_id", "group_id", "date", "created_at"])
    g = a.groupby(["session_id", "response_id", "role", "component"], observed=True,
                  sort=False)["scored_value"].agg(["sum", "count", "size"]).reset_index()
    people = g.groupby("session_id", observed=True).agg(p=("response_id", "nunique"),
                                                       role=("role", "first"))
    g = g.join(people, on="session_id", rsuffix="_s")
    ok = g[(g["count"] > 0) & (2 * g["count"] >= g["size"])
           & ((g["role_s"] != "member") | (g["p"] >= 3))].copy()
    ok["score"] = (ok["sum"] / ok["count"] - 1) / 4 * 100
    means = ok.groupby("component", observed=True)["score"].agg(["mean", "std", "count"])
    ok = ok.merge(s, on="session_id")
    parts = ok.groupby(["group_id", "component", "session_id", "date", "created_at"],
                       observed=True)["score"].agg(["mean", "count"]).reset_index()
    parts = parts.sort_values(["date", "count", "created_at"])
    latest = parts.groupby(["group_id", "component"], observed=True).tail(1)
    bands = pd.cut(latest["mean"], [-1, 25, 50, 75, 101], right=False,
                   labels=["missing", "weak", "developing", "strong"])
    print(means, latest.groupby(["component", bands], observed=True).size())
    """
)
