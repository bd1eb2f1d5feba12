"""Retry with exponential backoff and full jitter."""
from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
log = logging.getLogger(__name__)


def backoff_delays(attempts: int, base: float = 0.2, cap: float = 10.0) -> list[float]:
    return [random.uniform(0, min(cap, base * 2**n)) for n in range(attempts)]


def retry(fn: Callable[[], T], attempts: int = 5) -> T:
    last: Exception | None = None
    for delay in backoff_delays(attempts):
        try:
            return fn()
        except (ConnectionError, TimeoutError) as exc:
            last = exc
            log.info("retrying in %.2fs after %s", delay, type(exc).__name__)
            time.sleep(delay)
    assert last is not None
    raise last


def spread_start(max_seconds: float = 30.0) -> None:
    time.sleep(random.random() * max_seconds)
