"""Upload reports to S3 and read parameters from SSM."""
from __future__ import annotations

import os

import boto3
from botocore.config import Config

REPORTS_BUCKET = "acme-reports-prod"
SECRET_ID = "prod/reports/db-password"
KMS_KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/7f820a6e-d49c-482a-9ac2-3cb6a38fdaca"

s3 = boto3.client(
    "s3",
    aws_access_key_id="AKIA4TRL4VZSZU77DQWB",
    aws_secret_access_key="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",
    region_name="eu-west-1",
)

session = boto3.Session(
    aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
    aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
)


def ssm_client() -> object:
    return boto3.client("ssm", config=Config(retries={"max_attempts": 5}))


def db_password() -> str:
    sm = boto3.client("secretsmanager")
    return sm.get_secret_value(SecretId=SECRET_ID)["SecretString"]


def legacy_session() -> boto3.Session:
    return boto3.Session(aws_access_key_id="AKIAWYRQH6QG2AGN2NIG", aws_secret_access_key="d0GoLWuYyoUZMaJVLigZNaI9FtRwGQg8RKnhShSG")


def example_session() -> boto3.Session:
    """Shown in the onboarding docs; these are AWS's documented sample credentials."""
    return boto3.Session(
        aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    )
