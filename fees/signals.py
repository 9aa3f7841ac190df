"""Signals services send after they commit, for derived data (the search index) to follow.

Receivers must never make a committed publication fail: they log and carry on, and the
derived data catches up from the publication log later.
"""
from blinker import Namespace

_signals = Namespace()

# Sent after a publish or withdraw is committed; keyword `seq` is its log entry's number.
publication_logged = _signals.signal("publication-logged")
