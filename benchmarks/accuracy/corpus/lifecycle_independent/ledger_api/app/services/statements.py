import base64
import itertools
import time
import uuid
from pathlib import Path

from ..core.security import create_statement_link_token

STATEMENT_DIR = Path("/var/lib/ledger/statements")
_download_counter = itertools.count(1)
_render_jobs = itertools.count(1)


def statement_path(account_id: int, period: str) -> Path:
    return STATEMENT_DIR / f"{account_id}-{period}-{uuid.uuid4().hex}.pdf"


def render_job_id() -> int:
    return next(_render_jobs)


def statement_download_url(account_id: int, statement_id: int) -> str:
    token = create_statement_link_token(account_id, statement_id)
    return f"https://app.ledger.example/statements/{statement_id}?t={token}"


def one_time_download_code(account_id: int) -> str:
    return f"{account_id:06d}{next(_download_counter):06d}"


def share_ticket(account_id: int) -> str:
    raw = f"{account_id}:{int(time.time())}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")
