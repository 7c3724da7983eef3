"""Keyed digests differ by key and by purpose."""

from __future__ import annotations

from domain.digests import keyed_digest, same_digest


def test_digests_depend_on_key_purpose_and_value() -> None:
    a = keyed_digest(b"k1", "code", "123456")
    assert len(a) == 32
    assert same_digest(a, keyed_digest(b"k1", "code", "123456"))
    assert not same_digest(a, keyed_digest(b"k2", "code", "123456"))
    assert not same_digest(a, keyed_digest(b"k1", "bank_account", "123456"))
    assert not same_digest(a, keyed_digest(b"k1", "code", "123457"))
