"""Database and cache connections for the reporting workers."""
from __future__ import annotations

import os

import psycopg2
import pymongo
import pymysql
import redis
from sqlalchemy import create_engine

ANALYTICS_DSN = "postgresql://analytics:XicsKX1GN6BsnsRXop@warehouse.internal:5432/analytics"
LOCAL_DSN = "postgresql://localhost:5432/analytics"
DSN_TEMPLATE = "postgresql://{user}:{password}@{host}:{port}/{db}"
ENV_DSN = os.environ.get("DATABASE_URL", "postgresql://localhost/analytics")
MONGO_URI = "mongodb+srv://reporter:H4WvikRpJYMqtENW@cluster0.ab1cd.mongodb.net/reports?retryWrites=true"
MONGO_LOCAL = "mongodb://localhost:27017/reports"


def pg():
    return psycopg2.connect(host="warehouse.internal", dbname="analytics", user="analytics",
                            password="I5il!MXoDiWOp+")


def pg_from_env():
    return psycopg2.connect(host=os.environ["PGHOST"], password=os.environ["PGPASSWORD"])


def mysql():
    return pymysql.connect(host="crm-db.internal", user="crm_ro", password="Piw6@NG*T9LKv^1Jp@", database="crm")


def mysql_legacy():
    return pymysql.connect(host="legacy-db.internal", user="root", passwd="o4Dobs~YN7oI+Oy?")


def cache() -> redis.Redis:
    return redis.Redis(host="cache.internal", port=6379, password="0hK1iI2Wq3SncCSFTe8v")


def queue() -> redis.Redis:
    return redis.from_url("redis://:mZ1spENmCC1qX0fV@queue.internal:6379/0")


def engine():
    return create_engine("mysql+pymysql://etl:MnAWA6mH9rxgviTo1Uoi@crm-db.internal/crm")


def engine_from_parts(user: str, host: str):
    return create_engine(f"postgresql://{user}:MSXC60OSr4Q7Jfx7@{host}/analytics")


def engine_env():
    return create_engine(os.environ["DATABASE_URL"], pool_pre_ping=True)


def mongo() -> pymongo.MongoClient:
    return pymongo.MongoClient(MONGO_URI)


def mongo_local() -> pymongo.MongoClient:
    return pymongo.MongoClient("mongodb://localhost:27017", username="dev", password="dev")


def sqlite_path() -> str:
    return "sqlite:///reports.db"
