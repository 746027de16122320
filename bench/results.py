"""A run's results folder: results.json and results.md, rewritten as the run goes, and chart.png
and the printed tables at the end."""

from __future__ import annotations

import contextlib
import json
import math
from pathlib import Path

from bench.report_chart import chart
from bench.report_console import print_tables
from bench.report_markdown import markdown
from bench.targets import evaluate_targets


def jsonable(value: object) -> object:
    """The value with paths as strings and NaN as null."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def write_outputs(results: dict, out: Path) -> None:
    """results.json and results.md as they stand (the targets evaluated, if not yet)."""
    results = dict(results)
    results.setdefault("targets", evaluate_targets(results))
    (out / "results.json").write_text(json.dumps(jsonable(results), indent=2, ensure_ascii=False))
    with contextlib.suppress(Exception):
        (out / "results.md").write_text(markdown(results))


def finish(results: dict, out: Path) -> None:
    """The last results files, the chart and the tables; a report that fails does not hide the
    error that ended the run."""
    results["targets"] = evaluate_targets(results)
    write_outputs(results, out)
    with contextlib.suppress(Exception):
        chart(results, out / "chart.png")
    with contextlib.suppress(Exception):
        print_tables(results)
    print(f"\nresults: {out / 'results.md'}", flush=True)
