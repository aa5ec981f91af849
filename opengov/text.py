"""Vietnamese-aware text folding for search: lower case, no diacritics, đ → d."""

from __future__ import annotations

import re
import unicodedata

_D_MAP = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"})
_TOKEN = re.compile(r"[0-9a-z]+")


def fold(text: str | None) -> str:
    """Fold case and diacritics so ``Đăng ký`` and ``dang ky`` compare equal."""
    if not text:
        return ""
    text = text.translate(_D_MAP)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
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
