import numpy as np

from .celery_app import app, kv


@app.task
def simulate_no_shows(clinic_id: int, booked: int, no_show_rate: float, runs: int = 10_000) -> dict:
    rng = np.random.default_rng()
    attended = rng.binomial(booked, 1 - no_show_rate, size=runs)
    summary = {
        "p10": int(np.percentile(attended, 10)),
        "p50": int(np.percentile(attended, 50)),
        "p90": int(np.percentile(attended, 90)),
    }
    kv.hset(f"forecast:{clinic_id}", mapping=summary)
    return summary


@app.task
def bootstrap_wait_times(samples: list[float], rounds: int = 2_000) -> tuple[float, float]:
    np.random.seed(20240101)
    data = np.asarray(samples)
    means = [np.random.choice(data, size=data.size, replace=True).mean() for _ in range(rounds)]
    return float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def holdout_split(user_ids: list[int], fraction: float = 0.1) -> tuple[list[int], list[int]]:
    rng = np.random.default_rng(7)
    mask = rng.random(len(user_ids)) < fraction
    holdout = [u for u, m in zip(user_ids, mask) if m]
    rest = [u for u, m in zip(user_ids, mask) if not m]
    return holdout, rest


def kiosk_unlock_code() -> str:
    digits = np.random.default_rng().integers(0, 10, size=6)
    return "".join(str(d) for d in digits)
