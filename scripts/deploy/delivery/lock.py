"""One deploy at a time per environment: a lock object in the DAG folder, taken and released with
generation preconditions so two builds can never both hold it.

Taking it uploads dags/.genops_deploy.lock only if no such object exists (--if-generation-match=0);
releasing it deletes exactly the generation this deploy wrote. A lock older than `stale_seconds` (a
build killed mid-deploy) is deleted by generation, then taken again; a lock held by a live build is waited
for, at most `wait_seconds`.
"""

from __future__ import annotations

import json
import socket
import time
from datetime import UTC, datetime

from delivery import gcloud
from delivery.release import LOCK, now, parse_time


class LockTimeout(RuntimeError):
    pass


class DeployLock:
    def __init__(self, prefix: str, holder: str, *, wait_seconds: float, stale_seconds: float, poll_seconds: float):
        self.url = f"{prefix}/{LOCK}"
        self.holder = holder or f"{socket.gethostname()}"
        self.wait_seconds, self.stale_seconds, self.poll_seconds = wait_seconds, stale_seconds, poll_seconds
        self.generation: int | None = None

    def __enter__(self) -> DeployLock:
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()

    def acquire(self) -> None:
        deadline = time.monotonic() + self.wait_seconds
        content = json.dumps({"holder": self.holder, "acquired_at": now()}).encode()
        while True:
            self.generation = gcloud.write_object(self.url, content, if_generation_match=0)
            if self.generation is not None:
                print(f"Took the deploy lock {self.url} (generation {self.generation}).", flush=True)
                return
            held = gcloud.describe_object(self.url)
            if held is None:
                continue  # released between our attempt and the look
            age = (datetime.now(UTC) - parse_time(held["creation_time"])).total_seconds()
            owner = (gcloud.read_object(self.url) or b"{}").decode(errors="replace").strip()
            if age > self.stale_seconds:
                print(f"Breaking a stale deploy lock ({age:.0f}s old, held by {owner}).", flush=True)
                gcloud.delete_object(self.url, if_generation_match=int(held["generation"]))
                continue
            if time.monotonic() >= deadline:
                raise LockTimeout(
                    f"another deploy holds {self.url} ({owner}, {age:.0f}s old) and did not finish within "
                    f"{self.wait_seconds:.0f}s; retry the build when it is done (a lock older than "
                    f"{self.stale_seconds:.0f}s is broken automatically)."
                )
            print(f"Waiting for another deploy to finish: {owner}, {age:.0f}s old.", flush=True)
            time.sleep(self.poll_seconds)

    def release(self) -> None:
        if self.generation is None:
            return
        if gcloud.delete_object(self.url, if_generation_match=self.generation):
            print("Released the deploy lock.", flush=True)
        else:
            print(f"The deploy lock {self.url} was no longer ours (broken as stale); left it alone.", flush=True)
        self.generation = None
