"""fees.merkle: RFC 6962 trees of any size, inclusion and consistency proofs.

Checked three ways: trees small enough to write out by hand, the test vectors of the
Certificate Transparency / transparency-dev implementations, and RFC 6962's own recursive
definitions (written out below) for every size up to 40.
"""
from __future__ import annotations

import base64
import hashlib

import pytest

from fees import merkle
from fees.merkle import leaf_hash, node_hash


def H(data: bytes) -> bytes:
    """SHA-256."""
    return hashlib.sha256(data).digest()


# -- RFC 6962 §2.1, written as the RFC writes it (recursion at the largest power of two) --

def _k(n: int) -> int:
    """The largest power of two smaller than n."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def rfc_mth(hashes: list[bytes]) -> bytes:
    """MTH over leaf hashes."""
    if not hashes:
        return H(b"")
    if len(hashes) == 1:
        return hashes[0]
    k = _k(len(hashes))
    return node_hash(rfc_mth(hashes[:k]), rfc_mth(hashes[k:]))


def rfc_path(m: int, hashes: list[bytes]) -> list[bytes]:
    """PATH(m, D[n])."""
    if len(hashes) == 1:
        return []
    k = _k(len(hashes))
    if m < k:
        return rfc_path(m, hashes[:k]) + [rfc_mth(hashes[k:])]
    return rfc_path(m - k, hashes[k:]) + [rfc_mth(hashes[:k])]


def rfc_subproof(m: int, hashes: list[bytes], b: bool) -> list[bytes]:
    """SUBPROOF(m, D[n], b)."""
    n = len(hashes)
    if m == n:
        return [] if b else [rfc_mth(hashes)]
    k = _k(n)
    if m <= k:
        return rfc_subproof(m, hashes[:k], b) + [rfc_mth(hashes[k:])]
    return rfc_subproof(m - k, hashes[k:], False) + [rfc_mth(hashes[:k])]


def leaves(n: int) -> list[bytes]:
    """n distinct leaf hashes."""
    return [leaf_hash(f"entry {i}".encode()) for i in range(n)]


# -- hand-computed trees ----------------------------------------------------------------

def test_leaf_and_node_hashes_are_domain_separated():
    assert leaf_hash(b"abc") == H(b"\x00abc")
    assert node_hash(b"L", b"R") == H(b"\x01LR")
    assert leaf_hash(b"") != H(b"")


def test_small_trees_by_hand():
    a, b, c, d, e = (leaf_hash(x) for x in (b"a", b"b", b"c", b"d", b"e"))
    assert merkle.root([]) == H(b"") == merkle.EMPTY_ROOT
    assert merkle.root([a]) == a
    assert merkle.root([a, b]) == H(b"\x01" + a + b)
    ab, cd = node_hash(a, b), node_hash(c, d)
    assert merkle.root([a, b, c]) == node_hash(ab, c)  # c is not paired with itself
    assert merkle.root([a, b, c, d]) == node_hash(ab, cd)
    assert merkle.root([a, b, c, d, e]) == node_hash(node_hash(ab, cd), e)
    assert merkle.inclusion_proof([a, b, c], 2) == [ab]
    assert merkle.inclusion_proof([a, b, c], 0) == [b, c]
    assert merkle.inclusion_proof([a, b, c, d, e], 4) == [node_hash(ab, cd)]
    assert merkle.inclusion_proof([a, b, c, d, e], 3) == [c, ab, e]
    assert merkle.consistency_proof([a, b, c], 2) == [c]
    assert merkle.consistency_proof([a, b, c, d, e], 3) == [c, d, ab, e]


# -- published test vectors -------------------------------------------------------------

CT_LEAVES = [bytes.fromhex(h) for h in ("", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                                        "606162636465666768696a6b6c6d6e6f")]
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
CT_PATHS = [  # (0-based leaf index, tree size, audit path)
    (0, 1, []),
    (0, 2, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"]),
    (1, 2, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"]),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
    (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
]
CT_CONSISTENCY = [  # (first, second, proof)
    (1, 1, []),
    (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]
# transparency-dev/merkle compact/range_test.go: leaf i is the two bytes of i, little-endian.
GOLDEN_ROOTS = {10: "VjWMPSYNtCuCNlF/RLnQy6HcwSk6CIipfxm+hettA+4=",
                15: "j4SulYmocFuxdeyp12xXCIgK6PekBcxzAIj4zbQzNEI=",
                16: "c+4Uc6BCMOZf/v3NZK1kqTUJe+bBoFtOhP+P3SayKRE=",
                100: "dUh9hYH88p0CMoHkdr1wC2szbhcLAXOejWpINIooKUY=",
                255: "SmdsuKUqiod3RX2jyF2M6JnbdE4QuTwwipfAowI4/i0="}


def test_rfc6962_hasher_vectors():
    assert merkle.EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert leaf_hash(b"L123456").hex() == "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56"
    assert node_hash(b"N123", b"N456").hex() == "aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb"


def test_roots_of_the_certificate_transparency_vectors():
    hashes = [leaf_hash(x) for x in CT_LEAVES]
    assert [merkle.root(hashes[:n]).hex() for n in range(1, 9)] == CT_ROOTS


@pytest.mark.parametrize("size, expected", GOLDEN_ROOTS.items())
def test_roots_of_larger_odd_sized_trees(size, expected):
    hashes = [leaf_hash(bytes([i & 0xFF, (i >> 8) & 0xFF])) for i in range(size)]
    assert base64.b64encode(merkle.root(hashes)).decode() == expected


@pytest.mark.parametrize("index, size, path", CT_PATHS)
def test_inclusion_proofs_of_the_vectors(index, size, path):
    hashes = [leaf_hash(x) for x in CT_LEAVES[:size]]
    proof = merkle.inclusion_proof(hashes, index)
    assert [p.hex() for p in proof] == path
    assert merkle.verify_inclusion(hashes[index], index, size, proof, bytes.fromhex(CT_ROOTS[size - 1]))


@pytest.mark.parametrize("first, second, proof", CT_CONSISTENCY)
def test_consistency_proofs_of_the_vectors(first, second, proof):
    hashes = [leaf_hash(x) for x in CT_LEAVES[:second]]
    made = merkle.consistency_proof(hashes, first)
    assert [p.hex() for p in made] == proof
    assert merkle.verify_consistency(first, second, bytes.fromhex(CT_ROOTS[first - 1]),
                                     bytes.fromhex(CT_ROOTS[second - 1]), made)


# -- against the RFC's definitions, every size ----------------------------------------

def test_every_size_matches_the_rfc_definitions():
    for n in range(1, 41):
        hashes = leaves(n)
        root = merkle.root(hashes)
        assert root == rfc_mth(hashes), n
        for m in range(n):
            path = merkle.inclusion_proof(hashes, m)
            assert path == rfc_path(m, hashes), (m, n)
            assert merkle.verify_inclusion(hashes[m], m, n, path, root), (m, n)
        for first in range(1, n + 1):
            proof = merkle.consistency_proof(hashes, first)
            assert proof == rfc_subproof(first, hashes, True), (first, n)
            assert merkle.verify_consistency(first, n, merkle.root(hashes[:first]), root, proof), (first, n)


def _corruptions(index: int, size: int, path: list[bytes], root: bytes, leaf: bytes):
    """Every way the transparency-dev tests spoil a proof, as verify_inclusion arguments."""
    yield leaf, index - 1, size, path, root
    yield leaf, index + 1, size, path, root
    yield leaf, index ^ 2, size, path, root
    yield leaf, index, size * 2, path, root
    yield leaf, index, size // 2, path, root
    yield b"WrongLeaf", index, size, path, root
    yield leaf, index, size, path, merkle.EMPTY_ROOT
    yield leaf, index, size, path + [b""], root
    yield leaf, index, size, path + [root], root
    yield leaf, index, size, [root] + path, root
    for i in range(len(path)):
        flipped = list(path)
        flipped[i] = bytes([flipped[i][0] ^ 8]) + flipped[i][1:]
        yield leaf, index, size, flipped, root
    if path:
        yield leaf, index, size, path[:-1], root
    if len(path) > 1:
        yield leaf, index, size, [path[0], H(b"some"), *path[1:]], root


@pytest.mark.parametrize("n", [1, 2, 3, 5, 7, 8, 13])
def test_spoilt_inclusion_proofs_fail(n):
    hashes = leaves(n)
    root = merkle.root(hashes)
    for m in range(n):
        path = merkle.inclusion_proof(hashes, m)
        for args in _corruptions(m, n, path, root, hashes[m]):
            if args[1:3] == (m, n) and args[3] == path and args[0] == hashes[m] and args[4] == root:
                continue  # index ^ 2 can be the index itself in a tiny tree
            assert not merkle.verify_inclusion(*args), (m, n, args[1:3])


def test_spoilt_consistency_proofs_fail():
    hashes = leaves(11)
    for first in range(1, 11):
        old = merkle.root(hashes[:first])
        new = merkle.root(hashes)
        proof = merkle.consistency_proof(hashes, first)
        assert not merkle.verify_consistency(first, 11, old, merkle.root(hashes[:10]), proof)
        assert not merkle.verify_consistency(first, 11, H(b"other"), new, proof)
        assert not merkle.verify_consistency(first, 11, old, new, proof[:-1])
        assert not merkle.verify_consistency(first, 11, old, new, [*proof, new])
        rewritten = [*hashes[:first - 1], leaf_hash(b"rewritten"), *hashes[first:]]
        assert not merkle.verify_consistency(first, 11, old, merkle.root(rewritten),
                                             merkle.consistency_proof(rewritten, first))
    assert merkle.verify_consistency(4, 4, merkle.root(hashes[:4]), merkle.root(hashes[:4]), [])
    assert not merkle.verify_consistency(0, 4, merkle.EMPTY_ROOT, merkle.root(hashes[:4]), [])
    assert not merkle.verify_consistency(5, 4, merkle.root(hashes[:5]), merkle.root(hashes[:4]), [])


def test_proofs_of_what_is_not_in_the_tree_are_refused():
    hashes = leaves(4)
    with pytest.raises(IndexError):
        merkle.inclusion_proof(hashes, 4)
    with pytest.raises(IndexError):
        merkle.inclusion_proof([], 0)
    with pytest.raises(IndexError):
        merkle.consistency_proof(hashes, 0)
    with pytest.raises(IndexError):
        merkle.consistency_proof(hashes, 5)
    assert not merkle.verify_inclusion(hashes[0], 0, 0, [], merkle.EMPTY_ROOT)
    assert not merkle.verify_inclusion(hashes[0], 1, 1, [], hashes[0])
