"""The benchmark's HTTP side: the two servers, the downloads, the load and the latencies.

Runs in bench/.venv (aiohttp, psutil, Datasette), never imports the app. Servers are
started in a session (process group) of their own and stopped by that group's id, so
gunicorn's workers and Datasette go with them, on success, error or Ctrl-C alike.
Every request goes to 127.0.0.1, and every loop is bounded in time and in count.
"""
from __future__ import annotations

import asyncio
import os
import signal
import socket
import statistics
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import psutil

from bench.measure_stats import latency_summary

HOST = "127.0.0.1"
READY_TIMEOUT = 180.0  # seconds for a server to answer its first request
REQUEST_TIMEOUT = 60.0  # one page; gunicorn's own timeout is 60 s too
DOWNLOAD_TIMEOUT = 1800.0  # one whole export at national scale
RSS_INTERVAL = 0.05  # seconds between memory samples
CHUNK = 1 << 16
MB = 1024 * 1024


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


# -- servers ---------------------------------------------------------------------------

@dataclass
class Server:
    """A server process (and its children) that the benchmark started and will stop."""

    name: str
    command: list[str]
    env: dict
    log_path: Path
    port: int
    ready_path: str
    process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        """The URL every request of this server starts with."""
        return f"http://{HOST}:{self.port}"

    def start(self) -> None:
        """Start it in a process group of its own, its output into its log file."""
        log = open(self.log_path, "wb")
        self.process = subprocess.Popen(self.command, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        log.close()

    def wait_ready(self) -> float:
        """Poll until the ready URL answers 200; seconds it took. Fails if the process dies."""
        started = time.monotonic()
        while time.monotonic() - started < READY_TIMEOUT:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}; see {self.log_path}")
            try:
                with socket.create_connection((HOST, self.port), timeout=1):
                    pass
                status = asyncio.run(_status(self.base + self.ready_path))
                if status == 200:
                    return time.monotonic() - started
            except OSError:
                pass
            time.sleep(0.25)
        raise RuntimeError(f"{self.name} did not answer within {READY_TIMEOUT:.0f} s; see {self.log_path}")

    def stop(self) -> None:
        """SIGTERM to its process group, SIGKILL if it is still there 10 s later."""
        if self.process is None or self.process.poll() is not None:
            return
        group = os.getpgid(self.process.pid)
        os.killpg(group, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(group, signal.SIGKILL)
            self.process.wait(timeout=10)

    def processes(self) -> list[psutil.Process]:
        """The server's process and all of its children (gunicorn's workers)."""
        try:
            main = psutil.Process(self.process.pid)
            return [main, *main.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []


async def _status(url: str) -> int:
    """The status code of one GET."""
    async with aiohttp.ClientSession() as session:
        async with session.get(url, timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)) as response:
            await response.read()
            return response.status


# -- memory ----------------------------------------------------------------------------

class RssSampler:
    """Samples the resident memory of a server's processes every RSS_INTERVAL seconds
    in a thread, while a download runs: the peak of any single process (a gunicorn
    worker serves the whole stream) and the peak of all of them together."""

    def __init__(self, server: Server):
        self.server = server
        self.peak_process = 0
        self.peak_total = 0
        self.baseline_process = 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> tuple[int, int]:
        sizes = []
        for process in self.server.processes():
            try:
                sizes.append(process.memory_info().rss)
            except psutil.NoSuchProcess:
                continue
        return (max(sizes), sum(sizes)) if sizes else (0, 0)

    def _run(self) -> None:
        while not self._stop.is_set():
            biggest, total = self._sample()
            self.peak_process = max(self.peak_process, biggest)
            self.peak_total = max(self.peak_total, total)
            self.samples += 1
            self._stop.wait(RSS_INTERVAL)

    def __enter__(self):
        self.baseline_process = self._sample()[0]
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


# -- downloads -------------------------------------------------------------------------

@dataclass
class Download:
    """One whole export: bytes, lines and seconds."""

    seconds: float
    bytes: int
    lines: int


async def _download(url: str) -> Download:
    """GET the URL and read the body to its end in chunks, as a data user's client does."""
    size = lines = 0
    timeout = aiohttp.ClientTimeout(total=DOWNLOAD_TIMEOUT)
    started = time.perf_counter()
    async with aiohttp.ClientSession(timeout=timeout, auto_decompress=False) as session:
        async with session.get(url) as response:
            if response.status != 200:
                raise RuntimeError(f"GET {url} answered {response.status}")
            async for chunk in response.content.iter_chunked(CHUNK):
                size += len(chunk)
                lines += chunk.count(b"\n")
    return Download(time.perf_counter() - started, size, lines)


def download(url: str) -> Download:
    """A whole download, timed."""
    return asyncio.run(_download(url))


def shell_export(command: list[str]) -> Download:
    """Run an exporting command (the sqlite3 shell) and read its stdout to the end, as
    the HTTP clients read their bodies, so both sides pay for moving the bytes."""
    size = lines = 0
    started = time.perf_counter()
    with subprocess.Popen(command, stdout=subprocess.PIPE) as process:
        while chunk := process.stdout.read(CHUNK):
            size += len(chunk)
            lines += chunk.count(b"\n")
        if process.wait(timeout=DOWNLOAD_TIMEOUT) != 0:
            raise RuntimeError(f"{command[0]} exited with {process.returncode}")
    return Download(time.perf_counter() - started, size, lines)


def best_of(runs: int, measure) -> Download:
    """The fastest of `runs` runs: a throughput ceiling, least disturbed by whatever
    else the shared machine was doing at that moment."""
    return min((measure() for _ in range(runs)), key=lambda d: d.seconds)


# -- requests --------------------------------------------------------------------------

@dataclass
class Load:
    """What a load test saw."""

    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: dict = field(default_factory=dict)

    def summary(self) -> dict:
        """Throughput and latency percentiles (errors are counted, never timed)."""
        done = len(self.latencies)
        found = {"requests": done, "errors": self.errors, "seconds": round(self.seconds, 2),
                 "throughput_rps": round(done / self.seconds, 1) if self.seconds else 0.0}
        if done:
            found.update(latency_summary(self.latencies))
        if self.statuses:
            found["statuses"] = {str(k): v for k, v in sorted(self.statuses.items())}
        return found


async def _timed_get(session: aiohttp.ClientSession, url: str, load: Load) -> None:
    """One GET read to its end; its latency, or an error, recorded in `load`."""
    started = time.perf_counter()
    try:
        async with session.get(url) as response:
            await response.read()
            status = response.status
    except (aiohttp.ClientError, asyncio.TimeoutError):
        load.errors += 1
        return
    if status == 200:
        load.latencies.append(time.perf_counter() - started)
    else:
        load.errors += 1
        load.statuses[status] = load.statuses.get(status, 0) + 1


async def _load(urls: list[str], clients: int, seconds: float, max_requests: int) -> Load:
    """`clients` concurrent clients (keep-alive connections) taking URLs round-robin
    until `seconds` have passed or `max_requests` were sent."""
    load = Load(seconds=0.0)
    sent = 0
    deadline = time.perf_counter() + seconds
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    connector = aiohttp.TCPConnector(limit=clients)

    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        async def client():
            nonlocal sent
            while time.perf_counter() < deadline and sent < max_requests:
                url = urls[sent % len(urls)]
                sent += 1
                await _timed_get(session, url, load)

        started = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(clients)))
        load.seconds = time.perf_counter() - started
    return load


def load_test(urls: list[str], *, clients: int, seconds: float, max_requests: int = 200_000) -> dict:
    """Throughput and latencies of `urls` under `clients` concurrent clients."""
    return asyncio.run(_load(urls, clients, seconds, max_requests)).summary()


def sequential(urls: list[str], *, rounds: int, warmup: int = 1, budget: float = 120.0) -> dict:
    """Latencies of the URLs one request at a time (nothing else in flight), each URL
    `rounds` times after `warmup` rounds, within `budget` seconds. The first warm-up
    round is reported apart (`first_*`): each URL's first request, before any worker
    has it in a cache or jieba's dictionary loaded."""
    first = Load(seconds=0.0)

    async def run() -> Load:
        load = Load(seconds=0.0)
        timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            for n, url in enumerate(urls * warmup):
                await _timed_get(session, url, first if n < len(urls) else Load(seconds=0.0))
            started = time.perf_counter()
            for _ in range(rounds):
                for url in urls:
                    if time.perf_counter() - started > budget:
                        break
                    await _timed_get(session, url, load)
            load.seconds = time.perf_counter() - started
        return load

    found = asyncio.run(run()).summary()
    if first.latencies:
        found["first_p50_ms"] = round(statistics.median(first.latencies) * 1000, 2)
        found["first_max_ms"] = round(max(first.latencies) * 1000, 2)
    return found
