"""Answers remembered until the public data change: an in-process cache keyed on the
data state (fees.services.state).

A comparison or an estimate is a pure function of the published data, the day and its
parameters. The data state moves with every publication, withdrawal and new entity, so
an answer stored under the current state's token can be given again until the next
change, and a stale one can never be served: its token is no longer asked for. Each
process (gunicorn worker) keeps its own, per app (so each test's app starts empty); nothing
needs invalidating across hosts.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import current_app
from sqlalchemy.orm import Session

from fees.services.state import data_state

T = TypeVar("T")
MAX_ENTRIES = 256  # per process: a page of answers each, a few MB at most


class StateCache:
    """A small LRU of answers under (data-state token, namespace, key).

    Bounded by a number of entries and, with `weigh` (an answer's size in some unit),
    by their total weight: the least recently used go first when either is exceeded."""

    def __init__(self, max_entries: int = MAX_ENTRIES, *, max_weight: int | None = None,
                 weigh: Callable[[object], int] | None = None) -> None:
        self.max_entries = max_entries
        self.max_weight, self.weigh = max_weight, weigh
        self._entries: OrderedDict[tuple, object] = OrderedDict()
        self._weights: dict[tuple, int] = {}
        self.weight = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get_or_compute(self, session: Session, namespace: str, key: Hashable, compute: Callable[[], T],
                       keep: Callable[[T], bool] | None = None) -> T:
        """The remembered answer for `key` in the current data state, or compute and keep it
        (unless `keep` says not to, or it alone weighs more than the cache may hold)."""
        full_key = (data_state(session).token, namespace, key)
        with self._lock:
            if full_key in self._entries:
                self._entries.move_to_end(full_key)
                self.hits += 1
                return self._entries[full_key]  # type: ignore[return-value]
            self.misses += 1
        value = compute()  # outside the lock: two threads may compute the same answer once each
        if keep is not None and not keep(value):
            return value
        weight = self.weigh(value) if self.weigh else 0
        if self.max_weight is not None and weight > self.max_weight:
            return value
        with self._lock:
            self._discard(full_key)
            self._entries[full_key], self._weights[full_key] = value, weight
            self.weight += weight
            while len(self._entries) > self.max_entries or (
                    self.max_weight is not None and self.weight > self.max_weight):
                self._discard(next(iter(self._entries)))
        return value

    def _discard(self, full_key: tuple) -> None:
        """Forget one answer (the lock held)."""
        if full_key in self._entries:
            del self._entries[full_key]
            self.weight -= self._weights.pop(full_key)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._weights.clear()
            self.weight = 0


def answers() -> StateCache:
    """This app's cache of answers."""
    return current_app.extensions.setdefault("fees.answers", StateCache())


def remembered(session: Session, namespace: str, key: Hashable, compute: Callable[[], T]) -> T:
    """compute(), or its answer remembered for `key` in the current state of the data.
    The answer must be plain data (or objects no longer tied to the session) that no
    caller changes."""
    return answers().get_or_compute(session, namespace, key, compute)
