"""The Spark SQL in benchmarks/spark_job.py (docs/scale.md: a programme past one machine) gives
magcheck's own figures on the same Parquet dataset: respondent n and means per component, and
the groups' latest bands. Runs where pyspark and Java are installed (.ci/run installs both)."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import pytest

from .export_support import fill_store, run

pytest.importorskip("pyspark")
if shutil.which("java") is None:
    pytest.skip("Spark needs Java on the PATH", allow_module_level=True)

JOB = Path(__file__).resolve().parents[1] / "benchmarks" / "spark_job.py"


def spark_job():
    spec = importlib.util.spec_from_file_location("spark_job", JOB)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_spark_sql_gives_magcheck_numbers_on_the_same_dataset(tmp_path: Path) -> None:
    from pyspark.sql import SparkSession

    data = tmp_path / "data"
    fill_store(data, groups=6, sessions=3, members=5, seed=11)
    dataset = tmp_path / "dataset"
    run("export", "--format", "parquet", "--out", str(dataset), data_dir=data)
    out = tmp_path / "agg.json"
    run("aggregate", str(dataset), "--format", "json", "--out", str(out), data_dir=tmp_path / "e")
    ours = json.loads(out.read_text(encoding="utf-8"))

    spark = (
        SparkSession.builder.master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    try:
        got = spark_job().run(spark, dataset)
    finally:
        spark.stop()

    assert {r["component"] for r in got["components"]} == set(ours["components"])
    for row in got["components"]:
        mine = ours["components"][row["component"]]
        assert row["n"] == mine["n"]
        assert abs(row["mean"] - mine["mean"]) < 1e-9
        assert abs(row["sd"] - mine["sd"]) < 1e-9
    bands = {
        (b["component"], band): n for b in ours["bands"] for band, n in b["counts"].items() if n
    }
    assert {(r["component"], r["band"]): r["groups"] for r in got["bands"]} == bands
