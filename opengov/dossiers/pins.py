"""Receipt pins: stored only as a salted hash, compared in constant time.

The one-stop system prints a short pin on the receipt beside the code; the pin arrives once, in
the ``received`` event, and only its hash is kept. The code salts the hash, so equal pins of two
dossiers differ in the table. A lookup of an unknown code still hashes the given pin and
compares it (against a fixed decoy), so the answer takes the same time either way.
"""

from __future__ import annotations

import hashlib
import hmac

ITERATIONS = 2_000  # a few hundred microseconds: slows offline guessing, keeps track fast
DECOY = "0" * 64


def pin_hash(code: str, pin: str) -> str:
    return hashlib.pbkdf2_hmac("sha256", pin.encode(), ("opengov-dossier:" + code).encode(),
                               ITERATIONS).hex()


def pin_matches(code: str, pin: str, stored: str | None) -> bool:
    """True when ``pin`` is the pin of ``code``; always does the same work."""
    candidate = pin_hash(code, pin)
    return hmac.compare_digest(candidate, stored if stored is not None else DECOY) and \
        stored is not None
