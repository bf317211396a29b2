"""Encoding designs measured beside the shipped one, made from its unflipped filters: a
diffusion layer (Armknecht, Heng & Schnell 2023, "Strengthening privacy-preserving record
linkage using diffusion"): each output bit the XOR of `taps` input bits chosen by a key,
then randomized response over the result."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from bench.linkage.attacks.common import bits_of

from routecare.linkage.encoded import EncodedSet


def _words(bits: np.ndarray) -> np.ndarray:
    packed = np.packbits(bits, axis=1, bitorder="little")
    return np.ascontiguousarray(packed).view("<u8").astype(np.uint64)


def diffused(clean: EncodedSet, taps: int, flips: float, key: int = 7) -> EncodedSet:
    """`clean` (unflipped filters) through a keyed diffusion layer, then `flips` of each
    filter's bits flipped at random."""
    rng = np.random.default_rng(key)
    bloom = {}
    for name, words in clean.bloom.items():
        bits = bits_of(words)
        width = bits.shape[1]
        chosen = rng.integers(0, width, size=(width, taps))
        out = np.bitwise_xor.reduce(bits[:, chosen], axis=2)
        out ^= rng.random(out.shape) < flips
        bloom[name] = _words(out)
    return replace(clean, bloom=bloom, _sizes={})
