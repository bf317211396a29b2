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
    noise = np.random.default_rng()
    bloom = {}
    for field, (name, words) in enumerate(clean.bloom.items()):
        bits = bits_of(words)
        width = bits.shape[1]
        # The taps depend on the key and the field only: both sides diffuse alike.
        chosen = np.random.default_rng([key, field]).integers(0, width, size=(width, taps))
        out = np.bitwise_xor.reduce(bits[:, chosen], axis=2)
        out ^= noise.random(out.shape) < flips
        bloom[name] = _words(out)
    return replace(clean, bloom=bloom, _sizes={})


def diffused_level_table(taps: int, flips: float):
    """A replacement for `comparison._level_table` reading diffused filters: the input Dice
    estimated from the Hamming distance and the bits set (both inverted through the layer and
    the flips), then cut as the scheme cuts Dice. Used by the privacy benchmark only."""

    def inverse(share: np.ndarray) -> np.ndarray:
        """Input share of differing (or set) bits from the output share."""
        noise = 2 * flips * (1 - flips)
        clean = np.clip((share - noise) / (1 - 2 * noise), 0, 0.4999)
        return (1 - (1 - 2 * clean) ** (1 / taps)) / 2

    def table(bits: int, cuts: tuple[float, ...]) -> np.ndarray:
        common = np.arange(bits + 1)[:, None].astype(float)
        sizes = np.arange(2 * bits + 1)[None, :].astype(float)
        hamming = np.clip(sizes - 2 * common, 0, None)
        set_bits = inverse(sizes / 2 / bits) * bits
        apart = inverse(hamming / bits) * bits
        dice = 1 - apart / np.maximum(2 * set_bits, 1)
        levels = sum((dice >= cut).astype(np.int8) for cut in cuts)
        levels[:, 0] = 0
        return np.asarray(levels, dtype=np.int8).ravel()

    return table
