"""Names across scripts and spelling conventions, reduced to comparable tokens.

Arabic script goes through anyascii after its article and compound rules; Latin spellings are
folded by the conventions that differ between French, English, Italian and Somali clerks
(ou/u, dj/j, ch/sh, kh/k, Somali x/h, doubled letters, final h/e/w). No library knows these
West African and Arabic naming rules (particles such as Abd al-/Abdoul, bin/ould, al-/el-),
hence this module.
Each token also yields a consonant skeleton, because Arabic script usually omits short vowels.
"""

from __future__ import annotations

import importlib.resources
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii

# anyascii reads a table per Unicode block through importlib.resources on first use, and that
# first use imports the resource readers and zipfile (6 ms): imported here, with the rest of
# the module, not inside the first batch's encoding. No table is read.
importlib.resources.files("anyascii._data")

ARABIC = re.compile(r"[\u0600-\u06FF]")
COMPOUND_PREFIXES = ("abd", "abdel", "abdul", "abdoul", "abdal", "abdou", "abdu", "abde")
ARTICLES = frozenset({"al", "el", "ul", "ad", "ed", "as", "es", "ar", "er", "at", "et", "an"})
FILIATION = frozenset({"bin", "ben", "ibn", "ould", "wuld", "walad", "bint", "binti", "mint"})
# (what the pattern cannot match without, pattern, replacement): a rule whose letters are not
# in the token is skipped, not run; most of the 25 are skipped for most tokens.
LATIN_RULES = [
    (needs, re.compile(pattern), replacement)
    for needs, pattern, replacement in [
        ("x", r"x", "h"),  # Somali spelling writes the Arabic ḥ as x: Maxamed, Xuseen
        ("di", r"^di(?=[aou])", "j"),
        ("dj", r"dj", "j"),
        ("tch", r"tch", "ch"),
        ("sch", r"sch", "sh"),
        ("ch", r"ch", "sh"),
        ("kh", r"kh", "k"),
        ("gh", r"gh", "g"),
        ("ph", r"ph", "f"),
        ("th", r"th", "t"),
        ("dh", r"dh", "d"),
        ("ck", r"ck", "k"),
        ("q", r"q", "k"),
        ("c", r"c(?=[aou])", "k"),
        ("ou", r"ou", "u"),
        ("oo", r"oo", "u"),
        ("ee", r"ee", "i"),
        ("y", r"y", "i"),
        ("ow", r"ow$", "o"),
        ("aye", r"aye$", "ai"),
        ("w", r"(?<=[aeiou])w$", ""),
        ("h", r"(?<=.{3})h$", ""),
        ("h", r"(?<=[aeiou])h$", ""),  # Bah, Ba, Baa
        ("e", r"(?<=[^aeiou])e$", ""),
        ("", r"(.)\1+", r"\1"),
    ]
]
VOWELS = re.compile(r"[aeiouwy]")


@dataclass(frozen=True)
class NameTokens:
    full: tuple[str, ...]  # canonical Latin tokens (empty for Arabic-script input)
    skeleton: tuple[str, ...]  # consonant skeletons, comparable across scripts


@lru_cache(maxsize=100_000)  # the same words recur across fields and records
def _fold_latin(token: str) -> str:
    for needs, pattern, replacement in LATIN_RULES:
        if needs in token:
            token = pattern.sub(replacement, token)
    return token


@lru_cache(maxsize=100_000)
def _skeleton(token: str) -> str:
    return re.sub(r"(.)\1+", r"\1", VOWELS.sub("", token)) or token[:1]


def _arabic_tokens(text: str) -> list[str]:
    words = text.replace("ـ", "").split()
    merged: list[str] = []
    for word in words:
        if merged and merged[-1] == "عبد":  # عبد الله → عبدالله
            merged[-1] += word
            continue
        if word.startswith("ال") and len(word) > 4:
            word = word[2:]
        if word in ("بن", "ابن", "بنت", "ولد"):
            continue
        merged.append(word)
    latin = [re.sub(r"[^a-z]", "", anyascii(w).lower()) for w in merged]
    return [_fold_latin(t) for t in latin if t]


def _latin_tokens(text: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", anyascii(text)).lower()
    words = [w for w in re.split(r"[^a-z]+", plain) if w]
    tokens: list[str] = []
    pending = ""
    for word in words:
        if word in FILIATION or (pending and word in ARTICLES):
            continue
        if pending:
            word, pending = (
                pending + (word[2:] if word[:2] in ("al", "el", "ul") and len(word) > 4 else word),
                "",
            )
        elif word in COMPOUND_PREFIXES:
            pending = "abdul"
            continue
        elif word.startswith(COMPOUND_PREFIXES) and word not in ("abdu",):
            word = "abdul" + re.sub(
                r"^(abdel|abdul|abdoul|abdal|abde|abdu|abd)(al|el|ul)?", "", word
            )
        if word in ARTICLES:
            continue
        if re.match(r"^(al|el)[a-z]{3,}", word) and not word.startswith(("ali", "ela", "eli")):
            word = word[2:]
        tokens.append(_fold_latin(word))
    if pending:
        tokens.append(_fold_latin(pending))
    return [t for t in tokens if t]


@lru_cache(maxsize=200_000)
def normalise(text: str | None) -> NameTokens:
    """Tokens of one name field (any script); empty when the field is empty."""
    if not text or not text.strip():
        return NameTokens((), ())
    if ARABIC.search(text):
        tokens = _arabic_tokens(text)
        return NameTokens((), tuple(_skeleton(t) for t in tokens))
    tokens = _latin_tokens(text)
    return NameTokens(tuple(tokens), tuple(_skeleton(t) for t in tokens))
