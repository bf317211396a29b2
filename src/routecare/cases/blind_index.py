"""Keyed blind index over children's names, so cases can be searched without storing a name.

Each name word becomes two tokens: the word normalised (transliterated to Latin with anyascii,
lower-cased, letters only) and a phonetic skeleton (metaphone without vowels, h, w, y), so
"Abdoulaye", "Abdulaye" and the Arabic "عبدولاي" share a token. Only HMAC-SHA256(index key,
kind:token) is stored, truncated to 128 bits; the index key lives in the keyring, outside the
database, and plaintext tokens exist only in memory.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable

import jellyfish
from anyascii import anyascii

NOT_LETTERS = re.compile(r"[^a-z]+")
SILENT_IN_SKELETON = re.compile(r"[AEIOUHWY]")
MIN_WORD_LENGTH = 2


def words_of(text: str) -> list[str]:
    """Latin, lower-case, letters-only words of a name in any script."""
    return [w for w in NOT_LETTERS.split(anyascii(text).lower()) if len(w) >= MIN_WORD_LENGTH]


def _skeleton(word: str) -> str:
    return SILENT_IN_SKELETON.sub("", jellyfish.metaphone(word))


def _digest(index_key: bytes, kind: str, token: str) -> str:
    mac = hmac.new(index_key, f"{kind}:{token}".encode(), hashlib.sha256)
    return mac.hexdigest()[:32]


def word_tokens(index_key: bytes, word: str) -> set[str]:
    """The tokens of one normalised word; a search word matches if any of them is stored."""
    tokens = {_digest(index_key, "n", word)}
    skeleton = _skeleton(word)
    if skeleton:
        tokens.add(_digest(index_key, "p", skeleton))
    return tokens


def name_tokens(index_key: bytes, names: Iterable[str | None]) -> set[str]:
    """Every token of a child's names, for storage."""
    tokens: set[str] = set()
    for name in names:
        for word in words_of(name or ""):
            tokens |= word_tokens(index_key, word)
    return tokens


def query_tokens(index_key: bytes, query: str) -> list[set[str]]:
    """One token set per word of a search; a record must match every word."""
    return [word_tokens(index_key, word) for word in words_of(query)]
