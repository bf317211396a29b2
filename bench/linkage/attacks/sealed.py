"""What a keyless attacker can take from a sealed file (scheme 3): each record's sealed text.
The attacks run on it as on filters: its bytes after the nonce as bits, its text as a
pseudonym. Deterministic sealing (a fixed nonce) would keep equal records equal and
AES-GCM's keystream would keep bit differences where they were: these views would show it."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np

from routecare.linkage.sealing import NONCE_BYTES

VIEW_BYTES = 64  # the first 512 bits of ciphertext: where the record's id and filters begin


def sealed_texts(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    return [json.loads(line)["sealed"] for line in lines if line.strip()]


def sealed_bits(texts: list[str]) -> np.ndarray:
    """(records, VIEW_BYTES * 8) booleans: each record's ciphertext as the attacker's filter."""
    raw = [base64.b64decode(t)[NONCE_BYTES : NONCE_BYTES + VIEW_BYTES] for t in texts]
    padded = np.frombuffer(b"".join(r.ljust(VIEW_BYTES, b"\0") for r in raw), dtype=np.uint8)
    return np.unpackbits(padded.reshape(len(texts), VIEW_BYTES), axis=1).astype(bool)


def joined_on_sealed_texts(first: list[str], second: list[str]) -> float:
    """Share of the first file's records whose sealed text appears in the second file."""
    seen = set(second)
    return sum(text in seen for text in first) / max(len(first), 1)
