"""Run one call per item with bounded concurrency: results in the items' order, rate limits and server
errors retried with exponential backoff and full jitter, and nothing dropped (any item that still fails
fails the whole map, naming the item).

The evaluation answers its dataset through this (GENOPS_EVAL_CONCURRENCY requests in flight), so a dataset
of hundreds of examples takes the time of its slowest batches, not the sum of every request.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import TypeVar

log = logging.getLogger(__name__)

Item = TypeVar("Item")
Result = TypeVar("Result")

RETRIED_STATUS = frozenset({408, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class Backoff:
    attempts: int = 6  # including the first call
    initial_delay: float = 1.0  # seconds
    max_delay: float = 60.0

    def delay(self, retry: int, rand: Callable[[], float] = random.random) -> float:
        """Full jitter: uniform in [0, min(max_delay, initial_delay * 2**retry)]."""
        return rand() * min(self.max_delay, self.initial_delay * 2**retry)


DEFAULT_BACKOFF = Backoff()


def status_of(error: BaseException) -> int | None:
    """The HTTP status of a google-genai APIError or a google-api-core error; None for anything else."""
    code = getattr(error, "code", None)
    if isinstance(code, int):
        return code
    return getattr(code, "value", None) if isinstance(getattr(code, "value", None), int) else None


def is_retried(error: BaseException) -> bool:
    return status_of(error) in RETRIED_STATUS


def call_with_backoff(
    call: Callable[[], Result], *, backoff: Backoff, what: str, sleep: Callable[[float], None] = time.sleep
) -> Result:
    for retry in range(backoff.attempts):
        try:
            return call()
        except Exception as err:
            if not is_retried(err) or retry == backoff.attempts - 1:
                raise
            delay = backoff.delay(retry)
            log.warning("%s: HTTP %s (%s); retry %d in %.1f s", what, status_of(err), err, retry + 1, delay)
            sleep(delay)
    raise AssertionError("unreachable")


def map_bounded(
    call: Callable[[Item], Result],
    items: Sequence[Item],
    *,
    concurrency: int,
    backoff: Backoff | None = None,
    describe: Callable[[int, Item], str] = lambda index, item: f"item {index}",
    sleep: Callable[[float], None] = time.sleep,
) -> list[Result]:
    """`[call(item) for item in items]`, at most `concurrency` calls at a time, each retried as `backoff`
    (default DEFAULT_BACKOFF) says."""
    backoff = backoff or DEFAULT_BACKOFF
    if concurrency < 1:
        raise ValueError(f"concurrency must be at least 1, got {concurrency}")
    results: list = [None] * len(items)

    def run(index: int) -> None:
        item = items[index]
        results[index] = call_with_backoff(lambda: call(item), backoff=backoff, what=describe(index, item), sleep=sleep)

    with ThreadPoolExecutor(max_workers=min(concurrency, max(len(items), 1))) as pool:
        futures = {pool.submit(run, index): index for index in range(len(items))}
        done, _ = wait(futures, return_when=FIRST_EXCEPTION)
        failed = sorted((futures[f], f.exception()) for f in done if f.exception() is not None)
        if failed:
            for future in futures:
                future.cancel()
            index, error = failed[0]
            raise RuntimeError(f"{describe(index, items[index])} failed: {error}") from error
    return results
