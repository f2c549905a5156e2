"""Load benchmark: C concurrent clients × N requests each to POST /v1/ask on loopback.

Starts `via serve` as its own process over a fresh index of the bundled corpus, then runs the
same load against GET /healthz (the bare HTTP floor) and POST /v1/ask, and reports throughput,
p50/p95/p99, errors and the server's resident memory. Bounded: every request has a timeout and
the run stops after C × N requests per endpoint.
Usage: .venv/bin/python benchmarks/load.py [--clients 20] [--requests 1000] [--workers 1]
"""

import argparse
import asyncio
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx
from query import QUESTIONS

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mb(pid: int, field: str) -> float:
    """VmRSS or VmHWM of a process and its children (workers), in MB."""
    total = 0.0
    pids = [
        pid,
        *subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split(),
    ]
    for p in pids:
        status = Path(f"/proc/{p}/status")
        if status.exists():
            for line in status.read_text().splitlines():
                if line.startswith(field + ":"):
                    total += int(line.split()[1]) / 1024
    return total


async def run_load(
    url: str, method: str, path: str, clients: int, per_client: int
) -> dict[str, float]:
    """Each client sends per_client requests one after another; latencies in ms."""
    latencies: list[float] = []
    errors = 0
    kinds: Counter[str] = Counter()

    async def client(n: int) -> None:
        nonlocal errors
        async with httpx.AsyncClient(base_url=url, timeout=60) as http:
            for i in range(per_client):
                body = {"question": QUESTIONS[(n + i) % len(QUESTIONS)]}
                started = time.perf_counter()
                try:
                    res = await http.request(method, path, json=body if method == "POST" else None)
                    ok = res.status_code == 200
                    if not ok:
                        kinds[f"{res.status_code} {res.text[:80]}"] += 1
                except httpx.HTTPError as exc:
                    ok = False
                    kinds[type(exc).__name__] += 1
                latencies.append((time.perf_counter() - started) * 1000)
                errors += not ok

    started = time.perf_counter()
    await asyncio.gather(*(client(n) for n in range(clients)))
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies)

    def pct(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    for kind, count in kinds.most_common(5):
        print(f"  error x{count}: {kind}", file=sys.stderr)
    return {
        "requests": len(ordered),
        "seconds": elapsed,
        "rps": len(ordered) / elapsed,
        "p50": pct(0.50),
        "p95": pct(0.95),
        "p99": pct(0.99),
        "errors": errors,
    }


def start_server(data: Path, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    """`via serve` on a free port; waits (at most 120 s) for /readyz."""
    port = free_port()
    env = {
        **os.environ,
        "VIA_DATA_DIR": str(data),
        "VIA_CORPUS_DIR": str(ROOT / "corpus"),
        "VIA_RATE_LIMIT_PER_MINUTE": "100000000",
    }
    via = str(Path(sys.executable).parent / "via")
    subprocess.run([via, "ingest"], env=env, check=True, capture_output=True)
    server = subprocess.Popen(
        [via, "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(data / "server.log").open("wb"),
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/readyz", timeout=5).status_code == 200:
                return server, url
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    server.kill()
    raise SystemExit("server did not become ready within 120 s")


def main() -> None:
    """Run the load and print a Markdown table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=1000, help="requests per client")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="via-load-"))
    server, url = start_server(data, args.workers)
    try:
        idle = rss_mb(server.pid, "VmRSS")
        floor = asyncio.run(run_load(url, "GET", "/healthz", args.clients, args.requests))
        ask = asyncio.run(run_load(url, "POST", "/v1/ask", args.clients, args.requests))
        peak = rss_mb(server.pid, "VmHWM")
    finally:
        server.terminate()
        server.wait(timeout=30)
        errors = [
            ln
            for ln in (data / "server.log").read_text().splitlines()
            if "ERROR" in ln or re.match(r"^[\w.]+(Error|Exception)\b", ln)
        ]
        print("\n".join(errors[:10]), file=sys.stderr)
        shutil.rmtree(data, ignore_errors=True)
    print(
        f"{args.clients} clients × {args.requests} requests, {args.workers} worker(s), "
        f"{os.cpu_count()} cores (client and server share them)\n"
    )
    print("| endpoint | requests | req/s | p50 ms | p95 ms | p99 ms | errors |")
    print("|---|---|---|---|---|---|---|")
    for name, r in (("GET /healthz (floor)", floor), ("POST /v1/ask", ask)):
        print(
            f"| {name} | {r['requests']:.0f} | {r['rps']:.1f} | {r['p50']:.1f} | "
            f"{r['p95']:.1f} | {r['p99']:.1f} | {r['errors']:.0f} |"
        )
    print(
        f"\nRatio p50 ask/floor: {ask['p50'] / floor['p50']:.1f}; "
        f"throughput floor/ask: {floor['rps'] / ask['rps']:.1f}"
    )
    print(f"Server RSS: {idle:.0f} MB after start-up, peak {peak:.0f} MB")


if __name__ == "__main__":
    main()
