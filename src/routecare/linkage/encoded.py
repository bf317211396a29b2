"""Encoded registrations as arrays (what the comparison reads) and as files (what partners
exchange): the layout of scheme `routecare-pprl/3` (scheme 2's encodings, each record sealed:
`linkage/sealing.py`)."""

from __future__ import annotations

import binascii
import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from routecare.linkage.records import LinkageInputError

if TYPE_CHECKING:
    from routecare.linkage.sealing import Seal

SCHEME = "routecare-pprl/3"
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
        """One record's encoding as the file holds it."""
        return next(self.records(row, row + 1))

    def records(self, start: int = 0, stop: int | None = None) -> Iterator[dict[str, object]]:
        """Records' encodings as the file holds them (no absent field written). Each column
        is turned into Python values once, not a record at a time."""
        rows = slice(start, len(self) if stop is None else stop)
        filters = {
            name: [
                binascii.b2a_base64(words, newline=False).decode()
                for words in array[rows].astype("<u8")
            ]
            for name, array in self.bloom.items()
        }
        present = {name: has[rows].tolist() for name, has in self.has_bloom.items()}
        tokens = {name: values[rows].tolist() for name, values in self.tokens.items()}
        windows = self.year_window[rows].tolist()
        starts = self.block_starts[rows.start : rows.stop + 1].tolist()
        keys = self.block_keys[starts[0] : starts[-1]].tolist()
        width = BLOCK_BITS // 4
        for i, row in enumerate(range(rows.start, rows.stop)):
            record_tokens: dict[str, object] = {
                name: f"{values[i]:016x}" for name, values in tokens.items() if values[i]
            }
            if "year" in record_tokens:
                record_tokens["year_window"] = [f"{t:016x}" for t in windows[i]]
            first, last = starts[i] - starts[0], starts[i + 1] - starts[0]
            yield {
                "id": self.ids[row],
                "bloom": {name: text[i] for name, text in filters.items() if present[name][i]},
                "tokens": record_tokens,
                "blocks": [f"{k:0{width}x}" for k in keys[first:last]],
            }


def ranges(firsts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """firsts[i], firsts[i] + 1, … firsts[i] + counts[i] - 1 for each i, concatenated (one
    `np.repeat`: this runs over every candidate pair)."""
    steps = np.repeat(firsts - (np.cumsum(counts) - counts), counts)
    steps += np.arange(steps.size)
    return steps


def _offsets(parts: list[EncodedSet]) -> list[tuple[EncodedSet, int]]:
    """Each part with the number of block keys before it."""
    offsets = np.cumsum([0] + [len(p.block_keys) for p in parts[:-1]])
    return list(zip(parts, offsets.tolist(), strict=True))


def from_encodings(
    encodings: list[dict[str, object]], key_check: str, source: str = "encodings"
) -> EncodedSet:
    """Arrays from records as `EncodedSet.record` writes them. Each filter column is gathered
    as bytes and made an array once (a row at a time was most of reading a file)."""
    ids: list[str] = []
    filters: dict[str, list[bytes]] = {name: [] for name in FILTER_BITS}
    present: dict[str, list[bool]] = {name: [] for name in FILTER_BITS}
    tokens: dict[str, list[int]] = {name: [] for name in TOKEN_FIELDS}
    windows: list[list[int]] = []
    blocks: list[list[int]] = []
    for row, encoding in enumerate(encodings):
        try:
            ids.append(str(encoding["id"]))
            bloom = encoding["bloom"]
            unknown = set(bloom) - FILTER_BITS.keys()  # type: ignore[call-overload]
            if unknown:
                raise ValueError(f"unknown filters {sorted(unknown)}")
            for name, column in filters.items():
                value = bloom.get(name)  # type: ignore[attr-defined]
                column.append(_filter_bytes(value, FILTER_BITS[name]))
                present[name].append(value is not None)
            record_tokens = encoding["tokens"]
            for name, values in tokens.items():
                values.append(_hex(record_tokens.get(name, "0"), 64))  # type: ignore[attr-defined]
            window = [_hex(t, 64) for t in record_tokens.get("year_window", [])[:WINDOW]]  # type: ignore[attr-defined]
            windows.append(window + [0] * (WINDOW - len(window)))
            blocks.append(sorted({_hex(b, BLOCK_BITS) for b in encoding["blocks"]}))  # type: ignore[attr-defined]
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            where = f"{source} record {row + 1}"
            raise LinkageInputError(f"{where}: not a {SCHEME} encoding ({error})") from error
    result = EncodedSet.empty(ids, key_check)
    for name, column in filters.items():
        words = FILTER_BITS[name] // 64
        raw = np.frombuffer(b"".join(column), dtype="<u8").reshape(len(ids), words)
        result.bloom[name] = raw.astype(np.uint64)
        result.has_bloom[name] = np.array(present[name], dtype=bool)
    for name, values in tokens.items():
        result.tokens[name] = np.array(values, dtype=np.uint64)
    result.year_window = np.array(windows, dtype=np.uint64).reshape(len(ids), WINDOW)
    result.set_blocks(blocks)
    return result


def _filter_bytes(value: object, bits: int) -> bytes:
    """A filter as the file holds it (base64), as bytes; all zero where absent."""
    if value is None:
        return bytes(bits // 8)
    raw = binascii.a2b_base64(value, strict_mode=True)  # type: ignore[arg-type]
    if len(raw) != bits // 8:
        raise ValueError(f"a filter has {len(raw) * 8} bits, expected {bits}")
    return raw


def _hex(text: object, bits: int) -> int:
    value = int(text, 16)  # type: ignore[call-overload]
    if not 0 <= value < 2**bits:
        raise ValueError(f"{text!r} is not a {bits}-bit hexadecimal number")
    return value


def write_encoded(path: Path, encoded: EncodedSet, seal: Seal | None) -> None:
    """JSON lines: a header (scheme, secret check value, whether sealed), then one encoding per
    record (its id inside), sealed when `seal` is given. Written to a temporary name first, so a
    failure leaves no partial file."""
    temporary = path.with_name(path.name + ".part")
    with temporary.open("w", encoding="utf-8") as handle:
        header = {
            "scheme": SCHEME,
            "key_check": encoded.key_check,
            "records": len(encoded),
            "sealed": seal is not None,
        }
        handle.write(json.dumps(header) + "\n")
        for record in encoded.records():
            line = {"sealed": seal.seal(record)} if seal is not None else record
            handle.write(json.dumps(line, separators=(",", ":")) + "\n")
    temporary.replace(path)


def read_encoded(path: Path, seal: Seal | None) -> EncodedSet:
    """Load an encoded file, refusing other schemes and other secrets with an error naming
    the file. A sealed file needs the seal of the secret it was written under."""
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
            if seal is not None and header.get("key_check") != seal.key_check:
                raise LinkageInputError(
                    f"{path.name}: encoded with another secret (its key check value differs): "
                    "use the secret agreed with this partner"
                )
            sealed = header.get("sealed") is True
            if sealed and seal is None:
                raise LinkageInputError(
                    f"{path.name}: its encodings are sealed: pass --secret-file with the secret "
                    "it was encoded with"
                )
            encodings = [
                _opened(seal, line, f"{path.name} record {row}")
                if sealed and seal
                else _clear(line, f"{path.name} record {row}")
                for row, line in enumerate(handle, start=1)
                if line.strip()
            ]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise LinkageInputError(
            f"{path.name}: cannot be read as an encoding file: {error}"
        ) from error
    return from_encodings(encodings, str(header.get("key_check", "")), path.name)


def _opened(seal: Seal, line: str, where: str) -> dict[str, object]:
    sealed = json.loads(line)
    if not isinstance(sealed, dict) or not isinstance(sealed.get("sealed"), str):
        raise LinkageInputError(f"{where}: not a sealed {SCHEME} encoding")
    return seal.open(sealed["sealed"], where)


def _clear(line: str, where: str) -> dict[str, object]:
    record = json.loads(line)
    if not isinstance(record, dict):
        raise LinkageInputError(f"{where}: not a {SCHEME} encoding")
    return record
