"""HTTP behaviour shared by the public API: conditional requests (ETag, Last-Modified,
304), Cache-Control, CORS for GET, and the per-client rate limit.

Everything here hangs on the api blueprint, so HTML pages never see any of it.

The public answers are functions of a few things only: the public data (whose state
fees.services.state reads with a handful of index lookups), the day at the port ("in effect
today" changes at midnight without any write), the URL, and the reader's language. So
the validators are computed from those, before the view runs and without reading a
body: a client that already holds a big CSV gets `304 Not Modified` for the price of
the state reading, and the view (and its streamed query) never starts.

The state is read *before* the view, so a view can only ever answer with data as new
as, or newer than, what its ETag names: the worst a concurrent publication can do is
make the next revalidation fetch the answer again, never keep a client on stale data.

Two kinds of answers are never cached, validated or shared across origins: the
publishers' token-authenticated area under /api/v1/publisher/ (a private answer to one
publisher; a page on another site has no business sending a token there), and single
views that opt out with `@uncached` (or by endpoint name in UNCACHED_ENDPOINTS), whose
answers are computed afresh on each call (e.g. /api/v1/log/verify).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, time, timezone
from zoneinfo import ZoneInfo

from flask import current_app, g, request, request_finished
from flask_babel import get_locale
from flask_cors import CORS
from werkzeug.http import is_resource_modified

from fees.db import db
from fees.limits import limiter
from fees.types import utcnow
from fees.views.helpers import today
from opendata.api import bp, openapi, openapi_http
from fees.services.state import data_state

if openapi_http not in openapi.SECTIONS:
    openapi.SECTIONS.append(openapi_http)

# Settings (fees/config.py; README, Configuration; docs/API.md "HTTP: caching, CORS and
# rate limits"). API_CACHE_MAX_AGE, 60 s by default: a new publication reaches every cache
# within a minute, and a client polling more often revalidates for the price of one small
# request. API_RATE_LIMIT, "300 per minute" by default: five requests a second, sustained,
# per client address: paging through everything at limit=1000 (or downloading the streamed
# CSVs, or /opendata/dataset.zip) never comes close, a browser page or a spreadsheet
# refresh never notices, and one scraper in a loop cannot take the site from everyone
# else. Offices behind one NAT address share it.

PRIVATE_PREFIX = f"{bp.url_prefix}/publisher/"
UNCACHED_ENDPOINTS = {"api.log_verify"}  # views in modules this one does not own
READS = ("GET", "HEAD")

# What a script on another origin may read besides the simple headers.
EXPOSED_HEADERS = ["Link", "ETag", "Last-Modified", "Retry-After",
                   "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"]
CORS(
    bp,
    # Everything of the api blueprint except the publishers' area: there the answer
    # carries no CORS header, so browsers keep other origins' scripts out.
    resources={rf"^{bp.url_prefix}/(?!publisher(?:/|$))": {}},
    origins="*",
    send_wildcard=True,  # "*", the same for everyone: caches need no Vary: Origin
    methods=["GET", "HEAD", "OPTIONS"],
    allow_headers=["If-None-Match", "If-Modified-Since"],
    expose_headers=EXPOSED_HEADERS,
    supports_credentials=False,
    max_age=86400,
)


def api_rate_limit() -> str:
    """The whole API's allowance per client address (API_RATE_LIMIT; empty: none).

    Read per request, so each app (and each test) can set its own."""
    return current_app.config.get("API_RATE_LIMIT", "")


# One allowance shared by every endpoint of the blueprint (scope "api"), not one per
# endpoint. Views with a limit of their own (log/verify) keep only theirs. Preflights
# are free: a browser sends one before the real request it stands for.
limiter.shared_limit(api_rate_limit, scope="api", exempt_when=lambda: request.method == "OPTIONS")(bp)


def uncached(view):
    """Mark a view of the api blueprint whose answers must not be cached or validated."""
    view.uncached = True
    return view


@dataclass(frozen=True)
class Validators:
    """The ETag and Last-Modified of the answer this request will get."""

    etag: str
    last_modified: datetime | None  # None: changed within this very second


def is_private() -> bool:
    """The publishers' area, or a request that carries credentials: never shared."""
    return request.path.startswith(PRIVATE_PREFIX) or "Authorization" in request.headers


def is_cacheable() -> bool:
    """A public read whose answer depends only on the data, the day, the URL and the language."""
    if request.method not in READS or is_private() or request.endpoint in UNCACHED_ENDPOINTS:
        return False
    view = current_app.view_functions.get(request.endpoint or "")
    return view is not None and not getattr(view, "uncached", False)


def validators() -> Validators:
    """Validators from the data state, the port's day, the URL and the locale.

    Last-Modified is never before the port's midnight: answers about "today" change then,
    so an If-Modified-Since from yesterday must not be answered 304. HTTP dates have
    whole seconds, so a change within the current second gets no Last-Modified at all:
    otherwise a second change in the same second would look unmodified to a client that
    sends back the first one's date. (The ETag has no such blind spot.)
    """
    state = data_state(db.session)
    day = today()
    zone = ZoneInfo(current_app.config.get("FEES_TIMEZONE", "Asia/Shanghai"))
    midnight = datetime.combine(day, time(0), tzinfo=zone).astimezone(timezone.utc)
    modified = max(state.last_modified, midnight)
    seed = "\n".join((state.token, day.isoformat(), str(get_locale()), request.url))
    return Validators(etag=hashlib.sha256(seed.encode()).hexdigest()[:32],
                      last_modified=modified if modified < utcnow().replace(microsecond=0) else None)


@bp.before_request
def answer_if_not_modified():
    """Compute this read's validators; answer 304 when the client already holds the answer.

    Runs after the rate limit (an app-level hook), so revalidations count too.
    `If-None-Match: *` is passed to the view: it means "any answer at all", and whether
    this URL has one (or is a 404 or 422) only the view knows.
    """
    g.pop("api_validators", None)  # g outlives a request where an app context is shared (tests)
    if not is_cacheable():
        return None
    g.api_validators = found = validators()
    if request.if_none_match.star_tag:
        return None
    if is_resource_modified(request.environ, etag=found.etag, last_modified=found.last_modified):
        return None
    return current_app.response_class(status=304)


@bp.after_request
def cache_headers(response):
    """Validators and Cache-Control on public reads; no-store in the private area."""
    g.api_retry_after = response.headers.get("Retry-After")  # the view's own, for retry_after_where_it_means
    if is_private():
        response.headers.setdefault("Cache-Control", "no-store")
        return response
    found: Validators | None = g.pop("api_validators", None)
    if found is None or response.status_code not in (200, 304):
        return response
    response.set_etag(found.etag)
    if found.last_modified is not None:
        response.last_modified = found.last_modified
    response.cache_control.public = True
    response.cache_control.max_age = int(current_app.config["API_CACHE_MAX_AGE"])
    return response


def retry_after_where_it_means(sender, response, **extra) -> None:
    """Retry-After only where it says something: as the view set it (e.g. 503 while the
    search index is rebuilt), or on the rate limit's own 429.

    Flask-Limiter, with its headers on, writes its window's reset time into Retry-After
    on every answer of a limited endpoint, and stretches a view's shorter Retry-After to
    it. The X-RateLimit-* headers already tell a client where it stands, so on any other
    answer the view's value is restored (or the limiter's removed). This runs on
    request_finished, after every after_request function, the limiter's included.
    """
    if request.blueprint != bp.name:
        return
    own = g.pop("api_retry_after", None)
    if response.status_code == 429:
        return
    if own is None:
        response.headers.pop("Retry-After", None)
    else:
        response.headers["Retry-After"] = own


request_finished.connect(retry_after_where_it_means)
