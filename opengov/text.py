"""Vietnamese-aware text folding for search: lower case, no diacritics, đ → d."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

_D_LETTERS = ("đ", "Đ", "ð", "Ð")
_TOKEN = re.compile(r"[0-9a-z]+")


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
# Anything but ASCII and the combining diacritical marks U+0300–U+036F (all of a non-zero
# combining class but U+034F, the grapheme joiner): a text without it, once decomposed, loses
# exactly its marks by dropping every non-ASCII character (Vietnamese text: 3× faster).
_ONLY_MARKS = re.compile("[^\x00-\x7f\u0300-\u034e\u0350-\u036f]")


@cache
def _combining() -> re.Pattern:
    """The characters of the Basic Multilingual Plane with a non-zero canonical combining
    class (``unicodedata.combining``) as one character class, so a whole text (a batch of
    search documents) loses them in one ``sub`` instead of a test per character."""
    marks = "".join(re.escape(chr(c)) for c in range(0x10000) if unicodedata.combining(chr(c)))
    return re.compile(f"[{marks}]+")


def fold(text: str | None) -> str:
    """Fold case and diacritics so ``Đăng ký`` and ``dang ky`` compare equal."""
    if not text:
        return ""
    if text.isascii():
        return text.casefold()
    for d in _D_LETTERS:  # str.replace: str.translate with a dict is slow on long texts
        text = text.replace(d, "d")
    decomposed = unicodedata.normalize("NFKD", text)
    if _ONLY_MARKS.search(decomposed) is None:  # ASCII letters and their marks (Vietnamese)
        return decomposed.encode("ascii", "ignore").decode("ascii").lower()
    stripped = _combining().sub("", decomposed)
    if _ASTRAL.search(stripped):  # combining marks beyond the BMP (rare): one by one
        stripped = "".join(ch for ch in stripped if not unicodedata.combining(ch))
    return stripped.casefold()


def tokens(text: str | None) -> list[str]:
    """The folded alphanumeric tokens of ``text``, in order."""
    return _TOKEN.findall(fold(text))


def search_terms(text: str | None) -> list[str]:
    """The words a search must match, each once, in order.

    Every word matches as a prefix, so a repeated word and a word that begins another one
    (``c`` beside ``cho``) add nothing to the match: both are dropped. What is left are words
    none of which begins another, so the index entries they read do not overlap and a search
    reads at most the whole index once, however many words it has.
    """
    words = list(dict.fromkeys(tokens(text)))
    return [w for w in words if not any(o != w and o.startswith(w) for o in words)]


def search_document(*parts: str | None) -> str:
    """One folded, space-separated document from several texts."""
    return " ".join(t for part in parts for t in tokens(part))
