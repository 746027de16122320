"""The data of each size, made and loaded (timed): the article built by ``homs-kg build``, or the
article plus synthetic sources (bench/generate.py) loaded by the project's store writer; and the
same file loaded by ``oxigraph load``, for the ratio."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

from bench.commands import bench_script, homs_kg_command, oxigraph_cli
from bench.generate import parse_size
from bench.processes import run_measured
from bench.settings import Settings
from bench.usage import MB


def size_label(text: str) -> str:
    return "article" if text == "article" else text.strip()


def safe_name(label: str) -> str:
    """The label as a file name (``1M:once`` -> ``1M-once``)."""
    return label.replace(":", "-")


def size_spec(label: str) -> tuple[int, str]:
    """``1M`` -> (1000000, "builder"); ``1M:once`` -> (1000000, "once") (see generate.py's
    --shared-declarations)."""
    size, _, mode = label.partition(":")
    if mode not in ("", "builder", "once"):
        raise SystemExit(f"unknown size {label!r}: use e.g. 1M, 10M or 1M:once")
    return parse_size(size), mode or "builder"


def prepare(label: str, settings: Settings, logs: Path, bytes_per_quad: float) -> dict:
    """The data of a size, in a homs-kg data directory and an Oxigraph folder, with its loads."""
    if label == "article":
        return prepare_article(settings.work_dir, logs, settings.limit_mb, settings.load_repeats)
    target, mode = size_spec(label)
    generation = generated(target, mode, settings, logs / f"{safe_name(label)}-generate.log")
    return prepare_synthetic(label, generation, settings, logs, bytes_per_quad)


def median_run(runs: list[dict]) -> dict:
    return sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]


def prepare_article(work: Path, logs: Path, limit_mb: float, repeats: int) -> dict:
    """The article built by ``homs-kg build`` (``repeats`` times: the median is kept, the times
    of such a small build are mostly process start and disk flushes)."""
    folder = work / "article"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    data_dir = folder / "homs-kg"
    builds = [build_article(data_dir, logs, limit_mb) for _ in range(repeats)]
    build = median_run(builds)
    internal = re.search(r"^time: ([\d.]+) s", build["stdout"], re.MULTILINE)
    quads = int(re.search(r"^quads: (\d+)", build["stdout"], re.MULTILINE).group(1))
    store = data_dir / os.readlink(data_dir / "current")
    nquads = store.with_name(store.name + ".dumps") / "homs-kg.nq.gz"
    load = {
        "method": "homs-kg build (checks, SHACL, write_store, dumps)",
        "seconds": build["seconds"],
        "all_seconds": [b["seconds"] for b in builds],
        "internal_seconds": float(internal.group(1)) if internal else None,
        "peak_rss_mb": max(b["peak_rss_mb"] for b in builds),
        "rate": round(quads / build["seconds"], 1),
    }
    result = {
        "size": "article",
        "nquads": nquads,
        "homs_kg_dir": data_dir,
        "quads": quads,
        "file_lines": quads,
        "homs_kg_load": load,
    }
    return result | oxigraph_load(folder, nquads, quads, logs, "article", limit_mb, repeats)


def build_article(data_dir: Path, logs: Path, limit_mb: float) -> dict:
    command = [*homs_kg_command(), "build", "--data-dir", str(data_dir)]
    build = run_measured(command, logs / "article-build.log", limit_mb)
    if build["returncode"] != 0:
        raise RuntimeError(f"homs-kg build failed: {build['stdout'][-2000:]}")
    return build


def generated(quads_target: int, mode: str, settings: Settings, log: Path) -> dict:
    """The synthetic file of that size (made once, then reused) and how it was made."""
    data = settings.work_dir / "data"
    data.mkdir(parents=True, exist_ok=True)
    nquads = data / f"synthetic-{quads_target}-{mode}-seed{settings.seed}.nq.gz"
    summary_path = nquads.with_suffix(".json")
    if nquads.exists() and summary_path.exists():
        return json.loads(summary_path.read_text()) | {"cached": True, "nquads": nquads}
    command = bench_script(
        "generate.py",
        "--triples",
        str(quads_target),
        "-o",
        str(nquads),
        "--seed",
        str(settings.seed),
        "--shared-declarations",
        mode,
    )
    run = run_measured(command, log, settings.limit_mb)
    if run["returncode"] != 0:
        raise RuntimeError(f"generate.py failed: {log.read_text()}")
    match = re.search(
        r"^([\d,]+) quads \(([\d,]+) real, (\d+) synthetic", run["stdout"], re.MULTILINE
    )
    generation = {
        "file_lines": int(match.group(1).replace(",", "")),
        "synthetic_sources": int(match.group(3)),
        "seconds": run["seconds"],
        "peak_rss_mb": run["peak_rss_mb"],
        "bytes": nquads.stat().st_size,
        "seed": settings.seed,
        "shared_declarations": mode,
    }
    summary_path.write_text(json.dumps(generation, indent=2))
    return generation | {"nquads": nquads}


def prepare_synthetic(
    label: str, generation: dict, settings: Settings, logs: Path, bytes_per_quad: float
) -> dict:
    """The synthetic file loaded by write_store, or streamed where write_store would not fit."""
    nquads = generation.pop("nquads")
    name = safe_name(label)
    folder = settings.work_dir / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    data_dir = folder / "homs-kg"
    projected_mb = generation["file_lines"] * bytes_per_quad / MB
    if projected_mb <= settings.limit_mb * 0.9:
        quads, load = write_store_load(
            data_dir, nquads, logs / f"{name}-write_store.log", settings.limit_mb
        )
    else:
        quads, load = streamed_load(
            data_dir, nquads, logs / f"{name}-streamed.log", settings.limit_mb, projected_mb
        )
    result = {
        "size": label,
        "nquads": nquads,
        "homs_kg_dir": data_dir,
        "generation": generation,
        "file_lines": generation["file_lines"],
        "quads": quads,
        "homs_kg_load": load,
    }
    return result | oxigraph_load(folder, nquads, quads, logs, name, settings.limit_mb)


def write_store_load(data_dir: Path, nquads: Path, log: Path, limit_mb: float) -> tuple[int, dict]:
    """The file loaded by write_store (bench/load_store.py): quads, and the load's figures."""
    run, found = load_store(data_dir, nquads, log, limit_mb)
    store_part = found["store_s"] + found["parse_s"]
    return found["quads"], {
        "method": "write_store (parse to Quad list + bulk_extend + flush + swap; dumps apart)",
        "seconds": run["seconds"],
        "parse_s": found["parse_s"],
        "store_s": found["store_s"],
        "dumps_s": found["dumps_s"],
        "write_store_s": found["write_store_s"],
        "peak_rss_mb": run["peak_rss_mb"],
        "rate": round(found["quads"] / store_part, 1),
        "rate_with_dumps": round(found["quads"] / (found["parse_s"] + found["write_store_s"]), 1),
    }


def streamed_load(
    data_dir: Path, nquads: Path, log: Path, limit_mb: float, projected_mb: float
) -> tuple[int, dict]:
    """The file streamed by Store.bulk_load (bench/load_store.py --streamed)."""
    run, found = load_store(data_dir, nquads, log, limit_mb, "--streamed")
    return found["quads"], {
        "method": "Store.bulk_load streamed (write_store not run: it would need about "
        f"{projected_mb / 1024:.1f} GB, over the {limit_mb / 1024:.1f} GB limit)",
        "seconds": run["seconds"],
        "store_s": found["streamed_load_s"],
        "peak_rss_mb": run["peak_rss_mb"],
        "rate": round(found["quads"] / found["streamed_load_s"], 1),
        "write_store_projected_mb": round(projected_mb),
    }


def load_store(
    data_dir: Path, nquads: Path, log: Path, limit_mb: float, *options: str
) -> tuple[dict, dict]:
    """Run bench/load_store.py (measured); its run and the figures it prints last."""
    command = bench_script(
        "load_store.py", *options, "--data-dir", str(data_dir), "--file", str(nquads)
    )
    run = run_measured(command, log, limit_mb)
    if run["returncode"] != 0 or run["memory_exceeded"]:
        raise RuntimeError(f"load_store.py {' '.join(options)} failed: see {log}")
    return run, json.loads(run["stdout"].strip().splitlines()[-1])


def oxigraph_load(
    folder: Path,
    nquads: Path,
    quads: int,
    logs: Path,
    label: str,
    limit_mb: float,
    repeats: int = 1,
) -> dict:
    """``oxigraph load`` of the same file into a fresh folder (the median of ``repeats``)."""
    location = folder / "oxigraph"
    log = logs / f"{label}-oxigraph-load.log"
    runs = []
    for _ in range(repeats):
        shutil.rmtree(location, ignore_errors=True)
        command = [oxigraph_cli(), "load", "--location", str(location), "--file", str(nquads)]
        run = run_measured(command, log, limit_mb)
        if run["returncode"] != 0 or run["memory_exceeded"]:
            raise RuntimeError(f"oxigraph load failed: see {log}")
        runs.append(run)
    run = median_run(runs)
    return {
        "oxigraph_dir": location,
        "oxigraph_load": {
            "method": "oxigraph load --location L --file F",
            "seconds": run["seconds"],
            "all_seconds": [r["seconds"] for r in runs],
            "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
            "rate": round(quads / run["seconds"], 1),
        },
    }
