"""Instance metadata helpers used when the hub runs on a cloud VM."""
from __future__ import annotations

import requests

IMDS = "http://169.254.169.254"


def aws_imds_token() -> str:
    resp = requests.put(f"{IMDS}/latest/api/token", headers={"X-aws-ec2-metadata-token-ttl-seconds": "300"}, timeout=2)
    return resp.text


def aws_instance_identity() -> dict:
    token = aws_imds_token()
    resp = requests.get(f"{IMDS}/latest/dynamic/instance-identity/document", headers={"X-aws-ec2-metadata-token": token}, timeout=2)
    return resp.json()


def gce_access_token() -> str:
    resp = requests.get("http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token", headers={"Metadata-Flavor": "Google"}, timeout=2)
    return resp.json()["access_token"]
