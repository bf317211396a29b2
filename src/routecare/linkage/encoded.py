"""Encoded registration files: writing them, and loading them into arrays for comparison."""

from __future__ import annotations

import base64
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from routecare.linkage.encoding import FILTER_BITS, SCHEME, YEAR_WINDOW, Encoder
from routecare.linkage.records import LinkageInputError, Registration

TOKEN_FIELDS = ("sex", "nationality", "nationality_group", "year", "birth_date")


def write_encoded(path: Path, encoder: Encoder, records: list[Registration]) -> None:
    """JSON lines: a header (scheme, secret check value), then one encoding per record.
    Written to a temporary name first, so a failure leaves no partial file behind."""
    temporary = path.with_name(path.name + ".part")
    with temporary.open("w", encoding="utf-8") as handle:
        handle.write(
            json.dumps(
                {"scheme": SCHEME, "key_check": encoder.keys.check_value(), "records": len(records)}
            )
            + "\n"
        )
        for record in records:
            handle.write(json.dumps(encoder.encode(record), separators=(",", ":")) + "\n")
    temporary.replace(path)


@dataclass
class EncodedSet:
    """One side of a linkage, as arrays: Bloom filters, tokens, and a blocking index."""

    ids: list[str]
    key_check: str
    bloom: dict[str, np.ndarray] = field(default_factory=dict)  # (n, bytes) uint8
    has_bloom: dict[str, np.ndarray] = field(default_factory=dict)  # (n,) bool
    tokens: dict[str, np.ndarray] = field(default_factory=dict)  # (n,) object, "" = missing
    year_window: np.ndarray = field(default_factory=lambda: np.empty((0, 0), dtype=object))
    blocks: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    record_blocks: list[list[str]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.ids)


def from_encodings(encodings: list[dict[str, object]], key_check: str) -> EncodedSet:
    n = len(encodings)
    result = EncodedSet(ids=[str(e["id"]) for e in encodings], key_check=key_check)
    for name, bits in FILTER_BITS.items():
        width = bits // 8
        array = np.zeros((n, width), dtype=np.uint8)
        present = np.zeros(n, dtype=bool)
        for row, encoding in enumerate(encodings):
            value = encoding["bloom"].get(name)  # type: ignore[attr-defined]
            if value:
                array[row] = np.frombuffer(base64.b64decode(value), dtype=np.uint8)
                present[row] = True
        result.bloom[name], result.has_bloom[name] = array, present
    for name in TOKEN_FIELDS:
        result.tokens[name] = np.array(
            [str(e["tokens"].get(name, "")) for e in encodings],
            dtype=object,  # type: ignore[attr-defined]
        )
    window = np.full((n, 2 * YEAR_WINDOW + 1), "-", dtype=object)  # "-" never equals a token
    for row, encoding in enumerate(encodings):
        tokens = encoding["tokens"].get("year_window", [])  # type: ignore[attr-defined]
        window[row, : len(tokens)] = tokens
    result.year_window = window
    for row, encoding in enumerate(encodings):
        keys = list(encoding["blocks"])  # type: ignore[call-overload]
        result.record_blocks.append(keys)
        for key in keys:
            result.blocks[key].append(row)
    return result


def read_encoded(path: Path) -> EncodedSet:
    """Load an encoded file, refusing other schemes with an error naming the file."""
    try:
        with path.open(encoding="utf-8") as handle:
            header = json.loads(handle.readline())
            if not isinstance(header, dict) or "scheme" not in header:
                raise LinkageInputError(f"{path.name}: not a routecare encoding file")
            if header["scheme"] != SCHEME:
                raise LinkageInputError(
                    f"{path.name}: encoded with scheme {header['scheme']!r}; this version "
                    f"matches {SCHEME!r} only: re-encode it"
                )
            encodings = [json.loads(line) for line in handle if line.strip()]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise LinkageInputError(
            f"{path.name}: cannot be read as an encoding file: {error}"
        ) from error
    return from_encodings(encodings, str(header.get("key_check", "")))
