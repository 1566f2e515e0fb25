"""Scale benchmark: 1,000,000 answers (40,000 responses, 2,000 groups) through export, import
and aggregate, against pandas doing the same per-component group-by on the CSV export.

    python benchmarks/aggregate.py            # full size (about a minute)
    python benchmarks/aggregate.py --small    # 100 groups, a few seconds
    python benchmarks/aggregate.py --size 10M # and 100M: a Parquet dataset written directly

At every size the same Parquet dataset is aggregated three ways in child processes: `magcheck
aggregate DIR --format json`, a hand-written DuckDB query of the same job and pandas. At 1M (and
--small) the dataset is exported from the store and its aggregate checked equal to the store's;
the bundle is also cut into 10, 100 and 1000 files to show that the peak memory of import and
aggregate does not grow with the number of files.

Each timed step runs in its own process, so its time includes start-up and its peak memory
(max RSS from wait4) is its own.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from magcheck.core.documents import questionnaire_hash, to_document
from magcheck.core.model import COMPONENT_IDS, Bands, Item, Questionnaire, Scale
from magcheck.store import Store, new_id

SESSIONS_PER_GROUP = 4
RESPONDENTS_PER_SESSION = 5  # per check: one facilitator and four members
MAGCHECK = str(Path(sys.executable).with_name("magcheck"))


def bench_questionnaire(role: str = "member") -> Questionnaire:
    """25 items: three per component (four for agency), the third of each reverse-keyed. The
    facilitator's items mirror the member items of the same number (the first two of each
    component marked parallel), so each check's two parts can be compared."""
    facilitator = role == "facilitator"
    items = []
    for comp in COMPONENT_IDS:
        for i in range(4 if comp == "agency" else 3):
            member_id = f"{comp}_{i + 1}"
            items.append(
                Item(
                    f"f_{member_id}" if facilitator else member_id,
                    comp,
                    {"en": f"{comp} item {i + 1}"},
                    i == 2,
                    member_id if facilitator and i < 2 else None,
                )
            )
    labels = {"en": ("1", "2", "3", "4", "5")}
    q = Questionnaire(
        id=f"bench-{role}",
        version=1,
        role=role,
        languages=("en",),
        title={"en": f"Benchmark ({role})"},
        description={},
        scale=Scale(1, 5, labels, prefer_not_to_say=not facilitator, dont_know=facilitator),
        items=tuple(items),
        bands=Bands(),
    )
    from dataclasses import replace

    return replace(q, content_hash=questionnaire_hash(q))


def generate(directory: Path, groups: int, seed: int = 1) -> int:
    """Fill a store with bulk inserts through Store.import_rows; returns the answer count.

    Each group has SESSIONS_PER_GROUP checks: a facilitator self-assessment (one response) and a
    member round (four members), linked by the check's id."""
    rng = random.Random(seed)
    parts = {role: bench_questionnaire(role) for role in ("facilitator", "member")}
    import json

    stamp = "2026-01-01T10:00:00+00:00"
    group_rows, session_rows, response_rows, answer_rows = [], [], [], []
    regions = [f"Region {i}" for i in range(1, 9)]
    focuses = ["depression", "psychosis", "substance use", "caregivers", "chronic disease"]
    for g in range(groups):
        gid = new_id()
        level = {c: rng.uniform(2.0, 4.5) for c in COMPONENT_IDS}
        group_rows.append(
            (gid, f"Group {g + 1:05d}", rng.choice(regions), rng.choice(focuses), stamp)
        )
        for s in range(SESSIONS_PER_GROUP):
            check_id = new_id()
            day = f"2025-{s * 3 + 1:02d}-{rng.randint(1, 28):02d}"
            for role, q in parts.items():
                sid = new_id()
                session_rows.append(
                    (sid, gid, day, "en", q.id, q.version, q.content_hash, stamp, stamp)
                    + (check_id, role)
                )
                people = 1 if role == "facilitator" else RESPONDENTS_PER_SESSION - 1
                for r in range(people):
                    rid = new_id()
                    code = "F1" if role == "facilitator" else f"M{r + 1}"
                    response_rows.append((rid, sid, role, code, stamp, stamp))
                    bias = 0.6 if role == "facilitator" else 0.0
                    for it in q.items:
                        if rng.random() < 0.04:
                            value, missing = None, "prefer_not_to_say"
                            if role == "facilitator":
                                missing = "dont_know"
                        else:
                            v = round(rng.gauss(level[it.component] + 0.15 * s + bias, 0.8))
                            v = min(5, max(1, v))
                            value, missing = (6 - v if it.reverse else v), None
                        answer_rows.append((rid, it.id, value, stamp, missing))
    with Store.open(directory) as store:
        store.import_rows(
            group_rows,
            [(q.content_hash, q.id, q.version, json.dumps(to_document(q))) for q in parts.values()],
            session_rows,
            response_rows,
            answer_rows,
        )
    return len(answer_rows)


def timed(args: list[str]) -> tuple[float, float]:
    """Run a command; return (seconds, peak RSS in MB) of that process alone."""
    # Bytecode on, as after `pip install` (which compiles every module); with
    # PYTHONDONTWRITEBYTECODE set, magcheck would be compiled on every run and pandas would not.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    err = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) not in (0,):
        raise SystemExit(f"{' '.join(args)} failed:\n{err}")
    return seconds, usage.ru_maxrss / 1024


PANDAS = textwrap.dedent(
    """
    import sys
    import numpy as np
    import pandas as pd
    lo, hi = 1, 5
    df = pd.read_csv(sys.argv[1], usecols=["group_id", "response_id", "component", "scored_value"])
    per = df.groupby(["group_id", "response_id", "component"], sort=False)["scored_value"]
    g = per.agg(["sum", "count", "size"])
    ok = (g["count"] > 0) & (g["count"] >= np.ceil(g["size"] / 2))
    score = ((g["sum"] / g["count"] - lo) / (hi - lo) * 100)[ok]
    out = score.groupby(level="component").agg(["mean", "std", "count"])
    out["half"] = 1.96 * out["std"] / np.sqrt(out["count"])
    by_group = score.groupby(level=["group_id", "component"]).agg(["mean", "std", "count"])
    print(out, len(by_group))
    """
)


SIZES = {"1M": 2000, "10M": 20_000, "100M": 200_000}  # groups: 500 answers each


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="100 groups instead of 2,000")
    parser.add_argument("--size", choices=list(SIZES), default="1M", help="answers (1M)")
    parser.add_argument("--keep", metavar="DIR", help="work in DIR and keep the files")
    args = parser.parse_args()
    work = Path(args.keep or tempfile.mkdtemp(prefix="magcheck-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    if args.size != "1M" and not args.small:
        from scale_data import write_dataset

        t0 = time.perf_counter()
        parts = {role: bench_questionnaire(role) for role in ("facilitator", "member")}
        n = write_dataset(work / "dataset", parts, SIZES[args.size])
        print(f"wrote a Parquet dataset of {n:,} answers in {time.perf_counter() - t0:.1f} s")
        compare_on_parquet(work, work / "dataset")
        return
    groups = 100 if args.small else SIZES["1M"]
    source, target = work / "source", work / "target"

    t0 = time.perf_counter()
    n_answers = generate(source, groups)
    n_responses = groups * SESSIONS_PER_GROUP * RESPONDENTS_PER_SESSION
    print(
        f"generated {n_answers:,} answers, {n_responses:,} responses, {groups:,} groups "
        f"in {time.perf_counter() - t0:.1f} s  ({work})"
    )

    bundle, csv_base = work / "export.json", work / "export.csv"

    def cli(data_dir: Path, *args: str) -> tuple[float, float]:
        return timed([MAGCHECK, "--data-dir", str(data_dir), *args])

    rows = [
        ("export bundle", *cli(source, "export", "--out", str(bundle))),
        ("export csv", *cli(source, "export", "--format", "csv", "--out", str(csv_base))),
        ("import bundle", *cli(target, "import", str(bundle))),
    ]
    answers_csv = work / "export-answers.csv"

    def median_of(runs: list[tuple[float, float]]) -> tuple[float, float]:
        return statistics.median(r[0] for r in runs), max(r[1] for r in runs)

    # The short steps run 3 times, interleaved, so machine noise hits both sides alike.
    store_runs, file_runs, pandas_runs = [], [], []
    for _ in range(3):
        out = str(work / "agg.json")
        store_runs.append(cli(target, "aggregate", "--format", "json", "--out", out))
        out = str(work / "f.json")
        file_runs.append(
            cli(work / "empty", "aggregate", str(bundle), "--format", "json", "--out", out)
        )
        pandas_runs.append(timed([sys.executable, "-c", PANDAS, str(answers_csv)]))
    agg_store, agg_file, pandas = (
        median_of(store_runs),
        median_of(file_runs),
        median_of(pandas_runs),
    )
    rows.append(("aggregate (store)", *agg_store))
    rows.append(("aggregate (bundle)", *agg_file))
    rows.append(("pandas group-by (csv)", *pandas))

    print(
        f"bundle {bundle.stat().st_size / 1e6:.1f} MB, answers csv "
        f"{answers_csv.stat().st_size / 1e6:.1f} MB"
    )
    print(f"{'step':<24}{'seconds':>10}{'peak MB':>10}   (aggregate and pandas: median of 3)")
    for name, seconds, peak in rows:
        print(f"{name:<24}{seconds:>10.2f}{peak:>10.0f}")
    print(
        f"aggregate (store) / pandas = {agg_store[0] / pandas[0]:.2f}  "
        f"(goal <= 1.0); aggregate (bundle) / pandas = {agg_file[0] / pandas[0]:.2f}"
    )
    peak = max(p for _, _, p in rows[:-1])
    print(f"peak memory of magcheck steps: {peak:.0f} MB (goal < 500 MB)")

    dataset = work / "dataset"
    seconds, peak = cli(source, "export", "--format", "parquet", "--out", str(dataset))
    print(f"export parquet{seconds:>20.2f}{peak:>10.0f}")
    same_numbers(work, target, dataset)
    compare_on_parquet(work, dataset)
    memory_by_file_count(work, bundle, [10, 100] if args.small else [10, 100, 1000])


def aggregate_dir(work: Path, dataset: Path, out: str) -> list[str]:
    """The command: magcheck aggregate DATASET --format json, written to work / out."""
    return [MAGCHECK, "--data-dir", str(work / "empty"), "aggregate", str(dataset),
            "--format", "json", "--out", str(work / out)]  # fmt: skip


def same_numbers(work: Path, store: Path, dataset: Path) -> None:
    """The dataset's aggregate equals the store's (counts exactly, floats to 1e-9)."""
    import json
    import math

    a = json.loads((work / "agg.json").read_text())
    timed(aggregate_dir(work, dataset, "d.json"))
    b = json.loads((work / "d.json").read_text())

    def same(x: object, y: object) -> bool:
        if isinstance(x, float) or isinstance(y, float):
            return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9)  # type: ignore[arg-type]
        if isinstance(x, dict) and isinstance(y, dict):
            return list(x) == list(y) and all(same(x[k], y[k]) for k in x)
        if isinstance(x, list) and isinstance(y, list):
            return len(x) == len(y) and all(map(same, x, y))
        return x == y

    print(f"aggregate DIR equals aggregate (store): {same(a, b)}")
    if not same(a, b):
        raise SystemExit("the dataset's aggregate differs from the store's")


def compare_on_parquet(work: Path, dataset: Path) -> None:
    """magcheck, hand-written DuckDB (the whole job; and means and bands only) and pandas
    (means and bands only) on the same Parquet files, interleaved, median of 3."""
    from scale_data import DUCKDB, PANDAS

    job = str(Path(__file__).with_name("duckdb_job.py"))
    commands = {
        "magcheck": aggregate_dir(work, dataset, "dataset.json"),
        "duckdb_job": [sys.executable, job, str(dataset), str(work / "duckdb-job.json")],
        "duckdb": [sys.executable, "-c", DUCKDB, str(dataset)],
        "pandas": [sys.executable, "-c", PANDAS, str(dataset)],
    }
    runs: dict[str, list[tuple[float, float]]] = {k: [] for k in commands}
    for _ in range(3):
        for name, command in commands.items():
            runs[name].append(timed(command))
    got = {k: (statistics.median(r[0] for r in v), max(r[1] for r in v)) for k, v in runs.items()}
    size = sum(f.stat().st_size for f in dataset.rglob("*") if f.is_file()) / 1e6
    print(f"Parquet dataset {size:.1f} MB; median of 3 runs, each a whole process")
    print(f"{'on the Parquet files':<40}{'seconds':>10}{'peak MB':>10}")
    for name, label in (
        ("magcheck", "magcheck aggregate DIR (the whole job)"),
        ("duckdb_job", "DuckDB by hand, the whole job"),
        ("duckdb", "DuckDB by hand, means and bands only"),
        ("pandas", "pandas, means and bands only"),
    ):
        print(f"{label:<40}{got[name][0]:>10.2f}{got[name][1]:>10.0f}")
    print(
        f"magcheck / DuckDB whole job = {got['magcheck'][0] / got['duckdb_job'][0]:.2f} "
        f"(goal <= 1.5); magcheck / DuckDB means and bands = "
        f"{got['magcheck'][0] / got['duckdb'][0]:.2f}; magcheck / pandas = "
        f"{got['magcheck'][0] / got['pandas'][0]:.2f}; magcheck peak {got['magcheck'][1]:.0f} MB "
        "(goal < 1024)"
    )


def memory_by_file_count(work: Path, bundle: Path, counts: list[int]) -> None:
    """Peak memory of import and aggregate over the same sessions cut into more files."""
    from scale_data import split_bundle

    print(f"{'files':>6}{'import s':>10}{'import MB':>11}{'aggregate s':>13}{'aggregate MB':>14}")
    for n in counts:
        files = [str(p) for p in split_bundle(bundle, work / f"split{n}", n)]
        store = work / f"store{n}"
        imp = timed([MAGCHECK, "--data-dir", str(store), "import", *files])
        agg = timed(
            [
                MAGCHECK,
                "--data-dir",
                str(work / "empty"),
                "aggregate",
                *files,
                "--format",
                "json",
                "--out",
                str(work / f"split{n}.json"),
            ]
        )
        print(f"{n:>6}{imp[0]:>10.2f}{imp[1]:>11.0f}{agg[0]:>13.2f}{agg[1]:>14.0f}")


if __name__ == "__main__":
    main()
