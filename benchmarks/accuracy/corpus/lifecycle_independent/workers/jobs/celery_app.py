import os

import redis
from celery import Celery

app = Celery("workers", broker=os.environ.get("CELERY_BROKER_URL", "redis://localhost:6379/5"))
app.conf.task_acks_late = True
app.conf.worker_prefetch_multiplier = 1

kv = redis.StrictRedis.from_url(os.environ.get("WORKER_REDIS_URL", "redis://localhost:6379/6"), decode_responses=True)
