"""The fix to whoosh in fees.search.patches: a segment's missing length column is looked
up on disk once, not once per posting, and lengths still read right."""
from __future__ import annotations

import whoosh.index
from whoosh.codec.whoosh3 import W3PerDocReader
from whoosh.fields import ID, TEXT, Schema

from fees.search import index  # noqa: F401  (importing it applies the fix)


def test_a_missing_length_column_is_looked_up_once(tmp_path, monkeypatch):
    ix = whoosh.index.create_in(str(tmp_path), Schema(key=ID(stored=True), body=TEXT()))
    with ix.writer() as writer:
        writer.add_document(key="a", body="one two three")
        writer.add_document(key="b", body="four")
    calls = []
    has_column = W3PerDocReader.has_column
    monkeypatch.setattr(W3PerDocReader, "has_column", lambda self, name: calls.append(name) or has_column(self, name))
    with ix.searcher() as searcher:
        reader = searcher.reader()
        assert [reader.doc_field_length(n, "key") for n in (0, 1, 0, 1)] == [0, 0, 0, 0]  # ID: no lengths
        assert [reader.doc_field_length(n, "body") for n in (0, 1, 0)] == [3, 1, 3]
    assert sorted(calls) == ["_body_len", "_key_len"]  # once per field, however many postings
