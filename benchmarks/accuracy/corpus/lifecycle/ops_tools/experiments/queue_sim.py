"""Monte Carlo simulation of checkout queue latency, used for capacity planning."""
from __future__ import annotations

import random
import statistics

import numpy as np


def simulate(arrival_rate: float, service_rate: float, customers: int, seed: int = 7) -> float:
    rng = np.random.default_rng(seed)
    arrivals = np.cumsum(rng.exponential(1 / arrival_rate, customers))
    services = rng.exponential(1 / service_rate, customers)
    finish = 0.0
    waits = []
    for a, s in zip(arrivals, services):
        start = max(a, finish)
        waits.append(start - a)
        finish = start + s
    return float(np.mean(waits))


def bootstrap_ci(samples: list[float], rounds: int = 1000) -> tuple[float, float]:
    means = sorted(statistics.fmean(random.choices(samples, k=len(samples))) for _ in range(rounds))
    return means[int(rounds * 0.025)], means[int(rounds * 0.975)]


def noisy_demand(base: int) -> int:
    return max(0, int(np.random.normal(base, base * 0.1)))


if __name__ == "__main__":
    random.seed(1234)
    print("mean wait:", simulate(1.8, 2.0, 10_000))
    print("95% CI:", bootstrap_ci([random.gauss(3.0, 0.5) for _ in range(200)]))
