#!/usr/bin/env python3
"""Benchmark: answering an evaluation dataset one request at a time vs. with bounded concurrency.

Runs the DAGs' own `genops.evaluation.scoring.generate_responses` with the real google-genai client (Vertex AI
mode, a fixed token) against a local stand-in for the generateContent endpoint that answers after a
fixed latency (default 300 ms). Prints one row per concurrency and the speed-up; `--check` exits 1 unless the
highest concurrency is at least `--target` times faster than one at a time, the answers come back in the
dataset's order and none is lost.

    .venv/bin/python scripts/benchmarks/benchmark_eval_concurrency.py         # 200 examples, 300 ms, 1 vs 16
    .venv/bin/python scripts/benchmarks/benchmark_eval_concurrency.py --rate-limit-every 25 --check

Not a timed test: wall-clock numbers depend on the machine. The stand-in here is the smallest local HTTP
server that speaks the endpoint; a shared Vertex AI stand-in (scripts/local/cloud) can replace it.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "dags"))


def flash_model() -> str:
    """The model the benchmark asks for: the flash default from the model table."""
    from genops.models.table import default_model

    return default_model("GENOPS_FLASH_MODEL")


class StandIn(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, latency: float, rate_limit_every: int):
        super().__init__(("127.0.0.1", 0), Handler)
        self.latency, self.rate_limit_every = latency, rate_limit_every
        self.requests = self.rate_limited = 0
        self.lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as Vertex AI
    server: StandIn

    def log_message(self, *args):  # quiet
        pass

    def _send(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if not self.path.endswith(":generateContent"):
            return self._send(404, {"error": {"code": 404, "message": self.path, "status": "NOT_FOUND"}})
        with self.server.lock:
            self.server.requests += 1
            limited = self.server.rate_limit_every and self.server.requests % self.server.rate_limit_every == 0
            self.server.rate_limited += bool(limited)
        time.sleep(self.server.latency)
        if limited:
            error = {
                "code": 429,
                "message": "Resource exhausted. Please try again later.",
                "status": "RESOURCE_EXHAUSTED",
            }
            return self._send(429, {"error": error})
        prompt = request["contents"][0]["parts"][0]["text"]
        answer = "Summary of: " + prompt.rsplit("\n", 1)[-1][-60:]
        self._send(
            200,
            {
                "candidates": [{"content": {"role": "model", "parts": [{"text": answer}]}, "finishReason": "STOP"}],
                "usageMetadata": {"promptTokenCount": 100, "candidatesTokenCount": 20, "totalTokenCount": 120},
                "modelVersion": flash_model(),
            },
        )


def dataset(size: int) -> list[dict]:
    from genops.gemini.prompts import load_eval_dataset

    base = load_eval_dataset()
    return [
        {**example, "context": f"{example['context']} (example {n})", "reference": f"reference {n}"}
        for n, example in ((n, base[n % len(base)]) for n in range(size))
    ]


def client_for(server: StandIn):
    from google.genai import Client, types
    from google.oauth2.credentials import Credentials

    host, port = server.server_address
    return Client(
        vertexai=True,
        project="genops-benchmark",
        location="us-central1",
        credentials=Credentials(token="benchmark"),  # a fixed token: nothing to refresh, no Google call
        http_options=types.HttpOptions(base_url=f"http://{host}:{port}/"),
    )


def run(examples: list[dict], concurrency: int, server: StandIn) -> tuple[float, list[dict]]:
    from genops.evaluation import concurrency as retrying
    from genops.evaluation.scoring import generate_responses

    backoff = retrying.Backoff(initial_delay=0.2, max_delay=2.0)
    original, retrying.DEFAULT_BACKOFF = retrying.DEFAULT_BACKOFF, backoff
    try:
        started = time.perf_counter()
        rows = generate_responses(examples, model=flash_model(), concurrency=concurrency, client=client_for(server))
        return time.perf_counter() - started, rows
    finally:
        retrying.DEFAULT_BACKOFF = original


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=200)
    parser.add_argument("--latency-ms", type=float, default=300)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 16])
    parser.add_argument("--rate-limit-every", type=int, default=0, help="answer every Nth request with 429")
    parser.add_argument("--target", type=float, default=8.0)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()

    import logging

    for name in ("genops", "google_genai", "httpx"):
        logging.getLogger(name).setLevel(logging.ERROR)
    examples = dataset(args.examples)
    server = StandIn(args.latency_ms / 1000, args.rate_limit_every)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    timings, ok = {}, True
    try:
        run(examples[:2], 2, server)  # warm-up: imports and the client's first connection are not timed
        print(
            f"{args.examples} examples, {args.latency_ms:.0f} ms per request, 429 every {args.rate_limit_every or '-'}"
        )
        print("| concurrency | wall time | examples/s | speed-up | order kept, none lost |")
        print("| ---: | ---: | ---: | ---: | --- |")
        for concurrency in args.concurrency:
            before = server.rate_limited
            seconds, rows = run(examples, concurrency, server)
            timings[concurrency] = seconds
            whole = [r["reference"] for r in rows] == [e["reference"] for e in examples] and all(
                r["response"].startswith("Summary of:") and f"(example {n})" in r["response"]
                for n, r in enumerate(rows)
            )
            ok &= whole
            speedup = timings[args.concurrency[0]] / seconds
            print(
                f"| {concurrency} | {seconds:.1f} s | {len(rows) / seconds:.1f} | {speedup:.1f}x | "
                f"{'yes' if whole else 'NO'} ({server.rate_limited - before} answered 429 and were retried) |"
            )
    finally:
        server.shutdown()
    best = timings[args.concurrency[0]] / timings[args.concurrency[-1]]
    if args.check and (best < args.target or not ok):
        print(f"FAILED: {best:.1f}x (target {args.target}x), answers whole: {ok}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
