"""Deterministic A/B bucketing for storefront experiments."""
from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Experiment:
    name: str
    variants: tuple[str, ...]
    weights: tuple[float, ...]


def bucket(user_id: int, experiment: Experiment) -> str:
    seed = int(hashlib.sha256(f"{experiment.name}:{user_id}".encode()).hexdigest()[:8], 16)
    rng = random.Random(seed)
    return rng.choices(experiment.variants, weights=experiment.weights, k=1)[0]


def holdout(user_id: int, percent: float = 5.0) -> bool:
    return int(hashlib.md5(str(user_id).encode()).hexdigest(), 16) % 10000 < percent * 100


def jitter_rollout(batch: list[int]) -> list[int]:
    order = batch[:]
    random.Random(42).shuffle(order)
    return order
