#!/usr/bin/env python3
"""Check a download of the Open Port Fees publication log without trusting the server.

Python 3.11 standard library only, on purpose: copy this one file anywhere and run it.
It re-computes, from the downloaded bytes alone (docs/PUBLICATION_LOG.md is the spec):

- every log entry's entry_hash and the hash chain (prev_hash; the first is 64 zeros),
  with no seq missing, repeated or out of order;
- every version: the SHA-256 of its line in VERSIONS must be the content_sha256 that its
  publish entry recorded, every published version must be there, and no other;
- a withdrawal must follow its version's publication and repeat its content hash;
- the RFC 6962 Merkle root over the entries, printed so it can be compared with
  /api/v1/log/tree or a root recorded elsewhere (--root); --proof checks proofs from
  /api/v1/log/proof/<seq> against it.

Usage:
    verify_download.py LOG VERSIONS [--root HEX [--size N]] [--proof PROOF.json ...]
    verify_download.py --url https://fees.example.org [--save DIR] [--root HEX [--size N]]

LOG is /api/v1/log as JSON (every page's items in one "items" list, as --save writes
it, or a single page whose "next" is null) or /api/v1/log.csv; VERSIONS is
/api/v1/log/versions.jsonl. Exit status: 0 everything verifies ("OK …"); 1 something
does not (the first bad entry or version is named first); 2 an input cannot be read.

The chain proves the download is internally consistent. That it is the log everyone
else sees, never rewritten, follows from comparing its head or Merkle root with one
obtained earlier or from someone else: the root of the first N entries never changes.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import re
import sys
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

GENESIS_HASH = "0" * 64
ENTRY_FORMAT = "openportfees/log-entry/1"
VERSION_FORMAT = "openportfees/version/1"
FIELDS = ("seq", "action", "recorded_at", "entity", "schedule", "version", "effective_from",
          "content_sha256", "prev_hash", "entry_hash")
HEX64 = re.compile(r"^[0-9a-f]{64}$")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PAGE_LIMIT = 10000


class InputError(Exception):
    """An input that cannot be read at all (exit 2): nothing was verified."""


@dataclass(frozen=True)
class Finding:
    """Something that does not verify. `position` orders findings as the log does (the
    entry's place in the file; None after every entry), so the first printed is the
    first bad entry."""

    position: int | None
    seq: int | None
    text: str

    def line(self) -> str:
        """How the finding is printed."""
        return f"entry {self.seq}: {self.text}" if self.seq is not None else self.text


# -- hashes: the canonical serialisation and the Merkle tree ---------------------------

def canonical_bytes(obj) -> bytes:
    """The one canonical serialisation (docs/PUBLICATION_LOG.md)."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def entry_bytes(entry: dict) -> bytes:
    """An entry's canonical content: its fields without entry_hash, plus the format."""
    content = {field: entry[field] for field in FIELDS if field != "entry_hash"}
    content["format"] = ENTRY_FORMAT
    return canonical_bytes(content)


# The Merkle functions repeat fees/merkle.py (RFC 6962 / RFC 9162 §2.1) because this file
# must run with the standard library alone; tests/test_verify_download.py checks that the
# copies agree.

def leaf_hash(data: bytes) -> bytes:
    """SHA-256(0x00 || data)."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def merkle_root(leaves: list[bytes]) -> bytes:
    """The Merkle tree hash of these leaf hashes (an odd last node moves up unchanged)."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    level = list(leaves)
    while len(level) > 1:
        above = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        level = above + ([level[-1]] if len(level) % 2 else [])
    return level[0]


def verify_inclusion(leaf: bytes, index: int, size: int, path: list[bytes], root: bytes) -> bool:
    """RFC 9162 §2.1.3.2: does `path` put leaf hash `leaf` at `index` of the tree of
    `size` leaves whose root is `root`?"""
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


# -- reading the files ----------------------------------------------------------------

def _unneutralise(text: str) -> str:
    """Undo the site's CSV guard against spreadsheet formulas (a leading ' before =, +, -, @)."""
    return text[1:] if text.startswith("'") and text.lstrip("'").startswith(FORMULA_STARTS) else text


def _whole(value):
    """A CSV cell's whole number as an int; anything else is left as it is (and will not hash)."""
    return int(value) if isinstance(value, str) and value.isascii() and value.isdigit() else value


def _complete(entry: dict) -> dict:
    """The entry with every field present (None when missing, listed under "_absent"),
    so that checking and hashing never stop at a hole."""
    absent = [f for f in FIELDS if f not in entry]
    return {**{f: None for f in absent}, **entry, "_absent": absent}


def read_log(data: bytes) -> list[dict]:
    """The entries of a JSON or CSV download of the log, in file order."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"LOG is not UTF-8: {exc}") from exc
    start = text.lstrip()[:1]
    if not start:
        raise InputError("LOG is empty")
    if start in "{[":
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"LOG is not valid JSON: {exc}") from exc
        if isinstance(doc, dict):
            if doc.get("next"):
                raise InputError("LOG is one page of the log (its `next` is not null): download every page, "
                                 "the CSV, or use --url")
            doc = doc.get("items")
        if not isinstance(doc, list) or not all(isinstance(e, dict) for e in doc):
            raise InputError('LOG must be {"items": [entry, ...]} or a list of entries')
        return [_complete(entry) for entry in doc]
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [f for f in FIELDS if f not in (reader.fieldnames or [])]
    if missing:
        raise InputError(f"LOG is neither JSON nor the log's CSV: it lacks the columns {', '.join(missing)}")
    entries = []
    for row in reader:
        entry = {field: _unneutralise(row[field] or "") for field in FIELDS}
        entries.append(_complete(entry | {"seq": _whole(entry["seq"]), "version": _whole(entry["version"])}))
    return entries


def read_versions(data: bytes) -> list[tuple[int, bytes]]:
    """(line number, bytes without the newline) of every line of VERSIONS."""
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()  # the newline that ends the last line
    return list(enumerate(lines, start=1))


# -- checking -------------------------------------------------------------------------

def check_entries(entries: list[dict]) -> list[Finding]:
    """Field shapes, seq order, the chain, each entry_hash, and withdrawals."""
    findings: list[Finding] = []
    prev, expected = GENESIS_HASH, 1
    published: dict[tuple, dict] = {}
    for pos, entry in enumerate(entries):
        absent = entry.get("_absent", [])
        seq = entry["seq"] if isinstance(entry["seq"], int) and not isinstance(entry["seq"], bool) else None
        here = seq if seq is not None else expected

        def found(text: str, at: int | None = here, pos: int = pos) -> None:
            findings.append(Finding(pos, at, text))

        if absent:
            found(f"the fields {', '.join(absent)} are missing")
        if seq is None:
            found(f"seq is not a whole number: {entry['seq']!r}")
        elif seq > expected:
            gone = f"entry {expected}" if seq == expected + 1 else f"entries {expected} to {seq - 1}"
            found(f"{gone} missing: the log goes from entry {expected - 1} to entry {seq}", expected)
        elif seq < expected:
            found(f"out of order or repeated (entry {expected} was expected)")
        if not isinstance(entry["version"], int) or isinstance(entry["version"], bool):
            found(f"version is not a whole number: {entry['version']!r}")
        for field in ("content_sha256", "prev_hash", "entry_hash"):
            if not isinstance(entry[field], str) or not HEX64.match(entry[field]):
                found(f"{field} is not 64 lowercase hex digits")
        if entry["prev_hash"] != prev:
            found("prev_hash does not match the previous entry's entry_hash")
        if hashlib.sha256(entry_bytes(entry)).hexdigest() != entry["entry_hash"]:
            found("entry_hash does not match the entry's content (the entry was altered)")
        _check_action(entry, published, found)
        prev = entry["entry_hash"]
        expected = (seq if seq is not None else expected) + 1
    return findings


def _key(entity, schedule, number) -> tuple[str, str, str]:
    """A version's identity as a dict key, whatever JSON types a tampered file holds."""
    return tuple(json.dumps(v, sort_keys=True) for v in (entity, schedule, number))


def _name(entity, schedule, number) -> str:
    """How a version is named in messages: entity/schedule version n."""
    return f"{entity}/{schedule} version {number}"


def _entry_key(entry: dict) -> tuple[str, str, str]:
    """The identity of the version an entry is about."""
    return _key(entry["entity"], entry["schedule"], entry["version"])


def _check_action(entry: dict, published: dict, found) -> None:
    """A version is published once; a withdrawal follows it and repeats its hash."""
    key, name = _entry_key(entry), _name(entry["entity"], entry["schedule"], entry["version"])
    if entry["action"] == "publish":
        if key in published:
            found(f"{name} is published a second time (first at entry {published[key]['seq']})")
        else:
            published[key] = entry
    elif entry["action"] == "withdraw":
        first = published.get(key)
        if first is None:
            found(f"withdraws {name}, which no earlier entry published")
        elif first["content_sha256"] != entry["content_sha256"]:
            found(f"the withdrawal's content_sha256 differs from the publication's (entry {first['seq']})")
    else:
        found(f"action is {entry['action']!r}, not publish or withdraw")


def check_versions(entries: list[dict], lines: list[tuple[int, bytes]]) -> list[Finding]:
    """Each line's SHA-256 against its publish entry; every published version present, once."""
    findings: list[Finding] = []
    # Reversed, so that of two publications of one version (itself a finding) the first counts.
    publications = {_entry_key(e): (pos, e) for pos, e in reversed(list(enumerate(entries)))
                    if e["action"] == "publish"}
    seen: dict[tuple, int] = {}
    for number, raw in lines:
        where = f"line {number} of VERSIONS"
        try:
            doc = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError):
            findings.append(Finding(None, None, f"{where} is not a JSON object"))
            continue
        if not isinstance(doc, dict):
            findings.append(Finding(None, None, f"{where} is not a JSON object"))
            continue
        name = _name(doc.get("entity"), doc.get("schedule"), doc.get("number"))
        key = _key(doc.get("entity"), doc.get("schedule"), doc.get("number"))
        if key in seen:
            findings.append(Finding(None, None, f"{where} repeats {name} (line {seen[key]})"))
            continue
        seen[key] = number
        if key not in publications:
            findings.append(Finding(None, None, f"{name} ({where}) has no publish entry in the log"))
            continue
        pos, entry = publications[key]
        digest = hashlib.sha256(raw).hexdigest()
        if digest != entry["content_sha256"]:
            hint = " (the line ends with a carriage return: was the file converted?)" if raw.endswith(b"\r") else ""
            findings.append(Finding(pos, entry["seq"], f"{name} ({where}) was altered: its SHA-256 is "
                                                       f"{digest}, the log recorded {entry['content_sha256']}{hint}"))
        elif doc.get("format") != VERSION_FORMAT or doc.get("effective_from") != entry["effective_from"]:
            findings.append(Finding(pos, entry["seq"], f"{name} ({where}) disagrees with its entry's "
                                                       "format or effective_from"))
    for key, (pos, entry) in publications.items():
        if key not in seen:
            name = _name(entry["entity"], entry["schedule"], entry["version"])
            findings.append(Finding(pos, entry["seq"], f"{name} is missing from VERSIONS"))
    return findings


def check_proof(path: Path, leaves: list[bytes]) -> list[Finding]:
    """An inclusion proof from /api/v1/log/proof/<seq>: it must verify, and agree with the
    downloaded log's leaf and root."""
    try:
        proof = json.loads(path.read_bytes())
        leaf, index, size = bytes.fromhex(proof["leaf_hash"]), proof["leaf_index"], proof["tree_size"]
        audit, root = [bytes.fromhex(h) for h in proof["audit_path"]], bytes.fromhex(proof["root"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{path} is not an inclusion proof: {exc}") from exc
    name = f"the proof in {path.name}"
    if not verify_inclusion(leaf, index, size, audit, root):
        return [Finding(None, None, f"{name} does not verify")]
    if size > len(leaves):
        return [Finding(None, None, f"{name} is for a tree of {size} entries; the download has {len(leaves)}")]
    if leaves[index] != leaf or merkle_root(leaves[:size]) != root:
        return [Finding(index, None, f"{name} (leaf {index}) disagrees with the downloaded log")]
    return []


# -- downloading ----------------------------------------------------------------------

def fetch(url: str) -> bytes:
    """GET a URL's body (http or https only)."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise InputError(f"not an http(s) URL: {url}")
    request = urllib.request.Request(url, headers={"User-Agent": "openportfees-verify-download/1"})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.read()
    except OSError as exc:  # URLError and HTTPError are OSErrors
        raise InputError(f"cannot download {url}: {exc}") from exc


def download(base: str) -> tuple[bytes, bytes, dict]:
    """The whole log (every page, merged), the versions up to its last entry, and the
    server's tree head for the same size."""
    base = base.rstrip("/")
    items: list = []
    url: str | None = f"{base}/api/v1/log?limit={PAGE_LIMIT}"
    while url:
        try:
            page = json.loads(fetch(url))
            items.extend(page["items"])
            url = urllib.parse.urljoin(url, page["next"]) if page["next"] else None
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(f"{url} did not answer a page of the log: {exc}") from exc
    through = items[-1].get("seq", 0) if items else 0
    versions = fetch(f"{base}/api/v1/log/versions.jsonl?through={through}")
    try:
        tree = json.loads(fetch(f"{base}/api/v1/log/tree?size={len(items)}"))
    except ValueError as exc:
        raise InputError(f"the tree head is not JSON: {exc}") from exc
    log = json.dumps({"items": items, "next": None}, ensure_ascii=False, indent=1).encode("utf-8")
    return log, versions, tree


# -- the command ----------------------------------------------------------------------

def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("log", nargs="?", type=Path, help="/api/v1/log JSON (all pages) or /api/v1/log.csv")
    parser.add_argument("versions", nargs="?", type=Path, help="/api/v1/log/versions.jsonl")
    parser.add_argument("--url", help="download both from this site first (e.g. https://fees.example.org)")
    parser.add_argument("--save", type=Path, help="with --url: keep the downloads in this directory")
    parser.add_argument("--root", help="the Merkle root you expect (hex), e.g. one recorded earlier")
    parser.add_argument("--size", type=int, help="the tree size --root is for (default: the whole log)")
    parser.add_argument("--proof", type=Path, action="append", default=[],
                        help="an inclusion proof from /api/v1/log/proof/<seq> to check (repeatable)")
    args = parser.parse_args(argv)
    if bool(args.url) == bool(args.log and args.versions):
        parser.error("give LOG and VERSIONS, or --url")
    if args.size is not None and not args.root:
        parser.error("--size goes with --root")
    return args


def load(args: argparse.Namespace) -> tuple[list[dict], list[tuple[int, bytes]], list[Finding]]:
    """The entries, the version lines, and (with --url) findings about the server's tree head."""
    findings = []
    if args.url:
        log_bytes, versions_bytes, tree = download(args.url)
        if args.save:
            args.save.mkdir(parents=True, exist_ok=True)
            (args.save / "log.json").write_bytes(log_bytes)
            (args.save / "versions.jsonl").write_bytes(versions_bytes)
        entries = read_log(log_bytes)
        ours = merkle_root([leaf_hash(entry_bytes(e)) for e in entries]).hex()
        if tree.get("root") != ours:
            findings.append(Finding(None, None, f"the server's Merkle root for {tree.get('size')} entries is "
                                                f"{tree.get('root')}, the downloaded log gives {ours}"))
    else:
        try:
            log_bytes, versions_bytes = args.log.read_bytes(), args.versions.read_bytes()
        except OSError as exc:
            raise InputError(str(exc)) from exc
        entries = read_log(log_bytes)
    return entries, read_versions(versions_bytes), findings


def report(entries: list[dict], lines: list, leaves: list[bytes], findings: list[Finding]) -> int:
    """Print the verdict and the Merkle root; the exit status."""
    root = merkle_root(leaves).hex()
    if findings:
        findings.sort(key=lambda f: (f.position is None, f.position or 0))
        first = findings[0]
        print(f"FAILED at {first.line()}" if first.seq is not None else f"FAILED: {first.line()}", file=sys.stderr)
        for finding in findings[1:]:
            print(f"  also: {finding.line()}", file=sys.stderr)
        print(f"Merkle root of the downloaded log ({len(leaves)} entries): {root}")
        return 1
    head = f"entry {entries[-1]['seq']}, entry_hash {entries[-1]['entry_hash']}" if entries else "empty log"
    print(f"OK: {len(entries)} log entries verify (hash chain and every entry_hash); "
          f"{len(lines)} versions match their content_sha256.")
    print(f"Head: {head}")
    print(f"Merkle root (RFC 6962, {len(leaves)} entries): {root}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Verify; 0 when everything does, 1 when something does not, 2 when input is unreadable."""
    args = parse_args(argv)
    try:
        entries, lines, findings = load(args)
        findings += check_entries(entries) + check_versions(entries, lines)
        leaves = [leaf_hash(entry_bytes(e)) for e in entries]
        if args.root:
            size = len(leaves) if args.size is None else args.size
            if not 0 <= size <= len(leaves):
                findings.append(Finding(None, None, f"--size {size}: the log has {len(leaves)} entries"))
            elif merkle_root(leaves[:size]).hex() != args.root.strip().lower():
                findings.append(Finding(None, None, f"the Merkle root of the first {size} entries is "
                                                    f"{merkle_root(leaves[:size]).hex()}, not {args.root}"))
        for proof in args.proof:
            findings += check_proof(proof, leaves)
    except InputError as exc:
        print(f"Cannot verify: {exc}", file=sys.stderr)
        return 2
    return report(entries, lines, leaves, findings)


if __name__ == "__main__":
    sys.exit(main())
