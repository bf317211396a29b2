"""Encoded registrations as arrays (what the comparison reads) and as files (what partners
exchange): the layout of scheme `routecare-pprl/2`."""

from __future__ import annotations

import base64
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from routecare.linkage.records import LinkageInputError

SCHEME = "routecare-pprl/2"
FIELD_BITS = {
    "given": 256,
    "father": 256,
    "family": 256,
    "all_names": 512,  # given, father and family names as one order-free set
    "mother": 256,
    "birth_place": 256,
}
FILTER_BITS = {
    **{f"{f}_{form}": b for f, b in FIELD_BITS.items() for form in ("latin", "skeleton")},
    "document": 256,
}
TOKEN_FIELDS = ("sex", "nationality", "nationality_group", "year", "birth_date")
YEAR_WINDOW = 2  # estimated ages are rarely more than two years off
WINDOW = 2 * YEAR_WINDOW + 1


@dataclass
class EncodedSet:
    """One side of a linkage: Bloom filters as uint64 words, keyed tokens, blocking keys."""

    ids: list[str]
    key_check: str = ""
    bloom: dict[str, np.ndarray] = field(default_factory=dict)  # (n, words) uint64
    has_bloom: dict[str, np.ndarray] = field(default_factory=dict)  # (n,) bool
    tokens: dict[str, np.ndarray] = field(default_factory=dict)  # (n,) uint64, 0 = missing
    year_window: np.ndarray = field(default_factory=lambda: np.zeros((0, WINDOW), dtype=np.uint64))
    record_blocks: list[list[str]] = field(default_factory=list)
    blocks: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    _sizes: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def empty(cls, ids: list[str], key_check: str = "") -> EncodedSet:
        n = len(ids)
        return cls(
            ids=ids,
            key_check=key_check,
            bloom={f: np.zeros((n, b // 64), dtype=np.uint64) for f, b in FILTER_BITS.items()},
            has_bloom={f: np.zeros(n, dtype=bool) for f in FILTER_BITS},
            tokens={f: np.zeros(n, dtype=np.uint64) for f in TOKEN_FIELDS},
            year_window=np.zeros((n, WINDOW), dtype=np.uint64),
        )

    @classmethod
    def concatenate(cls, parts: list[EncodedSet]) -> EncodedSet:
        """Sets encoded separately under one key, as one set in their order, blocks indexed."""
        if len(parts) == 1:
            parts[0].index_blocks()
            return parts[0]
        result = cls(
            ids=[i for part in parts for i in part.ids],
            key_check=parts[0].key_check,
            bloom={f: np.concatenate([p.bloom[f] for p in parts]) for f in FILTER_BITS},
            has_bloom={f: np.concatenate([p.has_bloom[f] for p in parts]) for f in FILTER_BITS},
            tokens={f: np.concatenate([p.tokens[f] for p in parts]) for f in TOKEN_FIELDS},
            year_window=np.concatenate([p.year_window for p in parts]),
            record_blocks=[keys for part in parts for keys in part.record_blocks],
        )
        result.index_blocks()
        return result

    def sizes(self, name: str) -> np.ndarray:
        """Set bits of each record's filter, counted once: Dice needs them for every pair."""
        found = self._sizes.get(name)
        if found is None:
            found = np.bitwise_count(self.bloom[name]).sum(axis=1, dtype=np.int32)
            self._sizes[name] = found
        return found

    def index_blocks(self) -> None:
        self.blocks = defaultdict(list)
        for row, keys in enumerate(self.record_blocks):
            for key in keys:
                self.blocks[key].append(row)

    def record(self, row: int) -> dict[str, object]:
        """One record's encoding as the file holds it (no absent field written)."""

        def text(words: np.ndarray) -> str:
            return base64.b64encode(words.astype("<u8").tobytes()).decode()

        tokens: dict[str, object] = {
            f: f"{self.tokens[f][row]:016x}" for f in TOKEN_FIELDS if self.tokens[f][row]
        }
        if "year" in tokens:
            tokens["year_window"] = [f"{t:016x}" for t in self.year_window[row]]
        return {
            "id": self.ids[row],
            "bloom": {f: text(a[row]) for f, a in self.bloom.items() if self.has_bloom[f][row]},
            "tokens": tokens,
            "blocks": self.record_blocks[row],
        }


def _words(value: str, width: int, where: str) -> np.ndarray:
    raw = base64.b64decode(value, validate=True)
    if len(raw) != width * 8:
        raise LinkageInputError(f"{where}: a filter has {len(raw) * 8} bits, expected {width * 64}")
    return np.frombuffer(raw, dtype="<u8")


def from_encodings(
    encodings: list[dict[str, object]], key_check: str, source: str = "encodings"
) -> EncodedSet:
    """Arrays from records as `EncodedSet.record` writes them."""
    result = EncodedSet.empty([str(e["id"]) for e in encodings], key_check)
    for row, encoding in enumerate(encodings):
        where = f"{source} record {row + 1}"
        try:
            for name, value in encoding["bloom"].items():  # type: ignore[attr-defined]
                result.bloom[name][row] = _words(value, FILTER_BITS[name] // 64, where)
                result.has_bloom[name][row] = True
            tokens = encoding["tokens"]
            for name in TOKEN_FIELDS:
                result.tokens[name][row] = int(tokens.get(name, "0"), 16)  # type: ignore[attr-defined]
            window = tokens.get("year_window", [])  # type: ignore[attr-defined]
            result.year_window[row, : len(window)] = [int(t, 16) for t in window[:WINDOW]]
            result.record_blocks.append([str(b) for b in encoding["blocks"]])  # type: ignore[attr-defined]
        except (KeyError, TypeError, ValueError) as error:
            raise LinkageInputError(f"{where}: not a {SCHEME} encoding ({error})") from error
    result.index_blocks()
    return result


def write_encoded(path: Path, encoded: EncodedSet) -> None:
    """JSON lines: a header (scheme, secret check value), then one encoding per record.
    Written to a temporary name first, so a failure leaves no partial file behind."""
    temporary = path.with_name(path.name + ".part")
    with temporary.open("w", encoding="utf-8") as handle:
        header = {"scheme": SCHEME, "key_check": encoded.key_check, "records": len(encoded)}
        handle.write(json.dumps(header) + "\n")
        for row in range(len(encoded)):
            handle.write(json.dumps(encoded.record(row), separators=(",", ":")) + "\n")
    temporary.replace(path)


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
    return from_encodings(encodings, str(header.get("key_check", "")), path.name)
