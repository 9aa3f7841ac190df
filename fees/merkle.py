"""A Merkle tree over the publication log, exactly as RFC 6962 §2.1 (= RFC 9162 §2.1) defines it.

Pure functions over bytes, no app imports, so they can be tested (and copied) alone.

- leaf hash: SHA-256(0x00 || leaf data); interior node: SHA-256(0x01 || left || right);
  the 0x00/0x01 prefixes keep a leaf from ever being passed off as a node;
- the tree of n leaves splits at the largest power of two below n, so any size works
  (not only powers of two) and appending leaves never changes the older subtrees;
- the empty tree's root is SHA-256 of nothing.

In this project each leaf's data is the **canonical bytes of one log entry**
(fees.canonical.canonical_bytes(entry_content(...)): the very bytes whose SHA-256 is the
entry's `entry_hash`), leaves in `seq` order, so leaf index = seq - 1. Using the entry
itself as the leaf, as Certificate Transparency does, means a proof speaks about the
entry's fields, not about a hash string whose encoding (hex or raw) could be argued.
docs/PUBLICATION_LOG.md says the same for outsiders.

scripts/verify_download.py carries its own copy of leaf_hash, node_hash, root and
verify_inclusion because it must run with the standard library alone; tests check that
the two agree.
"""
from __future__ import annotations

import hashlib
from collections.abc import Sequence

LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    """The hash of one leaf: SHA-256(0x00 || data)."""
    return hashlib.sha256(LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """The hash of an interior node: SHA-256(0x01 || left || right)."""
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def _levels(leaf_hashes: Sequence[bytes]) -> list[list[bytes]]:
    """Every level of the tree, leaves first, root level last.

    Nodes pair up from the left; a level's odd last node moves up unchanged. That is
    the same tree as RFC 6962's split at the largest power of two, built bottom-up in
    O(n) without recursion.
    """
    levels = [list(leaf_hashes)]
    while len(levels[-1]) > 1:
        below = levels[-1]
        above = [node_hash(below[i], below[i + 1]) for i in range(0, len(below) - 1, 2)]
        if len(below) % 2:
            above.append(below[-1])
        levels.append(above)
    return levels


def root(leaf_hashes: Sequence[bytes]) -> bytes:
    """The Merkle tree hash (MTH) of the leaves given by their leaf hashes."""
    if not leaf_hashes:
        return EMPTY_ROOT
    return _levels(leaf_hashes)[-1][0]


def inclusion_proof(leaf_hashes: Sequence[bytes], index: int) -> list[bytes]:
    """The audit path of leaf `index` in the tree of these leaves (RFC 6962 PATH), leaf
    side first. A level where the node has no sibling (it moves up alone) adds nothing."""
    if not 0 <= index < len(leaf_hashes):
        raise IndexError(f"leaf {index} is not in a tree of {len(leaf_hashes)} leaves")
    path = []
    for level in _levels(leaf_hashes)[:-1]:
        sibling = index ^ 1
        if sibling < len(level):
            path.append(level[sibling])
        index //= 2
    return path


def verify_inclusion(leaf: bytes, index: int, size: int, path: Sequence[bytes], expected_root: bytes) -> bool:
    """Does `path` prove that the leaf hash `leaf` is leaf `index` of the tree of `size`
    leaves whose root is `expected_root`? (RFC 9162 §2.1.3.2, step by step.)"""
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False  # more path than tree
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                # The node was the last of its level and moved up alone: skip those levels.
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == expected_root


def _largest_power_of_two_below(n: int) -> int:
    """k of RFC 6962: the largest power of two smaller than n (n ≥ 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def _subproof(m: int, hashes: Sequence[bytes], complete: bool) -> list[bytes]:
    """RFC 6962 §2.1.2 SUBPROOF(m, D[n], b), over leaf hashes."""
    n = len(hashes)
    if m == n:
        return [] if complete else [root(hashes)]
    k = _largest_power_of_two_below(n)
    if m <= k:
        return _subproof(m, hashes[:k], complete) + [root(hashes[k:])]
    return _subproof(m - k, hashes[k:], False) + [root(hashes[:k])]


def consistency_proof(leaf_hashes: Sequence[bytes], first: int) -> list[bytes]:
    """Proof that the tree of the first `first` leaves is a prefix of the tree of all of
    them: nothing logged before was changed or removed (RFC 6962 §2.1.2 PROOF)."""
    if not 0 < first <= len(leaf_hashes):
        raise IndexError(f"a tree of {first} leaves is not a prefix of one of {len(leaf_hashes)}")
    return _subproof(first, leaf_hashes, True)


def verify_consistency(first: int, second: int, first_root: bytes, second_root: bytes,
                       proof: Sequence[bytes]) -> bool:
    """Does `proof` show that the tree of `first` leaves with `first_root` is a prefix of
    the tree of `second` leaves with `second_root`? (RFC 9162 §2.1.4.2.)"""
    if not 0 < first <= second:
        return False
    if first == second:
        return not proof and first_root == second_root
    path = list(proof)
    if not path:
        return False
    if first & (first - 1) == 0:  # a power of two: the old root is itself a node of the new tree
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == first_root and sr == second_root
