"""murmur3_32 is MurmurHash3 x86_32 bit for bit: the rollout buckets must match
what Unleash (and any other client hashing the same way) computes, or moving to
another flag vendor would reshuffle who is in the rollout."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from till.migration.core.murmur3 import murmur3_32

# Published MurmurHash3 x86_32 vectors (SMHasher's reference implementation,
# as collected in the widely used table of test vectors).
VECTORS = [
    (b"", 0, 0x00000000),
    (b"", 1, 0x514E28B7),
    (b"", 0xFFFFFFFF, 0x81F16F39),
    (b"\xff\xff\xff\xff", 0, 0x76293B50),
    (b"\x21\x43\x65\x87", 0, 0xF55B516B),
    (b"\x21\x43\x65\x87", 0x5082EDEE, 0x2362F9DE),
    (b"\x21\x43\x65", 0, 0x7E4A8634),
    (b"\x21\x43", 0, 0xA0F7B07A),
    (b"\x21", 0, 0x72661CF4),
    (b"\x00\x00\x00\x00", 0, 0x2362F9DE),
    (b"\x00\x00\x00", 0, 0x85F0B427),
    (b"\x00\x00", 0, 0x30F4C306),
    (b"\x00", 0, 0x514E28B7),
    (b"Hello, world!", 0x9747B28C, 0x24884CBA),
    ("ππππππππ".encode(), 0x9747B28C, 0xD58063C1),
    (b"a" * 256, 0x9747B28C, 0x37405BDC),
    (b"abc", 0, 0xB3DD93FA),
    (b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 0, 0xEE925B90),
    (b"The quick brown fox jumps over the lazy dog", 0x9747B28C, 0x2FA826CD),
    (b"aaaa", 0x9747B28C, 0x5A97808A),
    (b"aaa", 0x9747B28C, 0x283E0130),
    (b"aa", 0x9747B28C, 0x5D211726),
    (b"a", 0x9747B28C, 0x7FA09EA6),
    (b"abcd", 0x9747B28C, 0xF0478627),
    (b"abc", 0x9747B28C, 0xC84A62DD),
    (b"ab", 0x9747B28C, 0x74875592),
]


@pytest.mark.parametrize(("data", "seed", "expected"), VECTORS)
def test_murmur3_32_matches_the_published_vectors(data, seed, expected):
    assert murmur3_32(data, seed) == expected


def test_the_seed_defaults_to_zero():
    assert murmur3_32(b"abc") == 0xB3DD93FA


def test_a_seed_outside_32_bits_is_refused():
    with pytest.raises(ValueError, match="seed"):
        murmur3_32(b"abc", 1 << 32)


@settings(max_examples=25, deadline=None, database=None)
@given(st.binary(max_size=64), st.integers(0, 0xFFFFFFFF))
def test_the_hash_is_an_unsigned_32_bit_value(data, seed):
    assert 0 <= murmur3_32(data, seed) <= 0xFFFFFFFF
