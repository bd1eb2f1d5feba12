#!/bin/sh
# Nightly database backup to object storage.
set -eu
export RESTIC_REPOSITORY="s3:https://s3.eu-west-1.amazonaws.com/corp-backups/orders"
export RESTIC_PASSWORD='C5ftc3eSXLb8*zv_Pv'
export RESTIC_PASSWORD_FILE=/etc/restic/password
export AWS_ACCESS_KEY_ID="${BACKUP_AWS_KEY_ID}"
export AWS_SECRET_ACCESS_KEY="${BACKUP_AWS_SECRET}"
BACKUP_ENCRYPTION_KEY=$(openssl rand -hex 32)

pg_dump "postgresql://backup:bPvMOpcMjIQOGIgX8nSk@orders-db.prod.internal/orders" | gzip > /tmp/orders.sql.gz
echo "67461b695d6c3d8c757d3b88dc46a1358fd0a986a81aca4565d3b68483200927  /tmp/restic.tar.gz" | sha256sum -c -
restic backup /tmp/orders.sql.gz --tag nightly
