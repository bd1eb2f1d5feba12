import os

from redis import Redis

sessions = Redis.from_url(os.environ.get("HELPDESK_SESSION_REDIS", "redis://localhost:6379/8"), decode_responses=True)
r = Redis(host=os.environ.get("HELPDESK_REDIS_HOST", "localhost"), port=6379, db=9, decode_responses=True)
