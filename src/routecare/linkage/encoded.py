"""Encoded registrations as arrays (what the comparison reads) and as files (what partners
exchange): the layout of scheme `routecare-pprl/2`."""

from __future__ import annotations

import base64
import itertools
import json
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
BLOCK_BITS = 48  # blocking keys: the first 48 bits of a keyed token, written as 12 hex digits
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
    # Blocking keys (BLOCK_BITS-bit keyed hashes), record after record, each record's ascending:
    # record i's are block_keys[block_starts[i]:block_starts[i + 1]].
    block_keys: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    block_starts: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.int64))
    _sizes: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    _index: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)

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
        """Sets encoded separately under one key, as one set in their order."""
        if len(parts) == 1:
            return parts[0]
        result = cls(
            ids=[i for part in parts for i in part.ids],
            key_check=parts[0].key_check,
            bloom={f: np.concatenate([p.bloom[f] for p in parts]) for f in FILTER_BITS},
            has_bloom={f: np.concatenate([p.has_bloom[f] for p in parts]) for f in FILTER_BITS},
            tokens={f: np.concatenate([p.tokens[f] for p in parts]) for f in TOKEN_FIELDS},
            year_window=np.concatenate([p.year_window for p in parts]),
            block_keys=np.concatenate([p.block_keys for p in parts]),
            block_starts=np.concatenate(
                [[0]] + [p.block_starts[1:] + offset for p, offset in _offsets(parts)]
            ).astype(np.int64),
        )
        return result

    def set_blocks(self, blocks: list[list[int]]) -> None:
        """Each record's blocking keys, ascending."""
        self.block_keys = np.fromiter(itertools.chain.from_iterable(blocks), np.int64)
        self.block_starts = np.concatenate(([0], np.cumsum([len(b) for b in blocks]))).astype(
            np.int64
        )
        self._index = None

    def sizes(self, name: str) -> np.ndarray:
        """Set bits of each record's filter, counted once: Dice needs them for every pair."""
        found = self._sizes.get(name)
        if found is None:
            found = np.bitwise_count(self.bloom[name]).sum(axis=1, dtype=np.int32)
            self._sizes[name] = found
        return found

    def block_rows(self) -> np.ndarray:
        """The record of each entry of block_keys."""
        return np.repeat(np.arange(len(self.ids), dtype=np.int64), np.diff(self.block_starts))

    def _sorted_blocks(self) -> tuple[np.ndarray, np.ndarray]:
        """Keys ascending with their records, records ascending within a key: the block
        index, made once (the set does not change once made)."""
        if self._index is None:
            order = np.argsort(self.block_keys, kind="stable")
            self._index = (self.block_keys[order], self.block_rows()[order])
        return self._index

    def blocks_of(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Where each key's records start and stop in `rows_by_block()`."""
        sorted_keys, _ = self._sorted_blocks()
        return (
            np.searchsorted(sorted_keys, keys, side="left"),
            np.searchsorted(sorted_keys, keys, side="right"),
        )

    def rows_by_block(self) -> np.ndarray:
        return self._sorted_blocks()[1]

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
            "blocks": [
                f"{k:0{BLOCK_BITS // 4}x}"
                for k in self.block_keys[self.block_starts[row] : self.block_starts[row + 1]]
            ],
        }


def positions(counts: np.ndarray) -> np.ndarray:
    """0, 1, … counts[i] - 1 for each i, concatenated: the place of each element within its
    group, for groups of `counts` elements laid end to end."""
    return np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)


def _offsets(parts: list[EncodedSet]) -> list[tuple[EncodedSet, int]]:
    """Each part with the number of block keys before it."""
    offsets = np.cumsum([0] + [len(p.block_keys) for p in parts[:-1]])
    return list(zip(parts, offsets.tolist(), strict=True))


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
    blocks: list[list[int]] = []
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
            keys = sorted({int(b, 16) for b in encoding["blocks"]})  # type: ignore[attr-defined]
            if keys and not 0 <= keys[0] <= keys[-1] < 2**BLOCK_BITS:
                raise ValueError("a blocking key is not a 48-bit hexadecimal number")
            blocks.append(keys)
        except (KeyError, TypeError, ValueError) as error:
            raise LinkageInputError(f"{where}: not a {SCHEME} encoding ({error})") from error
    result.set_blocks(blocks)
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
