"""OpenAPI description of what every public read shares (opendata/api/http.py): the
304 answer to a conditional request and the 429 answer of the per-client rate limit.

A section merged by opendata.api.openapi.build_document(): components.responses that
operations refer to as `#/components/responses/NotModified` and `.../TooManyRequests`.
"""
from __future__ import annotations

from opendata.api.openapi_publisher import ref

TAGS: list = []
PATHS: dict = {}

RATE_HEADERS = {
    "X-RateLimit-Limit": {"description": "Requests allowed per window to this client address.",
                          "schema": {"type": "integer"}},
    "X-RateLimit-Remaining": {"description": "Requests left in the current window.", "schema": {"type": "integer"}},
    "X-RateLimit-Reset": {"description": "When the window ends, in seconds since the Unix epoch.",
                          "schema": {"type": "integer"}},
}

RESPONSES = {
    "NotModified": {
        "description": "Not Modified: the `If-None-Match` ETag (or, without one, the `If-Modified-Since` "
                       "date) still describes the answer, so the client's copy is current; there is no body. "
                       "Every public read (GET or HEAD, everything but /api/v1/publisher/ and "
                       "/api/v1/log/verify) answers 200 with a strong `ETag`, a `Last-Modified` and "
                       "`Cache-Control: public, max-age=…`; the ETag changes when anything is published, on the "
                       "port's midnight, and with the URL or the interface language. Prefer `If-None-Match`: "
                       "`If-Modified-Since` has one-second resolution.",
        "headers": {
            "ETag": {"description": "The same ETag as the 200 answer.", "schema": {"type": "string"}},
            "Cache-Control": {"schema": {"type": "string", "examples": ["public, max-age=60"]}},
        },
    },
    "TooManyRequests": {
        "description": "Too Many Requests: this client address has used the API's allowance for now (by default "
                       "300 requests a minute over the whole API; OPTIONS preflights are free). Wait "
                       "`Retry-After` seconds. Bulk users: /opendata/dataset.zip has everything in one request.",
        "headers": {
            "Retry-After": {"description": "Seconds to wait before the next request.", "schema": {"type": "integer"}},
            **RATE_HEADERS,
        },
        "content": {"application/problem+json": {"schema": ref("Problem")}},
    },
}
