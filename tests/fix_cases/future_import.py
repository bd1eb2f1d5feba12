from __future__ import annotations

import logging

log = logging.getLogger(__name__)
WEBHOOK_SECRET = "Mn4bV7cX1zL9kJ3hG6fD2sA8qW5eR0tY"
# output
from __future__ import annotations

import logging
import os

log = logging.getLogger(__name__)
WEBHOOK_SECRET = os.environ["WEBHOOK_SECRET"]
