"""The bulk files: every data set as CSV, datapackage.json, and dataset.zip holding them all.

Built once per state of the public data (fees.services.state), not per request, into the
instance folder (`OPENDATA_DIR`, default `instance/opendata/`):

    opendata/
      latest                  the id of the build being served (replaced atomically)
      .lock                   held while building (a file lock: shared by gunicorn workers)
      failed.json             the last failed attempt, so a broken build is not retried per request
      <token>-<time>-<rand>/  one build: <data set>.csv …, datapackage.json, README.md,
                              dataset.zip, manifest.json (row counts, bytes, SHA-256 of each file)

Why it works this way:

- A build writes into a temporary folder and is published by renaming it and then
  replacing `latest`, so a reader never sees half a build.
- The first request after a publication builds (and waits, a second or so for the demo
  data); requests meanwhile get the previous build at once rather than queueing behind
  the lock. `flask opendata build` does the same from cron or a deploy script.
- A failed build is logged and the last good build keeps being served; the failing state
  is retried after `OPENDATA_RETRY_SECONDS` (60 by default).
- The rows are read in one snapshot where the database offers it (PostgreSQL REPEATABLE
  READ); elsewhere the data state is read again after writing, and the build is redone
  if a publication slipped in, so a build never claims a state it does not contain.
- Memory stays flat: rows stream from opendata.tables through the one CSV writer into
  the file, and are hashed as they are written; the zip is filled from the files in chunks.
- Publishing never waits for this: nothing here runs inside a publication.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets
import shutil
import threading
import time
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from sqlalchemy.orm import Session

from opendata.csvout import csv_lines
from opendata.package import PackageMeta, csv_name, data_dictionary, package_descriptor, package_version, utc_iso
from opendata.schema import RESOURCES, Resource
from fees.services.state import DataState, data_state
from opendata.tables import csv_row, iter_records

try:  # POSIX: a lock every worker process sees
    import fcntl
except ImportError:  # pragma: no cover - Windows runs the embedded mode in one process
    fcntl = None

log = logging.getLogger(__name__)

DESCRIPTOR = "datapackage.json"
ZIP = "dataset.zip"
README = "README.md"
MANIFEST = "manifest.json"
LATEST = "latest"
FAILED = "failed.json"
LOCK = ".lock"
TMP_PREFIX = ".tmp-"
STALE_TMP_SECONDS = 3600
ATTEMPTS = 3  # a build redone because the data moved while it was written (SQLite)
CHUNK = 1 << 16

_process_lock = threading.Lock()  # the file lock's stand-in where there is no fcntl


class BuildUnavailable(RuntimeError):
    """No build can be served: the first one failed (the error is logged)."""


@dataclass(frozen=True)
class Build:
    """One finished build on disk, described by its manifest."""

    path: Path
    manifest: dict

    @property
    def id(self) -> str:
        return self.path.name

    @property
    def token(self) -> str:
        return self.manifest["token"]

    @property
    def version(self) -> str:
        return self.manifest["version"]

    @property
    def created(self) -> datetime:
        return _parse_utc(self.manifest["created"])

    @property
    def last_modified(self) -> datetime:
        """When the data it holds last changed (HTTP Last-Modified)."""
        return _parse_utc(self.manifest["last_modified"])

    @property
    def files(self) -> dict[str, dict]:
        """Per data set: file, rows, bytes, sha256, dates (first and last date in it)."""
        return self.manifest["files"]

    def file(self, name: str) -> Path:
        """The path of one of its files (a CSV name, datapackage.json, dataset.zip)."""
        return self.path / name

    def sha256(self, name: str) -> str:
        """SHA-256 of one of its files, as recorded while it was written."""
        for entry in [*self.files.values(), self.manifest["descriptor"], self.manifest["zip"]]:
            if entry["file"] == name:
                return entry["sha256"]
        raise KeyError(name)


def _parse_utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


# -- writing one build -------------------------------------------------------------------

class _Hashed:
    """A binary file that counts and hashes what goes through it."""

    def __init__(self, path: Path):
        self.file = open(path, "wb")
        self.hash = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> None:
        self.file.write(data)
        self.hash.update(data)
        self.size += len(data)

    def close(self) -> dict:
        self.file.close()
        return {"bytes": self.size, "sha256": self.hash.hexdigest()}


def write_csv(connection, resource: Resource, path: Path) -> dict:
    """Stream one data set into `path`: its rows, bytes, SHA-256 and date range."""
    dates = [f.name for f in resource.fields if f.type == "date"]
    stats = {"rows": 0, "first": None, "last": None}

    def rows():
        for record in iter_records(connection, resource):
            stats["rows"] += 1
            for name in dates:
                value = record[name]
                if value is not None:
                    stats["first"] = min(stats["first"] or value, value)
                    stats["last"] = max(stats["last"] or value, value)
            yield csv_row(resource, record)

    out = _Hashed(path)
    try:
        for text in csv_lines(resource.field_names, rows()):  # no BOM: see docs/OPEN_DATA.md
            out.write(text.encode("utf-8"))
    finally:
        written = out.close()
    dates_seen = [stats["first"], stats["last"]] if stats["first"] else None
    return {"file": path.name, "rows": stats["rows"], **written, "dates": dates_seen}


def _write_bytes(path: Path, data: bytes) -> dict:
    path.write_bytes(data)
    return {"file": path.name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def write_zip(folder: Path, names: list[str], created: datetime) -> dict:
    """dataset.zip (deflated) of these files of `folder`, copied in chunks."""
    path = folder / ZIP
    stamp = created.astimezone(timezone.utc).timetuple()[:6]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            source = folder / name
            with open(source, "rb") as src, archive.open(info, "w", force_zip64=source.stat().st_size > 2**31) as dst:
                shutil.copyfileobj(src, dst, CHUNK)
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return {"file": ZIP, "bytes": size, "sha256": digest.hexdigest()}


def write_build(connection, state: DataState, meta: PackageMeta, folder: Path, *,
                created: datetime | None = None) -> dict:
    """Write every file of one build into `folder`; return its manifest."""
    created = (created or datetime.now(timezone.utc)).replace(microsecond=0)
    files = {r.name: write_csv(connection, r, folder / csv_name(r)) for r in RESOURCES}
    descriptor = package_descriptor(meta, log_seq=state.log_seq, created=created, files=files)
    descriptor_entry = _write_bytes(folder / DESCRIPTOR, _json_bytes(descriptor))
    _write_bytes(folder / README, data_dictionary().encode("utf-8"))
    zipped = write_zip(folder, [DESCRIPTOR, README, *(csv_name(r) for r in RESOURCES)], created)
    manifest = {
        "token": state.token,
        "log_seq": state.log_seq,
        "version": package_version(state.log_seq),
        "created": utc_iso(created),
        "last_modified": utc_iso(state.last_modified),
        "base_url": meta.base_url,
        "files": files,
        "descriptor": descriptor_entry,
        "zip": zipped,
    }
    (folder / MANIFEST).write_bytes(_json_bytes(manifest))
    return manifest


def _json_bytes(obj: dict) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, indent=2, default=_json_default) + "\n").encode("utf-8")


def _json_default(value):
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value))


# -- the store of builds ------------------------------------------------------------------

class BulkStore:
    """The builds under one folder: which one is served, making a new one, pruning."""

    def __init__(self, root: Path, engine, meta: PackageMeta, *, retry_seconds: float = 60):
        self.root = Path(root)
        self.engine = engine
        self.meta = meta
        self.retry_seconds = retry_seconds

    # reading

    def latest(self) -> Build | None:
        """The build being served, if any."""
        try:
            build_id = (self.root / LATEST).read_text(encoding="utf-8").strip()
            path = self.root / build_id
            manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return Build(path, manifest)

    def current(self, token: str) -> Build:
        """The build of the data state `token`, building it if needed.

        While another process builds, the previous build is returned at once; a failed
        build is logged and the previous one is returned (BuildUnavailable if none).
        """
        latest = self.latest()
        if latest is not None and latest.token == token:
            return latest
        if self._failed_recently(token):  # not again at every request: see the module docstring
            if latest is None:
                raise BuildUnavailable("the open data build failed; it is retried shortly")
            return latest
        with self._lock(wait=latest is None) as held:
            if not held:
                return latest  # someone else is building: serve the last good one meanwhile
            again = self.latest()
            if again is not None and again.token == token:
                return again
            try:
                return self._build()
            except Exception:
                log.exception("open data build failed; serving the previous build")
                self._record_failure(token)
                fallback = self.latest()
                if fallback is None:
                    raise BuildUnavailable("no open data build is available") from None
                return fallback

    def rebuild(self) -> Build:
        """Build now, whatever exists (`flask opendata build --force`); errors propagate."""
        with self._lock(wait=True):
            return self._build()

    # building

    def _build(self) -> Build:
        """Write a build to a temporary folder, then publish it and prune old ones."""
        self.root.mkdir(parents=True, exist_ok=True)
        for _ in range(ATTEMPTS):
            tmp = self.root / f"{TMP_PREFIX}{secrets.token_hex(6)}"
            tmp.mkdir()
            try:
                manifest, moved = self._write_snapshot(tmp)
                if moved:
                    continue
                stamp = manifest["created"][:19].replace(":", "").replace("-", "")
                build_id = f"{manifest['token']}-{stamp}-{secrets.token_hex(3)}"
                final = self.root / build_id
                os.rename(tmp, final)
                self._point_to(build_id)
                self._clear_failure()
                self._prune(keep={build_id})
                return Build(final, manifest)
            finally:
                if tmp.exists():
                    shutil.rmtree(tmp, ignore_errors=True)
        raise RuntimeError("the public data kept changing while the bulk files were written")

    def _write_snapshot(self, folder: Path) -> tuple[dict, bool]:
        """Write a build from one reading of the data; True if the data moved meanwhile."""
        options = {"isolation_level": "REPEATABLE READ"} if self.engine.dialect.name == "postgresql" else {}
        with self.engine.connect().execution_options(**options) as connection:
            with Session(bind=connection) as session:
                state = data_state(session)
                manifest = write_build(connection, state, self.meta, folder)
                after = data_state(session)
            connection.rollback()
        return manifest, after.token != state.token

    def _point_to(self, build_id: str) -> None:
        """Serve `build_id` from now on (an atomic replace of the pointer file)."""
        tmp = self.root / f"{TMP_PREFIX}{LATEST}-{secrets.token_hex(4)}"
        tmp.write_text(build_id + "\n", encoding="utf-8")
        os.replace(tmp, self.root / LATEST)

    def _prune(self, keep: set[str]) -> None:
        """Remove old builds: keep the one served and the one before it (in-flight downloads)."""
        builds = sorted((p for p in self.root.iterdir() if p.is_dir() and not p.name.startswith(".")),
                        key=lambda p: p.stat().st_mtime, reverse=True)
        keep = keep | set([p.name for p in builds if p.name not in keep][:1])
        now = time.time()
        for path in self.root.iterdir():
            if path.is_dir() and path.name not in keep:
                if path.name.startswith(TMP_PREFIX) and now - path.stat().st_mtime < STALE_TMP_SECONDS:
                    continue  # maybe another process's build in progress (no lock on Windows)
                if path.name.startswith(".") and not path.name.startswith(TMP_PREFIX):
                    continue
                shutil.rmtree(path, ignore_errors=True)

    # failures

    def _record_failure(self, token: str) -> None:
        try:
            (self.root / FAILED).write_text(json.dumps({"token": token, "at": time.time()}), encoding="utf-8")
        except OSError:
            log.exception("cannot record the failed open data build")

    def _failed_recently(self, token: str) -> bool:
        try:
            failed = json.loads((self.root / FAILED).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        return failed.get("token") == token and time.time() - failed.get("at", 0) < self.retry_seconds

    def _clear_failure(self) -> None:
        (self.root / FAILED).unlink(missing_ok=True)

    # locking

    @contextmanager
    def _lock(self, *, wait: bool):
        """Hold the build lock; yields False (without waiting) when taken and `wait` is off."""
        self.root.mkdir(parents=True, exist_ok=True)
        if not _process_lock.acquire(blocking=wait):
            yield False
            return
        try:
            if fcntl is None:
                yield True
                return
            with open(self.root / LOCK, "a+b") as handle:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
                except BlockingIOError:
                    yield False
                    return
                try:
                    yield True
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)
        finally:
            _process_lock.release()


def store_for(app, base_url: str = "") -> BulkStore:
    """The app's store: OPENDATA_DIR (default <instance>/opendata), its database, its meta.

    `base_url` is the site's address for the descriptor (OPENDATA_BASE_URL wins when set);
    without either, the built descriptor leaves out the site's own URLs.
    """
    from fees.db import db

    root = app.config.get("OPENDATA_DIR") or os.path.join(app.instance_path, "opendata")
    meta = PackageMeta.from_config(app.config, app.config.get("OPENDATA_BASE_URL") or base_url)
    return BulkStore(Path(root), db.engine, meta, retry_seconds=float(app.config.get("OPENDATA_RETRY_SECONDS", 60)))
