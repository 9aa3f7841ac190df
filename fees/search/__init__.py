"""Full-text search over charging entities and the fee items in effect on any day.

A whoosh index under the instance folder (FEES_SEARCH_DIR to move it), Chinese by jieba
and character bigrams, English by stemmed words; see docs/SEARCH.md. The index is
derived data: `flask search rebuild` makes it, every publish or withdraw updates it
through the `publication_logged` signal, and before each search it catches up with the
publication log (a missing index is built then), so a restart or another host loses
nothing.
"""
from __future__ import annotations

import logging

from flask import current_app, has_app_context
from sqlalchemy.orm import Session

from fees.signals import publication_logged

log = logging.getLogger(__name__)
EXTENSION = "fees_search"
# How long a publish waits for another writer of the index before leaving it to catch-up.
SIGNAL_WAIT = 2.0


def init_app(app) -> None:
    """Turn search on for this app (the signal receiver serves only such apps) and add
    the `flask search …` commands."""
    from fees.search.cli import search_cli

    app.extensions[EXTENSION] = True
    app.cli.add_command(search_cli)


@publication_logged.connect
def _on_publication(sender, seq: int | None = None, **extra) -> None:
    """After a publish or withdraw is committed, bring an existing index up to date.

    It never raises: the publication is committed and must stand whatever happens here;
    an index left behind catches up before the next search. A missing index is left
    missing: the first search builds it whole, which beats 100 small updates when
    `flask demo load` publishes a whole history.
    """
    if not has_app_context() or EXTENSION not in current_app.extensions:
        return
    try:
        from fees.db import db
        from fees.search.index import catch_up, open_index

        ix = open_index()
        if ix is None:
            return
        # A session of its own: the publisher's session and its objects stay untouched.
        with Session(db.engine) as session:
            catch_up(session, ix, wait=SIGNAL_WAIT)
    except Exception:
        log.exception("search index update after log entry %s failed; it will catch up later", seq)

