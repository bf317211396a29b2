"""Attacks on routecare's linkage encodings, run as a keyless attacker would: only the encoded
file, the open-source scheme, and plaintext name lists of the region.

Each attack returns the share of records it re-identifies beside the share a guesser gets
from the attacker's own frequencies (the base rate). Used by `tests/linkage/test_attacks.py`
(which proves each attack works on a weak encoding and fails on the one we ship) and by
`bench/linkage/privacy.py` (every attack beside linkage quality, per design). `designs.py`
(diffusion) and `salting.py` (names salted by the family name) hold designs measured there and
not shipped.
"""
