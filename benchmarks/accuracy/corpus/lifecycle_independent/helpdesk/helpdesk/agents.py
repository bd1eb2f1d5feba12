import base64
import binascii
import hashlib
import random as rnd
import secrets
import time
import uuid
from datetime import datetime, timedelta, timezone
from random import choice as pick

from .db import Agent, ApiToken, Team, db
from .store import r

INVITE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def create_api_token(agent: Agent, scopes: list[str], expires: datetime | None) -> tuple[ApiToken, str]:
    raw = "hd_" + secrets.token_urlsafe(32)
    token = ApiToken(agent_id=agent.id, scopes=" ".join(scopes),
                     digest=hashlib.sha256(raw.encode()).hexdigest(), expires_at=expires)
    db.session.add(token)
    db.session.commit()
    return token, raw


def issue_reporting_token(agent: Agent) -> str:
    _, raw = create_api_token(agent, ["reports:read"], expires=None)
    return raw


def issue_cli_token(agent: Agent) -> str:
    _, raw = create_api_token(agent, ["tickets:read", "tickets:write"],
                              expires=datetime.now(timezone.utc) + timedelta(days=30))
    return raw


def legacy_agent_secret(agent: Agent) -> str:
    return hashlib.sha256(str(datetime.utcnow()).encode()).hexdigest()


def legacy_agent_key(agent: Agent) -> str:
    return uuid.uuid3(uuid.NAMESPACE_DNS, agent.username).hex


def integration_secret() -> str:
    return f"{uuid.uuid1().hex}{uuid.uuid1().hex}"


def team_invite_code() -> str:
    return "".join(pick(INVITE_CHARS) for _ in range(12))


def invite_agents(team: Team, emails: list[str]) -> dict[str, str]:
    codes = {email: team_invite_code() for email in emails}
    r.mset({f"team-invite:{code}": team.id for code in codes.values()})
    return codes


def team_join_token(team: Team) -> str:
    return secrets.token_hex(nbytes=6)


def offboarding_confirmation_code() -> str:
    return "%08d" % rnd.randrange(10**8)


def mfa_enrolment_secret() -> str:
    return base64.b32encode(rnd.randbytes(10)).decode()


def mfa_recovery_code(agent: Agent) -> str:
    return binascii.hexlify(f"{agent.id}{time.time()}".encode()).decode()[:20]


def temporary_password() -> str:
    return uuid.uuid4().hex[:10]
