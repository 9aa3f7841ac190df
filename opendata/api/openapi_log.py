"""OpenAPI description of the publication log endpoints (opendata/api/log.py).

A section merged by opendata.api.openapi.build_document(). The formats themselves (the
canonical serialisation, the entry hash, the Merkle leaves) are specified in
docs/PUBLICATION_LOG.md; descriptions here point there rather than repeat it.
"""
from __future__ import annotations

from opendata.api.openapi_collections import LINK
from opendata.api.openapi_publisher import CURRENCY, DATE, SLUG, TIMESTAMP, json_content, nullable, problems, ref

HEX = {"type": "string", "pattern": r"^[0-9a-f]{64}$", "description": "SHA-256, 64 lowercase hex digits."}
SEQ = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
SIZE = {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}

TAGS = [{
    "name": "log",
    "description": "The append-only, hash-chained publication log: one entry per publish or withdrawal, "
                   "each with the SHA-256 of the version's canonical content and of the entry before it, "
                   "and an RFC 6962 Merkle tree over the entries. Download the log and "
                   "`/api/v1/log/versions.jsonl`, then run `scripts/verify_download.py` to check that no "
                   "published version was altered or removed, without trusting this server. Formats: "
                   "docs/PUBLICATION_LOG.md.",
}]


def _query(name: str, schema: dict, description: str, required: bool = False) -> dict:
    """A query parameter; an optional one may be sent empty, which means not given."""
    parameter = {"name": name, "in": "query", "required": required, "schema": schema, "description": description}
    return parameter if required else parameter | {"allowEmptyValue": True}


PARAMETERS = {
    "LogEntity": _query("entity", SLUG, "Only entries of this entity (slug). A filtered log does not verify "
                                        "as a chain: each entry's hash covers the one before."),
    "LogSchedule": _query("schedule", SLUG, "Only entries of schedules with this slug."),
    "LogAction": _query("action", {"type": "string", "enum": ["publish", "withdraw"]}, "Only these entries."),
}
_FILTERS = [{"$ref": f"#/components/parameters/{name}"} for name in PARAMETERS]

SCHEMAS = {
    "LogEntry": {
        "type": "object",
        "description": "One entry. Its canonical content is these fields without `entry_hash`, plus "
                       "`\"format\": \"openportfees/log-entry/1\"`; `entry_hash` is the SHA-256 of that "
                       "content's canonical serialisation, and its Merkle leaf is SHA-256(0x00 || those "
                       "same bytes).",
        "required": ["seq", "action", "recorded_at", "entity", "schedule", "version", "effective_from",
                     "content_sha256", "prev_hash", "entry_hash"],
        "properties": {
            "seq": SEQ,
            "action": {"type": "string", "enum": ["publish", "withdraw"]},
            "recorded_at": TIMESTAMP,
            "entity": SLUG,
            "schedule": SLUG,
            "version": {"type": "integer", "minimum": 1},
            "effective_from": DATE,
            "content_sha256": HEX | {"description": "SHA-256 of the version's canonical content (a line of "
                                                    "/api/v1/log/versions.jsonl); a withdrawal repeats it."},
            "prev_hash": HEX | {"description": "entry_hash of entry seq-1; 64 zeros for the first entry."},
            "entry_hash": HEX,
        },
    },
    "LogPage": {
        "type": "object",
        "required": ["items", "next"],
        "properties": {
            "items": {"type": "array", "items": ref("LogEntry")},
            "next": {"type": ["string", "null"], "description": "The next page, or null on the last."},
        },
    },
    "LogProblem": {
        "type": "object",
        "required": ["seq", "reason"],
        "properties": {
            "seq": nullable(SEQ) | {"description": "The entry concerned; null for a stored version that "
                                                   "has no entry at all."},
            "reason": {"type": "string", "description": "What is wrong, in English."},
        },
    },
    "LogVerification": {
        "type": "object",
        "required": ["verified", "entries", "head", "merkle_root", "problems", "checked_at"],
        "properties": {
            "verified": {"type": "boolean", "description": "True when every entry hash, every link, the head "
                                                           "and every stored version's content hash check out."},
            "entries": SIZE,
            "head": {
                "type": "object",
                "description": "What the log head row records as the last entry.",
                "required": ["seq", "entry_hash"],
                "properties": {"seq": nullable(SIZE), "entry_hash": nullable(HEX)},
            },
            "merkle_root": HEX | {"description": "Root of the Merkle tree over the entries present."},
            "problems": {"type": "array", "items": ref("LogProblem"),
                         "description": "Everything found wrong, the first bad entry first."},
            "checked_at": TIMESTAMP,
        },
    },
    "VersionContent": {
        "type": "object",
        "description": "A version's canonical content: one line of /api/v1/log/versions.jsonl. The SHA-256 of "
                       "the line's bytes (UTF-8, without the newline) is the content_sha256 of its log "
                       "entries.",
        "required": ["format", "entity", "entity_uscc", "schedule", "currency", "number", "effective_from",
                     "published_at", "change_note", "items"],
        "properties": {
            "format": {"const": "openportfees/version/1"},
            "entity": SLUG,
            "entity_uscc": {"type": "string", "description": "Unified social credit code."},
            "schedule": SLUG,
            "currency": CURRENCY,
            "number": {"type": "integer", "minimum": 1},
            "effective_from": DATE,
            "published_at": TIMESTAMP,
            "change_note": {"type": "string"},
            "items": {"type": "array", "items": ref("Item")},
        },
    },
    "MerkleTree": {
        "type": "object",
        "required": ["size", "root"],
        "properties": {"size": SIZE, "root": HEX | {"description": "RFC 6962 Merkle tree hash; for 0 entries "
                                                                  "the SHA-256 of nothing."}},
    },
    "InclusionProof": {
        "type": "object",
        "description": "Check with RFC 9162 §2.1.3.2: `leaf_hash` with `audit_path` at `leaf_index` in a tree "
                       "of `tree_size` leaves must give `root`.",
        "required": ["seq", "leaf_index", "tree_size", "leaf_hash", "audit_path", "root", "entry"],
        "properties": {
            "seq": SEQ,
            "leaf_index": {"type": "integer", "minimum": 0, "description": "0-based; seq - 1 in an intact log."},
            "tree_size": SEQ,
            "leaf_hash": HEX | {"description": "SHA-256(0x00 || the entry's canonical bytes)."},
            "audit_path": {"type": "array", "items": HEX, "description": "Sibling hashes, leaf side first."},
            "root": HEX,
            "entry": ref("LogEntry"),
        },
    },
    "ConsistencyProof": {
        "type": "object",
        "description": "Check with RFC 9162 §2.1.4.2: the tree of `first` entries with `first_root` is a "
                       "prefix of the tree of `second` entries with `second_root`, i.e. nothing logged by "
                       "then was changed or removed.",
        "required": ["first", "second", "first_root", "second_root", "proof"],
        "properties": {
            "first": SEQ, "second": SEQ, "first_root": HEX, "second_root": HEX,
            "proof": {"type": "array", "items": HEX},
        },
    },
}

RESPONSES = {
    "LogTooManyRequests": {
        "description": "Verification is limited per client address; retry after Retry-After seconds.",
        "headers": {"Retry-After": {"schema": {"type": "integer"}}},
        "content": {"application/problem+json": {"schema": ref("Problem")}},
    },
}

BOM = _query("bom", {"type": "string", "enum": ["true", "false", "1", "0"]},
             "true: start with a UTF-8 byte order mark, for Excel.")

PATHS = {
    "/api/v1/log": {
        "get": {
            "operationId": "log", "tags": ["log"], "summary": "The publication log",
            "description": "Entries in seq order, `limit` at a time; follow `next` (keyset by seq, so entries "
                           "appended meanwhile never shift a page).",
            "parameters": [
                *_FILTERS,
                _query("after", SIZE, "Start after this seq (default 0: from the first entry)."),
                _query("cursor", {"type": "string"}, "Opaque: from a previous answer's `next` link; "
                                                     "takes precedence over `after`."),
                _query("limit", {"type": "integer", "minimum": 1, "maximum": 10000, "default": 1000},
                       "Entries per page."),
            ],
            "responses": {"200": {"description": "A page of the log.", "headers": {"Link": LINK},
                                  "content": json_content(ref("LogPage"))},
                          **problems(422)},
        },
    },
    "/api/v1/log.csv": {
        "get": {
            "operationId": "logCsv", "tags": ["log"], "summary": "The whole publication log as CSV",
            "description": "Every entry (or every matching one), streamed, with the columns seq, action, "
                           "recorded_at, entity, schedule, version, effective_from, content_sha256, prev_hash, "
                           "entry_hash: UTF-8, RFC 4180. scripts/verify_download.py reads it as well as the "
                           "JSON.",
            "parameters": [*_FILTERS, BOM],
            "responses": {"200": {"description": "UTF-8 CSV (RFC 4180).",
                                  "content": {"text/csv": {"schema": {"type": "string"}}}},
                          **problems(422)},
        },
    },
    "/api/v1/log/versions.jsonl": {
        "get": {
            "operationId": "logVersions", "tags": ["log"], "summary": "Every logged version's canonical content",
            "description": "JSON Lines, streamed: one VersionContent object per line, in canonical serialisation, "
                           "for each publish entry in seq order (a withdrawn version appears once, where it was "
                           "published). The SHA-256 of a line's bytes without its newline is the "
                           "content_sha256 of its entries.",
            "parameters": [_query("through", SIZE, "Only versions published up to this seq (default: the last "
                                                   "entry when the download starts). Give the last seq of a log "
                                                   "you downloaded to get the matching set.")],
            "responses": {"200": {"description": "One VersionContent per line, each ending with a newline.",
                                  "content": {"application/x-ndjson": {"schema": {"type": "string"}}}},
                          **problems(422)},
        },
    },
    "/api/v1/log/verify": {
        "get": {
            "operationId": "logVerify", "tags": ["log"], "summary": "The server's own check of the log",
            "description": "Re-computes every entry hash and link, the head, and every stored published or "
                           "withdrawn version's content hash (as `flask log verify`). The answer is 200 whenever "
                           "the check ran, with `verified` true or false: a failed check is a finding, not a "
                           "failed request, so monitors must read `verified`. This trusts the server; "
                           "scripts/verify_download.py does not.",
            "responses": {"200": {"description": "The findings.", "content": json_content(ref("LogVerification"))},
                          "429": {"$ref": "#/components/responses/LogTooManyRequests"}},
        },
    },
    "/api/v1/log/tree": {
        "get": {
            "operationId": "logTree", "tags": ["log"], "summary": "The Merkle tree head",
            "description": "Size and root of the RFC 6962 Merkle tree whose leaves are the entries in seq order "
                           "(leaf data: an entry's canonical bytes). Publish or record the root elsewhere: a later "
                           "download that gives another root for the same size was rewritten.",
            "parameters": [_query("size", SIZE, "The tree of the first `size` entries (default: all).")],
            "responses": {"200": {"description": "The tree head.", "content": json_content(ref("MerkleTree"))},
                          **problems(422)},
        },
    },
    "/api/v1/log/proof/{seq}": {
        "get": {
            "operationId": "logProof", "tags": ["log"], "summary": "Inclusion proof of one entry",
            "parameters": [
                {"name": "seq", "in": "path", "required": True, "schema": SEQ},
                _query("tree_size", SEQ, "The tree of the first `tree_size` entries (default: all); it must "
                                         "contain the entry."),
            ],
            "responses": {"200": {"description": "The proof.", "content": json_content(ref("InclusionProof"))},
                          **problems(404, 422)},
        },
    },
    "/api/v1/log/consistency": {
        "get": {
            "operationId": "logConsistency", "tags": ["log"], "summary": "Consistency proof between two tree sizes",
            "parameters": [
                _query("first", SEQ, "The older tree's size.", required=True),
                _query("second", SEQ, "The newer tree's size (default: all entries)."),
            ],
            "responses": {"200": {"description": "The proof.", "content": json_content(ref("ConsistencyProof"))},
                          **problems(422)},
        },
    },
}
