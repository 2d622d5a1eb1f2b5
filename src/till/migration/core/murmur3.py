"""MurmurHash3 x86_32 in pure Python (Austin Appleby's public-domain algorithm).

Gradual rollouts bucket customers by this hash, as Unleash and other flag
vendors do, so the same customer lands in the same bucket whichever of them
evaluates the flag. Pure Python keeps the core free of native dependencies; a
flag key and a customer id are a few dozen bytes, hashed in microseconds."""

import struct

_C1 = 0xCC9E2D51
_C2 = 0x1B873593
_MASK = 0xFFFFFFFF


def _rotl(value: int, shift: int) -> int:
    return ((value << shift) | (value >> (32 - shift))) & _MASK


def _fmix(h: int) -> int:
    """The finaliser: forces every input bit to affect every output bit."""
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & _MASK
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & _MASK
    return h ^ (h >> 16)


def _scramble(k: int) -> int:
    k = (k * _C1) & _MASK
    k = _rotl(k, 15)
    return (k * _C2) & _MASK


def murmur3_32(data: bytes, seed: int = 0) -> int:
    """The unsigned 32-bit MurmurHash3 (x86_32) of `data` under `seed`."""
    if not 0 <= seed <= _MASK:
        raise ValueError("seed must be an unsigned 32-bit integer")
    h = seed
    whole = len(data) // 4
    # All 4-byte blocks at once, the rotations inlined: this runs on every
    # routed request (about twice as fast as a helper call per block).
    for k in struct.unpack_from(f"<{whole}I", data):
        k = (k * _C1) & _MASK
        k = ((k << 15) | (k >> 17)) & _MASK
        h ^= (k * _C2) & _MASK
        h = ((h << 13) | (h >> 19)) & _MASK
        h = (h * 5 + 0xE6546B64) & _MASK
    tail = data[whole * 4 :]
    if tail:
        h ^= _scramble(int.from_bytes(tail, "little"))
    return _fmix(h ^ len(data))
