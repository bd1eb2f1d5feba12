"""SQLAlchemy models for users and API tokens."""
from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    email = Column(String(255), unique=True, nullable=False)
    password_hash = Column(String(255), nullable=False)
    password_changed_at = Column(DateTime)


class ApiToken(Base):
    __tablename__ = "api_tokens"
    id = Column(Integer, primary_key=True)
    user_id = Column(ForeignKey("users.id"))
    token_prefix = Column(String(8), index=True)
    token_hash = Column(String(64), unique=True, nullable=False)
    secret_hint = Column(String(4))
    expires_at = Column(DateTime, nullable=False)


class OAuthClient(Base):
    __tablename__ = "oauth_clients"
    client_id = Column(String(48), primary_key=True)
    client_secret_hash = Column(String(128))
    token_endpoint_auth_method = Column(String(32), default="client_secret_basic")
    grant_types = Column(String(128), default="authorization_code refresh_token")
