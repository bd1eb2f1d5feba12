import csv
import io
import time

import boto3
import numpy as np

from .celery_app import app, kv

s3 = boto3.client("s3")
EXPORT_BUCKET = "reports-exports"
HEX = np.array(list("0123456789abcdef"))


def _share_token() -> str:
    return "".join(HEX[np.random.randint(0, 16, size=40)])


@app.task(bind=True, max_retries=5)
def export_report(self, report_id: int, rows: list[dict]) -> dict:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=sorted(rows[0]) if rows else ["empty"])
    writer.writeheader()
    writer.writerows(rows)
    object_key = f"exports/{report_id}/report-{int(time.time())}.csv"
    s3.put_object(Bucket=EXPORT_BUCKET, Key=object_key, Body=buffer.getvalue().encode())

    download_url = s3.generate_presigned_url(
        "get_object",
        Params={"Bucket": EXPORT_BUCKET, "Key": object_key},
        ExpiresIn=900,
    )
    share = _share_token()
    kv.set(f"export-share:{share}", object_key, ex=60 * 60 * 24)
    return {"download_url": download_url, "share": share}


@app.task
def export_archive_link(report_id: int) -> str:
    link_key = np.random.bytes(24).hex()
    kv.hset(f"archive-link:{link_key}", mapping={"report": report_id, "created": int(time.time())})
    return f"https://reports.example.com/archive/{link_key}"
