"""Receipt pins: stored only as a keyed hash (HMAC-SHA256), compared in constant time.

The one-stop system prints a short pin on the receipt beside the code; the pin arrives once, in
the ``received`` event, and only ``HMAC-SHA256(secret, code, pin)`` is kept. The secret belongs
to the installation (:func:`load_secret`), not to the database, so a leaked database alone does
not allow guessing pins offline, and the code in the message makes equal pins of two dossiers
differ. A lookup of an unknown code still hashes the given pin and compares it (against a fixed
decoy), so the answer takes the same time either way.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import tempfile
from pathlib import Path

DECOY = "0" * 64
SECRET_FILE = "dossier-pin-secret"
MIN_SECRET = 16  # characters of a configured secret


class PinSecretError(ValueError):
    """The configured pin secret is unusable (too short)."""


def pin_hash(secret: bytes, code: str, pin: str) -> str:
    """The stored form of ``pin`` for dossier ``code`` (64 hex characters)."""
    return hmac.new(secret, f"{code}\x00{pin}".encode(), hashlib.sha256).hexdigest()


class Pins:
    """Hashes and checks pins with one installation's secret."""

    def __init__(self, secret: bytes):
        self._secret = secret
        self._keyed = hmac.new(secret, digestmod=hashlib.sha256)  # copied per digest

    def digest(self, code: str, pin: str) -> str:
        """:func:`pin_hash` of ``code`` and ``pin``, from a copy of the keyed HMAC (a batch
        hashes thousands of pins; the key is prepared once)."""
        keyed = self._keyed.copy()
        keyed.update(f"{code}\x00{pin}".encode())
        return keyed.hexdigest()

    def matches(self, code: str, pin: str, stored: str | None) -> bool:
        """True when ``pin`` is the pin of ``code``; always does the same work."""
        candidate = pin_hash(self._secret, code, pin)
        return hmac.compare_digest(candidate, stored if stored is not None else DECOY) and \
            stored is not None


def load_secret(configured: str, instance_path: Path) -> bytes:
    """The installation's pin secret: ``configured`` (``OPENGOV_DOSSIER_PIN_SECRET``) when set,
    else the file ``dossier-pin-secret`` of the instance folder, created with a random secret
    (readable by its owner only) the first time."""
    if configured:
        if len(configured) < MIN_SECRET:
            raise PinSecretError(f"OPENGOV_DOSSIER_PIN_SECRET needs at least {MIN_SECRET} "
                                 "characters (e.g. `python -c 'import secrets; "
                                 "print(secrets.token_hex(32))'`)")
        return configured.encode()
    path = Path(instance_path) / SECRET_FILE
    if not path.exists():
        _create(path)
    text = path.read_text("ascii").strip()
    if len(text) < MIN_SECRET:
        raise PinSecretError(f"{path} holds no usable secret (at least {MIN_SECRET} "
                             "characters); restore it from your backup")
    return text.encode()


def _create(path: Path) -> None:
    """Write a random secret to ``path`` atomically; a secret another worker wrote first
    wins."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".pin-secret-")  # mode 0600
    try:
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32) + "\n")
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
    finally:
        os.unlink(temporary)
