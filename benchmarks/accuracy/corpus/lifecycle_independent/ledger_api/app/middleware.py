import logging
import random
import time
import uuid

from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import Response

log = logging.getLogger("ledger.access")


class RequestContextMiddleware(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next) -> Response:
        request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex
        trace_id = request.headers.get("X-Trace-Id") or f"{random.getrandbits(128):032x}"
        started = time.perf_counter()
        response = await call_next(request)
        elapsed_ms = (time.perf_counter() - started) * 1000
        response.headers["X-Request-ID"] = request_id
        response.headers["X-Trace-Id"] = trace_id
        log.info("%s %s %s %.1fms rid=%s", request.method, request.url.path,
                 response.status_code, elapsed_ms, request_id)
        return response


class SampledDebugLogMiddleware(BaseHTTPMiddleware):
    def __init__(self, app, sample_rate: float = 0.01) -> None:
        super().__init__(app)
        self.sample_rate = sample_rate

    async def dispatch(self, request: Request, call_next) -> Response:
        if random.random() < self.sample_rate:
            log.debug("headers for %s: %s", request.url.path, sorted(request.headers.keys()))
        return await call_next(request)
