"""A closed loop run by wrk (Debian's ``wrk``, C): a load generator that needs a fraction of a core.

The Python clients of bench/loops.py cost about 0.12 ms of CPU a request; against Oxigraph's
server, which answers a light lookup in about 0.06 ms of CPU, they take a whole core of this
2-core machine and measure themselves, not the server. wrk keeps N connections busy from one
thread and reports what the Lua ``done`` hook prints: the same figures as ``closed_loop``.
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import tempfile
from pathlib import Path

from bench.loops import Request, cpu_shares
from bench.usage import busy_cpu_seconds, tree_cpu_seconds

# wrk's Lua API (https://github.com/wg/wrk/blob/master/SCRIPTING): the request, then the summary
SCRIPT = """
wrk.method = {method}
wrk.body = {body}
{headers}
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{{"requests": %d, "non_2xx": %d, "socket_errors": %d, "microseconds": %d, '
    .. '"p50_us": %d, "p90_us": %d, "p99_us": %d, "mean_us": %f, "max_us": %d}}\\n',
    summary.requests, e.status, e.connect + e.read + e.write + e.timeout, summary.duration,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean,
    latency.max))
end
"""


def wrk_command() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit("wrk is not installed: apt-get install wrk (or --load-generator python)")
    return found


def lua_string(text: str) -> str:
    return json.dumps(text)  # a JSON string of ASCII text is a valid Lua string literal


def script_for(request: Request) -> str:
    headers = "\n".join(
        f"wrk.headers[{lua_string(k)}] = {lua_string(v)}" for k, v in request.headers.items()
    )
    body = lua_string(request.body.decode("ascii")) if request.body else "nil"
    return SCRIPT.format(method=lua_string(request.method), body=body, headers=headers)


def wrk_loop(
    port: int, request: Request, clients: int, duration: float, server_pid: int | None = None
) -> dict:
    """N connections kept busy by wrk for ``duration`` s: the keys of ``closed_loop``'s figures
    (answers other than 2xx and socket errors are not counted as answers)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(script_for(request))
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy_before, server_before = busy_cpu_seconds(), tree_cpu_seconds(server_pid)
    command = [wrk_command(), "-t1", f"-c{clients}", f"-d{max(1, round(duration))}s", "--timeout"]
    command += ["60s", "-s", script.name, f"http://127.0.0.1:{port}{request.path}"]
    try:
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    finally:
        Path(script.name).unlink()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    client_cpu = (children.ru_utime - children_before.ru_utime) + (
        children.ru_stime - children_before.ru_stime
    )
    server_cpu = tree_cpu_seconds(server_pid) - server_before
    others = busy_cpu_seconds() - busy_before - client_cpu - server_cpu
    done = json.loads(output.strip().splitlines()[-1])
    return figures(done, clients, client_cpu, server_cpu, others)


def figures(done: dict, clients: int, client_cpu: float, server_cpu: float, others: float) -> dict:
    seconds = done["microseconds"] / 1e6
    errors = done["non_2xx"] + done["socket_errors"]
    count = done["requests"] - errors
    kinds = {k: done[k] for k in ("non_2xx", "socket_errors") if done[k]}
    return {
        "clients": clients,
        "requests": count,
        "errors": errors,
        "error_kinds": kinds,
        "seconds": round(seconds, 3),
        "throughput": round(count / seconds, 2),
        "p50_ms": done["p50_us"] / 1000,
        "p90_ms": done["p90_us"] / 1000,
        "p99_ms": done["p99_us"] / 1000,
        "mean_ms": round(done["mean_us"] / 1000, 3),
        "max_ms": done["max_us"] / 1000,
        **cpu_shares(seconds, count, client_cpu, server_cpu, others),
    }
