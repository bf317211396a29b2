"""A closed-loop load generator: N simulated staff, each with a think time between requests,
as locust's `between(0.5, 1.5)` users would be, timing every response on loopback."""

from __future__ import annotations

import random
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

THINK_SECONDS = (0.5, 1.5)


@dataclass
class Results:
    latencies_ms: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, name: str, elapsed_ms: float, ok: bool) -> None:
        with self.lock:
            self.latencies_ms[name].append(elapsed_ms)
            if not ok:
                self.errors[name] += 1


Task = Callable[[httpx.Client, random.Random], httpx.Response]


def run_users(
    base_url: str,
    tokens: list[str],
    tasks: dict[str, tuple[float, Task]],
    seconds: float,
) -> Results:
    """Run one user thread per token for `seconds`; tasks are chosen by weight."""
    results = Results()
    deadline = time.monotonic() + seconds
    names = list(tasks)
    weights = [tasks[n][0] for n in names]

    def user(index: int) -> None:
        rng = random.Random(index)
        with httpx.Client(
            base_url=base_url, headers={"Authorization": f"Bearer {tokens[index]}"}, timeout=30
        ) as client:
            time.sleep(rng.uniform(0, THINK_SECONDS[1]))  # stagger the start
            while time.monotonic() < deadline:
                name = rng.choices(names, weights)[0]
                started = time.perf_counter()
                try:
                    response = tasks[name][1](client, rng)
                    ok = response.status_code in (200, 201)
                except httpx.HTTPError:
                    ok = False
                results.add(name, (time.perf_counter() - started) * 1000, ok)
                time.sleep(rng.uniform(*THINK_SECONDS))

    threads = [threading.Thread(target=user, args=(i,)) for i in range(len(tokens))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
