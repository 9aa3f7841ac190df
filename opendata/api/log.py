"""The publication log as open data, and the means to check it.

- GET /api/v1/log (JSON pages, keyset by seq) and /api/v1/log.csv (every entry, streamed);
- GET /api/v1/log/versions.jsonl: every logged version's canonical content, one per line;
- GET /api/v1/log/verify: the server re-checks the chain and the stored versions;
- GET /api/v1/log/tree, /log/proof/<seq>, /log/consistency: the RFC 6962 Merkle tree.

Views only read parameters and render; fees.services.logdata does the work. Described in
opendata/api/openapi_log.py; the formats are in docs/PUBLICATION_LOG.md, and
scripts/verify_download.py checks a download without trusting this server.
"""
from __future__ import annotations

import re


from flask import Response, jsonify, request, stream_with_context
from flask_babel import lazy_gettext as _l

from fees.db import db
from fees.errors import DomainError, FieldError
from fees.limits import limiter
from fees.services import logdata
from fees.vocab import LOG_ACTIONS, SLUG_PATTERN
from opendata.api import bp, openapi, openapi_log
from opendata.pagination import decode_cursor, encode_cursor, page_response
from opendata.csvout import csv_response, parse_bom

if openapi_log not in openapi.SECTIONS:
    openapi.SECTIONS.append(openapi_log)

MAX_SEQ = 2**31 - 1
DEFAULT_LIMIT = 1000
MAX_LIMIT = 10000
JSONL_MEDIA_TYPE = "application/x-ndjson"
# Verification re-hashes every published version: cheap for one reader, not for a flood.
VERIFY_RATE = "12 per minute"


# -- reading parameters ---------------------------------------------------------------




def _whole(name: str, errors: list[FieldError], default: int | None = None, high: int | None = None) -> int | None:
    """A whole-number query parameter (≥ 0, or 1..high when `high` is given), or an error on it."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    # Sequence numbers are 32-bit columns (PostgreSQL refuses a larger number in a
    # comparison); the length check keeps int() off absurdly long input.
    value = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 10 else None
    if value is not None and value > MAX_SEQ:
        value = None
    if high is None:
        if value is not None:
            return value
        errors.append(FieldError(name, _l("A whole number from 0 to %(n)s.", n=MAX_SEQ)))
    elif value is not None and 1 <= value <= high:
        return value
    else:
        errors.append(FieldError(name, _l("A whole number from 1 to %(n)s.", n=high)))
    return None


def _raise_if(errors: list[FieldError]) -> None:
    """422 listing every bad parameter, if any."""
    if errors:
        raise DomainError(_l("Some query parameters are not valid."), errors=errors)


def _filters(errors: list[FieldError]) -> logdata.LogFilter:
    """?entity=, ?schedule=, ?action= (publish or withdraw)."""
    action = request.args.get("action", "").strip() or None
    if action is not None and action not in LOG_ACTIONS:
        errors.append(FieldError("action", _l("%(value)s is not accepted here. Accepted values: %(accepted)s.",
                                              value=action, accepted=", ".join(LOG_ACTIONS))))
    slugs = {name: request.args.get(name, "").strip() or None for name in ("entity", "schedule")}
    for name, value in slugs.items():
        if value is not None and not (len(value) <= 64 and re.fullmatch(SLUG_PATTERN, value)):
            errors.append(FieldError(name, _l("%(value)s is not a valid %(field)s.", value=value[:64], field=name)))
    return logdata.LogFilter(entity=slugs["entity"], schedule=slugs["schedule"], action=action)


def _after(errors: list[FieldError]) -> int:
    """Where the page starts: ?cursor= (from a `next` link) or ?after=<seq>."""
    if "cursor" in request.args:
        try:
            return decode_cursor(request.args["cursor"], "after")
        except ValueError:
            errors.append(FieldError("cursor", _l("Use the cursor of a `next` link as it is.")))
            return 0
    return _whole("after", errors, default=0) or 0


# -- the log --------------------------------------------------------------------------

@bp.get("/log")
def log_entries():
    """A page of the publication log in seq order, with the link to the next page."""
    errors: list[FieldError] = []
    filters = _filters(errors)
    after = _after(errors)
    limit = _whole("limit", errors, default=DEFAULT_LIMIT, high=MAX_LIMIT)
    _raise_if(errors)
    entries, more = logdata.entries_page(db.session, after=after, limit=limit, filters=filters)
    cursor = encode_cursor("after", entries[-1].seq) if more else None
    return page_response([logdata.entry_record(e) for e in entries], cursor)


@bp.get("/log.csv")
def log_csv():
    """Every entry (or every matching one) as CSV, streamed; ?bom=true for Excel."""
    errors: list[FieldError] = []
    filters = _filters(errors)
    bom = parse_bom(request.args.get("bom"))
    if bom is None:
        errors.append(FieldError("bom", _l("bom is true or false.")))
    _raise_if(errors)
    rows = ([record[f] for f in logdata.RECORD_FIELDS]
            for record in map(logdata.entry_record, logdata.iter_entries(db.engine, filters)))
    return csv_response(logdata.RECORD_FIELDS, rows, "publication-log.csv", bom=bom)


@bp.get("/log/versions.jsonl")
def log_versions():
    """Every logged version's canonical content, one JSON object per line, streamed:
    the SHA-256 of a line's bytes (without its newline) is the log's content_sha256."""
    errors: list[FieldError] = []
    through = _whole("through", errors)
    _raise_if(errors)
    lines = (line + b"\n" for line in logdata.version_lines(db.engine, through))
    response = Response(stream_with_context(lines), mimetype=JSONL_MEDIA_TYPE)
    response.headers["Content-Disposition"] = 'attachment; filename="versions.jsonl"'
    return response


@bp.get("/log/verify")
@limiter.limit(VERIFY_RATE)
def log_verify():
    """The server's own check of the log and the stored versions. Always 200 when the
    check ran: `verified` is the answer (a failed check is a finding, not a failed request)."""
    response = jsonify(logdata.verification(db.session))
    response.headers["Cache-Control"] = "no-store"
    return response


# -- the Merkle tree ------------------------------------------------------------------

@bp.get("/log/tree")
def log_tree():
    """Size and root hash of the tree over the log (or over its first ?size= entries)."""
    errors: list[FieldError] = []
    size = _whole("size", errors)
    _raise_if(errors)
    return jsonify(logdata.tree_head(db.session, size))


@bp.get("/log/proof/<int:seq>")
def log_proof(seq: int):
    """The inclusion proof of entry `seq` in the tree of ?tree_size= entries (default: all)."""
    errors: list[FieldError] = []
    tree_size = _whole("tree_size", errors)
    _raise_if(errors)
    return jsonify(logdata.inclusion(db.session, seq, tree_size))


@bp.get("/log/consistency")
def log_consistency():
    """The proof that the tree of ?first= entries is a prefix of the tree of ?second=."""
    errors: list[FieldError] = []
    first = _whole("first", errors)
    if first is None and not errors:
        errors.append(FieldError("first", _l("This field is required.")))
    second = _whole("second", errors)
    _raise_if(errors)
    return jsonify(logdata.consistency(db.session, first, second))
