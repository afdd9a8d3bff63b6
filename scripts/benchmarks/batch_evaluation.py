#!/usr/bin/env python3
"""Benchmark: answering a large evaluation set online vs. with one Vertex AI batch prediction job per configuration.

Runs the DAGs' own code on the emulated stack (the Cloud Storage emulator and the Vertex AI stand-in of
scripts/local/cloud, local credentials, real google-genai and google-cloud-storage clients):

- online: `genops.evaluation.scoring.generate_responses` per configuration at GENOPS_EVAL_CONCURRENCY's default,
  each generateContent answered after `--latency` seconds; the whole generation runs inside the task's slot;
- batch: `genops.evaluation.answers.submit` (estimate, daily gate, requests JSONL, create), the
  `BatchPredictionSensor`'s pokes every `--poke-interval` seconds while the jobs run (`--job-seconds` each, all
  at once), and `answers` (predictions read back in order, ledger rows at the batch price).

Reports, for `--examples` x the six configurations of genops.gemini.profiles.PROFILES:
- worker-slot seconds: online (the whole generation holds the slot), batch (submit + pokes + collect), and
  those held while the jobs run: only the pokes' own seconds, since reschedule mode frees the slot in between;
- the estimated cost of the answers from the ledger rows each path wrote (same token counts: the stand-in is
  deterministic), and batch as a share of online (target <= 55 %);
- end-to-end time of each path.

    .venv/bin/python scripts/benchmarks/batch_evaluation.py                # 2,000 examples x 6 configurations
    .venv/bin/python scripts/benchmarks/batch_evaluation.py --examples 200 --check

`--check` exits 1 unless the batch cost is at most 55 % of online, a poke holds its slot for under a second, and
the batch answers equal the online answers in the examples' order.

On a busy machine the online path can take long: `--online-examples N` answers only the first N examples of
each configuration online and scales its times (the cost share is then measured on those N answers of both).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO), str(REPO / "dags")]

PROJECT, REGION, BUCKET = "genops-local", "us-central1", "genops-benchmark-data"


def examples(count: int) -> list[dict]:
    """`count` distinct examples: the lab's dataset, each copy's article numbered."""
    from genops.gemini.prompts import load_eval_dataset

    base = load_eval_dataset()
    return [
        {**base[i % len(base)], "context": f"{base[i % len(base)]['context']} (Copy {i // len(base) + 1}.)"}
        for i in range(count)
    ]


class Recorder:
    """The usage ledger's rows, kept in memory: each path's rows under its own DAG id."""

    def __init__(self):
        from genops.gemini import usage
        from genops.usage import ledger

        self.rows: list[dict] = []
        self.where = None
        ledger.LEDGER.write = lambda table, rows: self.rows.extend(rows)
        ledger.LEDGER.table = lambda: f"{PROJECT}.benchmark.gemini_usage"
        ledger.LEDGER.sleep = lambda seconds: None
        original = usage.CallContext.from_airflow

        def from_airflow(context=None):
            return self.where if context is None and self.where is not None else original(context)

        usage.CallContext.from_airflow = staticmethod(from_airflow)

    def cost(self, dag_id: str, call_kind: str, first: int | None = None) -> tuple[float, int]:
        """USD and rows of `dag_id`'s `call_kind` calls; `first`: only each configuration's first answers."""
        from genops.usage import ledger

        ledger.LEDGER.flush()
        rows = [r for r in self.rows if r["dag_id"] == dag_id and r["call_kind"] == call_kind]
        if first is not None:
            by_config: dict[int, list[dict]] = {}
            for row in sorted(rows, key=lambda r: (r["map_index"], r["call_number"])):
                by_config.setdefault(row["map_index"], []).append(row)
            rows = [row for answers in by_config.values() for row in answers[:first]]
        return sum(r["estimated_cost_usd"] or 0.0 for r in rows), len(rows)


def context(dag_id: str, config_index: int, task_id: str):
    ti = SimpleNamespace(
        dag_id=dag_id, task_id=task_id, map_index=config_index, try_number=1, xcom_push=lambda **kw: None
    )
    return {"dag": SimpleNamespace(dag_id=dag_id), "run_id": f"benchmark__{dag_id}", "ti": ti}


@contextlib.contextmanager
def emulated_stack(job_seconds: float, latency: float):
    from scripts.local.cloud.credentials import LocalCredentials
    from scripts.local.cloud.gcs import GcsEmulator
    from scripts.local.cloud.vertex import VertexStandIn

    with tempfile.TemporaryDirectory() as tmp:
        gcs = GcsEmulator(Path(tmp) / "gcs", Path(tmp) / "gcs.log").start()
        credentials = LocalCredentials(PROJECT)
        try:
            gcs.create_bucket(BUCKET, PROJECT)
            vertex = VertexStandIn(
                storage_host=gcs.url,
                batch_pending_seconds=1.0,
                batch_running_seconds=job_seconds,
                tokens=credentials.issued,
            ).start()
            vertex.add_fault(":generateContent$", latency=latency)  # an online answer's time on the service
            os.environ.update(
                {
                    **gcs.client_env(),
                    "GOOGLE_APPLICATION_CREDENTIALS": str(credentials.write_adc(Path(tmp) / "adc.json")),
                    "GOOGLE_CLOUD_PROJECT": PROJECT,
                    "GOOGLE_VERTEX_BASE_URL": vertex.url,
                    "AIRFLOW_CONN_GOOGLE_CLOUD_DEFAULT": "google-cloud-platform://",
                    "GENOPS_PROJECT_ID": PROJECT,
                    "GENOPS_REGION": REGION,
                    "GENOPS_DATA_BUCKET": BUCKET,
                }
            )
            yield vertex
            vertex.stop()
        finally:
            gcs.stop()


def online(recorder: Recorder, data: list[dict]) -> dict:
    from genops.core import config
    from genops.evaluation.scoring import generate_responses
    from genops.gemini.profiles import PROFILES

    answers, slot = {}, 0.0
    started = time.monotonic()
    for index, profile in enumerate(PROFILES):
        recorder.where = _where("benchmark_online", index)
        t0 = time.monotonic()
        answers[profile.name] = generate_responses(data, model=config.get(profile.model_setting), profile=profile)
        slot += time.monotonic() - t0
    return {"wall": time.monotonic() - started, "slot": slot, "answers": answers}


def _where(dag_id: str, index: int):
    from genops.gemini.usage import CallContext

    return CallContext(dag_id=dag_id, run_id=f"benchmark__{dag_id}", task_id="evaluate", map_index=index, try_number=1)


def batch(recorder: Recorder, data: list[dict], poke_interval: float) -> dict:
    from genops.core import config
    from genops.evaluation.answers import BatchPredictionSensor, answers, submit
    from genops.gemini.profiles import PROFILES

    os.environ["GENOPS_EVAL_MODE"] = "batch"
    slot = {"submit": 0.0, "poke": 0.0, "collect": 0.0}
    pokes = 0
    started = time.monotonic()
    submissions = []
    for index, profile in enumerate(PROFILES):
        recorder.where = _where("benchmark_batch", index)
        t0 = time.monotonic()
        submissions.append(
            submit(
                data,
                model_config=profile.name,
                model=config.get(profile.model_setting),
                profile=profile,
                context=context("benchmark_batch", index, "submit"),
            )
        )
        slot["submit"] += time.monotonic() - t0
    waiting = [BatchPredictionSensor(task_id=f"wait_{i}", submission=s) for i, s in enumerate(submissions)]
    done: dict[int, dict] = {}
    wait_started = time.monotonic()
    while len(done) < len(waiting):
        time.sleep(poke_interval)  # rescheduled: no slot is held here
        for index, sensor in enumerate(waiting):
            if index in done:
                continue
            t0 = time.monotonic()
            result = sensor.poke(context("benchmark_batch", index, "wait_for_batch"))
            slot["poke"] += time.monotonic() - t0
            pokes += 1
            if result:
                done[index] = result.xcom_value
    wait_wall = time.monotonic() - wait_started
    collected = {}
    for index, profile in enumerate(PROFILES):
        recorder.where = _where("benchmark_batch", index)
        t0 = time.monotonic()
        collected[profile.name] = answers(data, done[index], profile=profile, context=None)
        slot["collect"] += time.monotonic() - t0
    return {
        "wall": time.monotonic() - started,
        "slot": sum(slot.values()),
        "slots": slot,
        "pokes": pokes,
        "wait_wall": wait_wall,
        "answers": collected,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=2000)
    parser.add_argument(
        "--online-examples",
        type=int,
        help="answer only this many examples per configuration online (default: all) and scale its time",
    )
    parser.add_argument("--latency", type=float, default=0.3, help="seconds an online answer takes (default 0.3)")
    parser.add_argument("--job-seconds", type=float, default=30.0, help="how long each batch job runs")
    parser.add_argument("--poke-interval", type=float, default=5.0, help="the sensor's poke interval, seconds")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)

    from genops.core import config
    from genops.gemini.profiles import PROFILES
    from genops.usage.prices import BATCH_GENERATE_CONTENT

    recorder = Recorder()
    data = examples(args.examples)
    load = os.getloadavg()
    with emulated_stack(args.job_seconds, args.latency):
        sample = args.online_examples or args.examples
        on = online(recorder, data[:sample])
        off = batch(recorder, data, args.poke_interval)
    scale = args.examples / sample
    # the same answers (the stand-in is deterministic): compare each configuration's first `sample` answers
    online_usd, online_rows = recorder.cost("benchmark_online", "generate_content")
    batch_sample_usd, _ = recorder.cost("benchmark_batch", BATCH_GENERATE_CONTENT, first=sample)
    batch_usd, batch_rows = recorder.cost("benchmark_batch", BATCH_GENERATE_CONTENT)
    share = batch_sample_usd / online_usd if online_usd else float("nan")
    scaled = "" if scale == 1 else f" (online: {sample} examples per configuration measured, times x{scale:g})"
    concurrency = config.SETTINGS["GENOPS_EVAL_CONCURRENCY"].default
    print(f"Evaluation answers: {args.examples} examples x {len(PROFILES)} configurations, emulated stack")
    print(f"  online answer latency {args.latency} s, concurrency {concurrency}; batch job {args.job_seconds} s")
    print(f"  load average at start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs")
    print(f"{'':28}{'online':>12}{'batch':>12}")
    if scaled:
        print(f"  {scaled.strip(' ()')}")
    print(f"{'end-to-end (s)':28}{on['wall'] * scale:>12.1f}{off['wall']:>12.1f}")
    print(f"{'worker-slot seconds':28}{on['slot'] * scale:>12.1f}{off['slot']:>12.1f}")
    print(f"{'  held while waiting':28}{on['slot'] * scale:>12.1f}{off['slots']['poke']:>12.2f}")
    print(
        f"{'  batch: submit/pokes/collect':28}{'':>12}"
        f"{off['slots']['submit']:>6.1f}/{off['slots']['poke']:.1f}/{off['slots']['collect']:.1f}"
        f" ({off['pokes']} pokes over {off['wait_wall']:.0f} s)"
    )
    print(f"{'ledger rows':28}{online_rows:>12}{batch_rows:>12}")
    print(f"{'estimated cost (USD)':28}{online_usd * scale:>12.4f}{batch_usd:>12.4f}")
    print(f"{'batch cost / online':28}{'':>12}{share:>11.1%}  (same {sample} answers per configuration)")
    per_poke = off["slots"]["poke"] / max(off["pokes"], 1)
    same = {name: rows[:sample] for name, rows in off["answers"].items()} == on["answers"]
    print(f"batch answers equal the online answers, in order: {same}")
    if args.check and not (share <= 0.55 and per_poke < 1.0 and same):
        print("CHECK FAILED", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
