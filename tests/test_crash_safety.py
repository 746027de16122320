"""Rebuild and crash safety of the store swap, with real processes and ``kill -9``.

* A rebuild while the server is under load swaps the store with no failed request and no mixed
  answer; once the build has ended, every answer comes from the new build.
* ``kill -9`` of a build at random points (and at every step of the swap) leaves the served store
  intact, and the next build succeeds and tidies up.
* ``kill -9`` of the server, then a restart on the same data directory, loses nothing.

Two builds are told apart by their answers: the packaged corpus alone, and the packaged corpus
with the tiny second source of tests/fixtures/second-source (one more event, more evidence, more
quads). Each test works in its own copy of a reference data directory.

The CI sizes are small (about half a minute in all). The long run raises every count:

    HOMS_KG_CRASH_LONG=1 python -m pytest -q tests/test_crash_safety.py -s

and each count can be set on its own: HOMS_KG_CRASH_LOAD_SECONDS, HOMS_KG_CRASH_REBUILDS,
HOMS_KG_CRASH_KILLS, HOMS_KG_CRASH_RESTARTS, HOMS_KG_CRASH_SEED.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from pyoxigraph import RdfFormat, Store
from rdflib import Graph
from rdflib.compare import isomorphic

from homs_kg.graph.build import build
from homs_kg.graph.resources import corpus_dir

from .conftest import BASE, FIXTURES, LiveServer
from .load import BoundedLoad, Sample

KEEP_STORES = 2  # the live store and the previous one (graph/store.py _prune)

LONG = os.environ.get("HOMS_KG_CRASH_LONG", "") not in ("", "0")


def setting(name: str, ci: float, long: float) -> float:
    return float(os.environ.get(f"HOMS_KG_CRASH_{name}", long if LONG else ci))


LOAD_SECONDS = setting("LOAD_SECONDS", 5, 60)  # the load runs at least this long
REBUILDS = int(setting("REBUILDS", 2, 12))  # builds under load, alternating corpora
KILLS = int(setting("KILLS", 5, 50))  # builds killed at a random point
RESTARTS = int(setting("RESTARTS", 1, 5))  # server kill -9 and restart cycles
SEED = int(setting("SEED", 20170521, 20170521))
CLIENTS = 8
PROCESS_SECONDS = 120  # no subprocess of these tests may run longer

SECOND_SOURCE = FIXTURES / "second-source"
CORPORA = {"packaged": ("packaged",), "second": ("packaged", str(SECOND_SOURCE))}
OTHER = {"packaged": "second", "second": "packaged"}
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
EVENTS = f"SELECT (COUNT(?e) AS ?n) WHERE {{ ?e a/<{RDFS}subClassOf>* <{BASE}ontology/Event> }}"
# Three reads in one query: the events, the evidence records and every quad of the store.
SIGNATURE = f"""SELECT ?events ?evidence ?quads WHERE {{
  {{ SELECT (COUNT(DISTINCT ?e) AS ?events)
     WHERE {{ ?e a/<{RDFS}subClassOf>* <{BASE}ontology/Event> }} }}
  {{ SELECT (COUNT(DISTINCT ?v) AS ?evidence) WHERE {{ ?v a <{BASE}ontology/Evidence> }} }}
  {{ SELECT (COUNT(*) AS ?quads) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} }}
}}"""
JSON_RESULTS = "application/sparql-results+json"
GENEROUS_LIMITS = ("--client-concurrency", "64", "--long-queries", "64", "--timeout", "60")

Signature = tuple[int, int, int]  # events, evidence records, quads


# --- reference builds ------------------------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    """A finished build of one corpus: its data dir (to copy), answers, quads and metadata."""

    name: str
    data_dir: Path
    signature: Signature
    nquads: Path
    metadata: dict

    @property
    def events(self) -> int:
        return self.signature[0]

    @property
    def quads(self) -> int:
        return self.signature[2]


def local_signature(store_path: Path) -> Signature:
    store = Store.read_only(str(store_path))
    (row,) = list(store.query(SIGNATURE, use_default_graph_as_union=True))
    signature = (int(row["events"].value), int(row["evidence"].value), int(row["quads"].value))
    assert signature[2] == len(store), "the quad count of the query is the store's"
    return signature


@pytest.fixture(scope="module")
def references(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Reference]:
    root = tmp_path_factory.mktemp("crash-references")
    found = {}
    for name, corpus in (
        ("packaged", [corpus_dir()]),
        ("second", [corpus_dir(), SECOND_SOURCE]),
    ):
        report = build(root / name, BASE, corpus)
        path = report.store.path
        nquads = root / f"{name}.nq"
        Store.read_only(str(path)).dump(output=str(nquads), format=RdfFormat.N_QUADS)
        metadata = {k: v for k, v in report.store.metadata.items() if k != "build_id"}
        found[name] = Reference(name, root / name, local_signature(path), nquads, metadata)
    packaged, second = found["packaged"].signature, found["second"].signature
    assert all(a != b for a, b in zip(packaged, second, strict=True)), (packaged, second)
    return found


def fresh_copy(reference: Reference, target: Path) -> Path:
    """A data dir of its own holding the reference build (copied; the store is closed)."""
    shutil.copytree(reference.data_dir, target, symlinks=True)
    return target


def served(data_dir: Path) -> str:
    return os.readlink(data_dir / "current")


def build_command(data_dir: Path, corpus: str) -> list[str]:
    command = [sys.executable, "-m", "homs_kg.server.cli", "build", "--data-dir", str(data_dir)]
    command += ["--base-iri", BASE]
    for folder in CORPORA[corpus]:
        command += ["--corpus", folder]
    return command


def run_build(data_dir: Path, corpus: str) -> subprocess.CompletedProcess:
    done = subprocess.run(
        build_command(data_dir, corpus), capture_output=True, text=True, timeout=PROCESS_SECONDS
    )
    assert done.returncode == 0, done.stderr
    return done


def check_served_store(data_dir: Path, expected: Reference) -> str:
    """``current`` names an intact store of ``expected``'s build: opens, counts, metadata."""
    link = data_dir / "current"
    assert link.is_symlink(), sorted(p.name for p in data_dir.iterdir())
    target = data_dir / os.readlink(link)
    assert target.name.startswith("store-") and target.is_dir(), target
    store = Store.read_only(str(target))
    assert len(store) == expected.quads, (target.name, len(store), expected.name)
    del store
    metadata = json.loads(target.with_name(target.name + ".json").read_text())
    assert metadata["build_id"] == target.name.removeprefix("store-")
    assert metadata["quads"] == expected.quads
    assert (target.with_name(target.name + ".dumps") / "homs-kg.nq.gz").is_file()
    return target.name


def leftovers(data_dir: Path) -> list[str]:
    return sorted(
        p.name for p in data_dir.iterdir() if p.name.startswith((".building-", ".current-"))
    )


def listing(data_dir: Path) -> list[str]:
    return sorted(p.name for p in data_dir.iterdir())


# --- 1. rebuild under load -----------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    kind: str  # "events" or "signature"
    value: tuple[int, ...]
    etag: str
    last_modified: str


def ask(url: str):
    """The load's request: alternately the event count and the three-part signature query."""

    def request(session: requests.Session, client: int, iteration: int):
        kind = "events" if (client + iteration) % 2 == 0 else "signature"
        response = session.get(
            f"{url}/sparql",
            params={"query": EVENTS if kind == "events" else SIGNATURE},
            headers={"Accept": JSON_RESULTS},
            timeout=60,
        )
        if response.status_code != 200:
            return (response.status_code, response.text[:300])
        (row,) = response.json()["results"]["bindings"]
        names = ("n",) if kind == "events" else ("events", "evidence", "quads")
        value = tuple(int(row[name]["value"]) for name in names)
        etag = response.headers.get("ETag", "").strip('"')
        return (200, Answer(kind, value, etag, response.headers.get("Last-Modified", "")))

    return request


@dataclass(frozen=True)
class Swap:
    corpus: str
    started: float
    ended: float
    store: str


def answered_after(moment: float, count: int) -> Callable[[list[Sample]], bool]:
    """A load condition: ``count`` requests sent after ``moment`` have been answered."""
    return lambda samples: sum(sample.started > moment for sample in samples) >= count


def belongs_to(answer: Answer, reference: Reference) -> bool:
    if answer.kind == "events":
        return answer.value == (reference.events,)
    return answer.value == reference.signature


def test_a_rebuild_under_load_swaps_with_no_failed_or_mixed_answer(
    references: dict[str, Reference], tmp_path: Path
) -> None:
    data_dir = fresh_copy(references["packaged"], tmp_path / "data")
    swaps = [Swap("packaged", float("-inf"), float("-inf"), served(data_dir))]
    # The overload limits (per-client slots, long queries, time limit) are raised out of reach:
    # on a small machine a build starves the workers of CPU, and queries shed as 503 or 429 by
    # design would hide what this test looks for (a request failed or answered wrongly by a swap).
    server = LiveServer(data_dir, *GENEROUS_LIMITS)
    hard_limit = LOAD_SECONDS + (REBUILDS + 1) * PROCESS_SECONDS  # if the test cannot stop it
    load = BoundedLoad(ask(server.url), clients=CLIENTS, seconds=hard_limit)
    try:
        load.start()
        assert load.wait_until(answered_after(load.started, CLIENTS), PROCESS_SECONDS), (
            f"the load was not answered: {load.summary()}"
        )
        deadline = load.started + LOAD_SECONDS
        corpus = "packaged"
        while len(swaps) <= REBUILDS and (len(swaps) < 3 or time.monotonic() < deadline):
            corpus = OTHER[corpus]
            started = time.monotonic()
            run_build(data_dir, corpus)
            swaps.append(Swap(corpus, started, time.monotonic(), served(data_dir)))
            # answers of this build alone, one per client, before the next build starts
            assert load.wait_until(answered_after(swaps[-1].ended, CLIENTS), PROCESS_SECONDS), (
                f"no answers after build {len(swaps) - 1}: {load.summary()}"
            )
        load.wait_until(lambda _: time.monotonic() >= deadline, LOAD_SECONDS)  # its full length
        load.stop()
        health = requests.get(f"{server.url}/healthz", timeout=10).json()
    finally:
        load.stop()
        server.stop()
    log = server.log.read_text(errors="replace")
    summary = f"rebuild under load: {load.summary()}; {len(swaps) - 1} builds swapped in"
    print(summary)

    assert load.samples, summary
    assert not load.failures(), (
        summary,
        [(s.status, s.value, s.error) for s in load.failures()[:5]],
    )
    assert "Traceback" not in log, log[-3000:]
    # Every answer is whole and from one build: the event count alone, and the three counts read
    # by one query, each equal to one build's.
    answers = [(sample, sample.value[1]) for sample in load.samples]
    for _, answer in answers:
        assert any(belongs_to(answer, r) for r in references.values()), (answer, summary)
    # Every answer comes from a build that was live at some moment of its request: a build is
    # live from the start of its build command until the end of the next one.
    for sample, answer in answers:
        possible = [
            swap.corpus
            for k, swap in enumerate(swaps)
            if swap.started <= sample.ended
            and (k + 1 == len(swaps) or sample.started <= swaps[k + 1].ended)
        ]
        assert any(belongs_to(answer, references[c]) for c in possible), (
            f"a stale or early answer {answer} at {sample.started - load.started:.3f}-"
            f"{sample.ended - load.started:.3f} s, possible builds {possible}; "
            f"swaps {[(s.corpus, s.started - load.started, s.ended - load.started) for s in swaps]}"
        )
    # Between two builds, and after the last one, the answers come from the newest build only.
    for k, swap in enumerate(swaps[1:], start=1):
        until = swaps[k + 1].started if k + 1 < len(swaps) else float("inf")
        window = [a for s, a in answers if swap.ended < s.started and s.ended < until]
        assert window, f"no request completed after build {k} ({swap.corpus}); {summary}"
        assert all(belongs_to(a, references[swap.corpus]) for a in window), (k, swap, summary)
    assert health["build"] == swaps[-1].store.removeprefix("store-")
    # No answer carries the ETag of another build than the one that answered it.
    by_id = {swap.store.removeprefix("store-"): swap.corpus for swap in swaps}
    mismatched = [
        (a.etag.split("-")[0], a.value)
        for _, a in answers
        if a.etag.split("-")[0] in by_id
        and not belongs_to(a, references[by_id[a.etag.split("-")[0]]])
    ]
    assert mismatched == [], f"{len(mismatched)} answers carried the ETag of another build"


# --- 1b. the validators of an answer name the build that gave it ------------------------------


class SwapAfterRun:
    """The app's store, swapping ``current`` to another store right after one query's evaluation
    (as a build finishing at that moment would): the swap happens between the worker's answer
    and the HTTP response, the window the load above hits now and then."""

    def __init__(self, inner: object, swap) -> None:
        self.inner, self.swap, self.armed = inner, swap, False

    def run(self, job):
        reply = self.inner.run(job)
        if self.armed:
            self.armed = False
            self.swap()
        return reply

    def __getattr__(self, name: str):
        return getattr(self.inner, name)


def add_store(data_dir: Path, reference: Reference, seconds_later: int) -> str:
    """Copy the reference's store (metadata, dumps) beside the data dir's own, under a build id
    ``seconds_later`` than the served one (Last-Modified has a resolution of one second)."""
    stamp = datetime.datetime.strptime(served(data_dir), "store-%Y%m%dT%H%M%S%fZ")
    build_id = (stamp + datetime.timedelta(seconds=seconds_later)).strftime("%Y%m%dT%H%M%S%fZ")
    source = reference.data_dir / served(reference.data_dir)
    shutil.copytree(source, data_dir / f"store-{build_id}")
    shutil.copytree(source.with_name(source.name + ".dumps"), data_dir / f"store-{build_id}.dumps")
    metadata = json.loads(source.with_name(source.name + ".json").read_text())
    (data_dir / f"store-{build_id}.json").write_text(json.dumps({**metadata, "build_id": build_id}))
    return f"store-{build_id}"


def point_current(data_dir: Path, name: str) -> None:
    """The swap of write_store: a new link renamed over ``current``."""
    os.symlink(name, data_dir / ".current-test")
    os.replace(data_dir / ".current-test", data_dir / "current")


def test_an_answer_given_across_a_swap_is_not_revalidated_as_current(
    references: dict[str, Reference], tmp_path: Path
) -> None:
    from homs_kg.server.app import create_app
    from homs_kg.server.settings import ServerConfig

    data_dir = fresh_copy(references["packaged"], tmp_path / "data")
    second = add_store(data_dir, references["second"], seconds_later=5)
    app = create_app(ServerConfig(data_dir=data_dir, base_iri=BASE))
    inner = app.extensions["homs_kg"]["store"]
    store = SwapAfterRun(inner, lambda: point_current(data_dir, second))
    app.extensions["homs_kg"]["store"] = store
    try:
        client = app.test_client()
        params = {"query": EVENTS}
        store.armed = True  # the build finishes while this query's answer is on its way
        first = client.get("/sparql", query_string=params, headers={"Accept": JSON_RESULTS})
        assert first.status_code == 200 and served(data_dir) == second
        (row,) = first.get_json()["results"]["bindings"]
        assert int(row["n"]["value"]) == references["packaged"].events  # the old build answered
        again = client.get(
            "/sparql",
            query_string=params,
            headers={"Accept": JSON_RESULTS, "If-Modified-Since": first.headers["Last-Modified"]},
        )
        assert again.status_code == 200, (
            f"{again.status_code}: the client keeps {row['n']['value']} events as current, "
            f"the live build has {references['second'].events}"
        )
    finally:
        inner.close()


# --- 2. kill -9 of a build -----------------------------------------------------------------


def kill_after(command: list[str], delay: float, log: Path) -> tuple[int, float]:
    """Start ``command``, SIGKILL it after ``delay`` s; its exit status and its run time."""
    started = time.monotonic()
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    try:
        try:
            process.wait(delay)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
        process.wait(PROCESS_SECONDS)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return process.returncode, time.monotonic() - started


def test_kill_9_of_a_build_at_random_points_leaves_the_served_store_intact(
    references: dict[str, Reference], tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    started = time.monotonic()
    run_build(data_dir, "packaged")  # the served store, built by the command that is killed
    duration = first_duration = time.monotonic() - started  # lowered by each faster whole build
    live, live_corpus = check_served_store(data_dir, references["packaged"]), "packaged"
    randomly = random.Random(SEED)
    outcomes: dict[str, int] = {
        "killed before the swap": 0,
        "killed after the swap": 0,
        "finished before the kill": 0,
    }
    interrupted = 0  # kills that left a half-written build behind
    for attempt in range(KILLS):
        corpus = OTHER[live_corpus]  # a swap is seen in the answers
        delay = randomly.uniform(0, duration)
        log = tmp_path / f"build-{attempt}.log"
        status, seconds = kill_after(build_command(data_dir, corpus), delay, log)
        assert status in (0, -signal.SIGKILL), (attempt, delay, status, log.read_text())
        if status == 0:
            duration = min(duration, seconds)
        interrupted += bool(leftovers(data_dir))
        if served(data_dir) == live:
            check_served_store(data_dir, references[live_corpus])
            outcomes["killed before the swap"] += 1
            assert status == -signal.SIGKILL, "a finished build swaps its store in"
        else:  # the kill came after the atomic swap (or the build finished): the new store
            previous = live
            live, live_corpus = check_served_store(data_dir, references[corpus]), corpus
            assert live > previous, (previous, live)
            assert (data_dir / previous).is_dir(), "the previous store is kept"
            key = "finished before the kill" if status == 0 else "killed after the swap"
            outcomes[key] += 1
    left = leftovers(data_dir)
    corpus = OTHER[live_corpus]
    run_build(data_dir, corpus)
    final = check_served_store(data_dir, references[corpus])
    assert final > live
    assert (data_dir / live).is_dir(), "the store served before the final build is kept"
    assert not leftovers(data_dir), listing(data_dir)
    stores = [p for p in data_dir.glob("store-*") if p.is_dir() and not p.suffix]
    assert len(stores) <= KEEP_STORES, listing(data_dir)
    print(
        f"build kill -9: {KILLS} kills at seeded delays in [0, {first_duration:.2f}] s, lowered "
        f"to [0, {duration:.2f}] s by faster builds (seed {SEED}): "
        f"{outcomes}; {interrupted} kills left a half-written build behind, "
        f"{len(left)} leftovers before the final build"
    )


# --- 2b. kill -9 at every step of the store swap -------------------------------------------

# A build's disk writes in one process, with every step of ``write_store`` (opening the new
# store, loading it, flushing, the dumps, each rename, link, fsync, removal) announced on the log
# first; at step KILL_AT the process SIGKILLs itself, so each run dies just before one step (and
# at step PAUSE_AT it waits for the test, to let another build run meanwhile).
STEPPED_BUILD = r"""
import json, os, pathlib, shutil, signal, sys, time
from pyoxigraph import RdfFormat, parse
import homs_kg.graph.store as module

data_dir, nquads, metadata, kill_at, log, pause_at = sys.argv[1:]
kill_at, pause_at, paused = int(kill_at), int(pause_at), pathlib.Path(log + ".paused")
log = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
quads = list(parse(path=nquads, format=RdfFormat.N_QUADS))
metadata = json.loads(pathlib.Path(metadata).read_text())
steps = 0

def step(*what):
    global steps
    os.write(log, (" ".join(pathlib.Path(str(w)).name for w in what) + "\n").encode())
    if steps == kill_at:
        os.kill(os.getpid(), signal.SIGKILL)
    if steps == pause_at:  # wait (at most a minute) for the test to write the .resume file
        paused.touch()
        for _ in range(600):
            if paused.with_suffix(".resume").exists():
                break
            time.sleep(0.1)
    steps += 1

def announce(owner, name, shown):
    real = getattr(owner, name)
    def wrapper(*args, **kwargs):
        step(name, *args[:shown])
        return real(*args, **kwargs)
    setattr(owner, name, wrapper)

class SteppedStore:
    def __init__(self, path):
        step("Store", path)
        self.store = module.Store.real(path)
    def bulk_extend(self, quads):
        step("bulk_extend")
        self.store.bulk_extend(quads)
    def flush(self):
        step("flush")
        self.store.flush()

SteppedStore.real = module.Store
module.Store = SteppedStore
announce(module, "write_dumps", 0)
for name in ("rename", "replace", "symlink"):
    announce(os, name, 2)
announce(os, "fsync", 0)
announce(shutil, "rmtree", 1)
announce(pathlib.Path, "write_text", 1)
announce(pathlib.Path, "unlink", 1)
module.write_store(pathlib.Path(data_dir), quads, metadata)
step("returned")
"""


def stepped_command(
    data_dir: Path, reference: Reference, log: Path, kill_at: int = -1, pause_at: int = -1
) -> list[str]:
    metadata = log.with_suffix(".metadata.json")
    metadata.write_text(json.dumps(reference.metadata))
    return [
        sys.executable,
        "-c",
        STEPPED_BUILD,
        str(data_dir),
        str(reference.nquads),
        str(metadata),
        str(kill_at),
        str(log),
        str(pause_at),
    ]


def stepped_build(data_dir: Path, reference: Reference, kill_at: int, log: Path) -> int:
    command = stepped_command(data_dir, reference, log, kill_at)
    done = subprocess.run(command, capture_output=True, text=True, timeout=PROCESS_SECONDS)
    assert done.returncode in (0, -signal.SIGKILL), done.stderr
    return done.returncode


@dataclass(frozen=True)
class Stepped:
    """A data dir with two stores (packaged, then second: served) and the steps of a build."""

    template: Path
    previous: str  # the older store (the one the next build prunes)
    live: str  # the served store
    steps: list[str]


@pytest.fixture(scope="module")
def stepped(references: dict[str, Reference], tmp_path_factory: pytest.TempPathFactory) -> Stepped:
    root = tmp_path_factory.mktemp("stepped")
    template = fresh_copy(references["packaged"], root / "template")
    previous = served(template)
    assert stepped_build(template, references["second"], -1, root / "first.log") == 0
    live = check_served_store(template, references["second"])
    dry_run = shutil.copytree(template, root / "dry-run", symlinks=True)
    assert stepped_build(dry_run, references["packaged"], -1, root / "dry-run.log") == 0
    steps = (root / "dry-run.log").read_text().splitlines()
    assert steps[-1] == "returned" and any(s.startswith("replace ") for s in steps), steps
    assert f"rmtree {previous}" in steps, ("the dry run prunes the oldest store", steps)
    return Stepped(template, previous, live, steps[:-1])


def without_ids(step: str) -> str:
    return re.sub(r"\d{8}T\d{12}Z", "<id>", step)


def swap_step(steps: list[str]) -> int:
    return next(
        i for i, s in enumerate(steps) if s.startswith("replace ") and s.endswith("current")
    )


def kill_at_step(stepped: Stepped, references: dict[str, Reference], k: int, root: Path) -> Path:
    """A copy of the template where a build of the packaged corpus was killed before step k."""
    data_dir = shutil.copytree(stepped.template, root / f"killed-{k}", symlinks=True)
    log = root / f"killed-{k}.log"
    assert stepped_build(data_dir, references["packaged"], k, log) == -signal.SIGKILL
    last = log.read_text().splitlines()[-1]
    assert without_ids(last) == without_ids(stepped.steps[k]), "killed at the announced step"
    return data_dir


def test_kill_9_at_every_step_of_the_swap_leaves_a_whole_store_and_the_next_build_succeeds(
    stepped: Stepped, references: dict[str, Reference], tmp_path: Path
) -> None:
    swap = swap_step(stepped.steps)
    for k, name in enumerate(stepped.steps):
        data_dir = kill_at_step(stepped, references, k, tmp_path)
        if k <= swap:  # killed before the link was replaced: the old store is served, unchanged
            assert served(data_dir) == stepped.live, (k, name)
            check_served_store(data_dir, references["second"])
        else:  # the swap is done: the new build is served, the previous one kept
            assert served(data_dir) > stepped.live, (k, name)
            check_served_store(data_dir, references["packaged"])
            assert (data_dir / stepped.live).is_dir(), (k, name)
        before = served(data_dir)
        assert stepped_build(data_dir, references["second"], -1, tmp_path / f"next-{k}.log") == 0
        assert served(data_dir) > before, (k, name)
        check_served_store(data_dir, references["second"])
        assert not leftovers(data_dir), (k, name, listing(data_dir))
        stores = [p for p in data_dir.glob("store-*") if p.is_dir() and not p.suffix]
        assert len(stores) <= KEEP_STORES, (k, name, listing(data_dir))
    print(f"build kill -9 at each of {len(stepped.steps)} steps: {stepped.steps}")


def tidy(data_dir: Path) -> list[str]:
    """What a data dir holds besides ``current`` and its stores' folders, dumps and metadata."""
    stores = {p.name for p in data_dir.glob("store-*") if p.is_dir() and not p.suffix}
    kept = {"current"} | stores | {f"{s}.dumps" for s in stores} | {f"{s}.json" for s in stores}
    return sorted(set(listing(data_dir)) - kept)


def test_a_build_killed_between_its_renames_leaves_nothing_after_the_next_build(
    stepped: Stepped, references: dict[str, Reference], tmp_path: Path
) -> None:
    renames = [i for i, s in enumerate(stepped.steps) if s.startswith("rename ")]
    assert len(renames) == 2, stepped.steps  # the dumps folder, then the store folder
    for k in range(renames[0] + 1, renames[1] + 1):  # the dumps are renamed, the store is not
        data_dir = kill_at_step(stepped, references, k, tmp_path)
        assert stepped_build(data_dir, references["second"], -1, tmp_path / f"next-{k}.log") == 0
        assert tidy(data_dir) == [], (stepped.steps[k], listing(data_dir))


def test_a_build_killed_before_its_swap_does_not_cost_the_served_store_its_place(
    stepped: Stepped, references: dict[str, Reference], tmp_path: Path
) -> None:
    swap = swap_step(stepped.steps)
    renamed = max(i for i, s in enumerate(stepped.steps[:swap]) if s.startswith("rename "))
    data_dir = kill_at_step(stepped, references, renamed + 1, tmp_path)  # renamed, not swapped
    assert served(data_dir) == stepped.live
    assert stepped_build(data_dir, references["packaged"], -1, tmp_path / "next.log") == 0
    assert (data_dir / stepped.live).is_dir(), (
        "the store served before is kept",
        listing(data_dir),
    )


def waiting_for_a_lock(pid: int) -> bool:
    """Whether the process is blocked on a file lock (a "->" line of /proc/locks names it)."""
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()
        if len(fields) > 5 and fields[1] == "->" and fields[5] == str(pid):
            return True
    return False


def test_a_build_finishing_during_another_does_not_break_it(
    stepped: Stepped, references: dict[str, Reference], tmp_path: Path
) -> None:
    data_dir = shutil.copytree(stepped.template, tmp_path / "data", symlinks=True)
    loading = stepped.steps.index("bulk_extend")
    log = tmp_path / "first.log"
    paused, resume = Path(f"{log}.paused"), Path(f"{log}.resume")
    first = subprocess.Popen(
        stepped_command(data_dir, references["packaged"], log, pause_at=loading),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    second = None
    try:
        deadline = time.monotonic() + 60
        while not paused.exists() and first.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert paused.exists(), "the first build reached its store loading"
        second = subprocess.Popen(
            stepped_command(data_dir, references["second"], tmp_path / "second.log"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        # the second build runs until it ends, or until it waits for the first one's lock
        deadline = time.monotonic() + PROCESS_SECONDS
        while second.poll() is None and not waiting_for_a_lock(second.pid):
            assert time.monotonic() < deadline, "the second build neither ended nor waited"
            time.sleep(0.05)
        resume.touch()
        first_errors = first.communicate(timeout=PROCESS_SECONDS)[1]
        second_errors = second.communicate(timeout=PROCESS_SECONDS)[1]
    finally:
        resume.touch()
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()
    assert first.returncode == 0, f"the build running first failed: {first_errors[-500:]}"
    assert second.returncode in (0, 1), second_errors[-500:]  # it may refuse to run at once
    quads = len(Store.read_only(str(data_dir / served(data_dir))))
    expected = {r.quads: r for r in references.values()}.get(quads)
    assert expected, f"the served store holds {quads} quads, the count of neither build"
    check_served_store(data_dir, expected)
    assert not leftovers(data_dir) and not tidy(data_dir), listing(data_dir)


# --- 3. kill -9 of the server, then restart --------------------------------------------------


def descendants(pid: int) -> list[int]:
    """The process ids below ``pid`` (psutil when installed, else /proc)."""
    try:
        import psutil
    except ImportError:
        children: dict[int, list[int]] = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        found, todo = [], [pid]
        while todo:
            for child in children.get(todo.pop(), []):
                found.append(child)
                todo.append(child)
        return found
    try:
        return [p.pid for p in psutil.Process(pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def kill_all(pids: list[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def snapshot(server: LiveServer) -> dict[str, object]:
    """What the server answers: build, counts, a page, a document and a dump."""

    def get(path: str, **headers: str) -> requests.Response:
        response = requests.get(f"{server.url}{path}", headers=headers, timeout=30)
        assert response.status_code == 200, (path, response.status_code, response.text[:300])
        return response

    counts = get("/sparql?" + requests.compat.urlencode({"query": SIGNATURE}), Accept=JSON_RESULTS)
    (row,) = counts.json()["results"]["bindings"]
    return {
        "build": get("/healthz").json()["build"],
        "signature": tuple(int(row[name]["value"]) for name in ("events", "evidence", "quads")),
        "page": get("/page/resource/homs").text.replace(server.url, "SERVER"),
        # as a graph: the Turtle's statement order varies from one evaluation to the next
        "document": Graph().parse(data=get("/data/resource/homs.ttl").text, format="turtle"),
        "dump": get("/dumps/homs-kg.nq.gz").content,
    }


@pytest.fixture
def servers() -> Iterator[list[LiveServer]]:
    """Servers a test starts, stopped (with every process under them) whatever happens."""
    started: list[LiveServer] = []
    yield started
    for server in started:
        kill_all(descendants(server.process.pid))
        server.stop()


def test_kill_9_of_the_server_and_a_restart_lose_nothing(
    references: dict[str, Reference],
    tmp_path: Path,
    servers: list[LiveServer],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data_dir = fresh_copy(references["packaged"], tmp_path / "data")
    spool_root = tmp_path / "tmp"  # the servers' result spools, to see what a crash leaves
    spool_root.mkdir()
    monkeypatch.setenv("TMPDIR", str(spool_root))
    files = {p.relative_to(data_dir): p.stat().st_size for p in data_dir.rglob("*") if p.is_file()}
    servers.append(LiveServer(data_dir, *GENEROUS_LIMITS))
    expected = snapshot(servers[-1])
    assert expected["signature"] == references["packaged"].signature
    assert expected["build"] == served(data_dir).removeprefix("store-")
    orphans_seconds = []
    for cycle in range(RESTARTS):
        server = servers[-1]
        workers = descendants(server.process.pid)
        assert workers, "the server evaluates queries in worker processes"
        # kill -9 in the middle of a load (bounded: 4 clients, at most 5 s or 2000 requests)
        load = BoundedLoad(ask(server.url), clients=4, seconds=5, max_requests=2000).start()
        assert load.wait_until(answered_after(load.started, 4), PROCESS_SECONDS), load.summary()
        server.process.send_signal(signal.SIGKILL)
        server.process.wait(10)
        killed = time.monotonic()
        load.stop()
        # The worker processes lose their pipe to the server; they should end by themselves.
        deadline = killed + 10
        while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        orphans = [pid for pid in workers if alive(pid)]
        orphans_seconds.append(time.monotonic() - killed)
        kill_all(orphans)
        assert not orphans, f"worker processes {orphans} outlived the killed server by 10 s"
        assert load.samples and all(s.status in (200, None) for s in load.samples), load.summary()
        assert all(
            belongs_to(s.value[1], references["packaged"]) for s in load.samples if s.status == 200
        )
        servers.append(LiveServer(data_dir, *GENEROUS_LIMITS))
        again = snapshot(servers[-1])
        assert isomorphic(again.pop("document"), expected["document"]), f"restart {cycle + 1}"
        assert again == {k: v for k, v in expected.items() if k != "document"}, (
            f"restart {cycle + 1}"
        )
    after = {p.relative_to(data_dir): p.stat().st_size for p in data_dir.rglob("*") if p.is_file()}
    assert after == files, "the data dir is unchanged by serving, crashing and restarting"
    assert len(Store.read_only(str(data_dir / served(data_dir)))) == references["packaged"].quads
    spools = sorted(p.name for p in spool_root.glob("homs-kg-results-*"))
    print(
        f"server kill -9: {RESTARTS} kill/restart cycles, workers gone "
        f"{max(orphans_seconds):.2f} s after the kill at most; spool folders left behind by the "
        f"killed servers: {len(spools) - 1}"
    )
