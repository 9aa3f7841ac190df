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


def test_compound_segments_are_read_in_place():
    """Files inside a compound segment read like files (bytes, lines, pickles, arrays),
    over the mapped bytes rather than a copy of them."""
    import array
    import pickle

    from whoosh.filedb.structfile import BufferFile

    payload = b"first line\nsecond\n" + pickle.dumps({"meta": [1, 2, 3]}, protocol=4) + array.array("i", [7, 8]).tobytes()
    f = BufferFile(memoryview(payload), name="x")
    assert not isinstance(f.file, __import__("io").BytesIO)
    assert f.file.readline() == b"first line\n" and f.file.readline() == b"second\n"
    assert f.read_pickle() == {"meta": [1, 2, 3]}
    numbers = array.array("i")
    numbers.fromfile(f.file, 2)
    assert list(numbers) == [7, 8] and f.read(1) == b""
    f.seek(6)
    assert f.tell() == 6 and f.read(4) == b"line"
    f.seek(-2, 2)
    assert f.read() == payload[-2:]
    assert f.get(0, 5) == b"first"
    f.close()
