"""Keeping credentials out of logs, errors and anything we show.

Every credential the gateway reads is registered here; :func:`redact` replaces it in any text
(error messages of requests/urllib3 quote URLs with their query string), and a log-record
factory redacts every log message of the process once a credential is known, whichever
library logs it (urllib3 logs request lines at DEBUG level).
"""

from __future__ import annotations

import logging
import threading
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

MASK = "[redacted]"
_known: set[str] = set()
_lock = threading.Lock()
_installed = False


def register(secret: str) -> None:
    """Remember ``secret`` so it is masked from now on."""
    global _installed
    if len(secret) < 4:
        return  # masking very short strings would garble every message
    with _lock:
        _known.add(secret)
        if not _installed:
            _install_log_factory()
            _installed = True


def redact(text: object) -> str:
    """``text`` with every registered credential masked."""
    out = str(text)
    for secret in sorted(_known, key=len, reverse=True):
        out = out.replace(secret, MASK)
    return out


def public_url(url: str, secret_params: tuple[str, ...] = ()) -> str:
    """``url`` without user info and with credential query parameters masked."""
    parts = urlsplit(url)
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    lowered = {p.lower() for p in secret_params}
    query = urlencode([(k, MASK if k.lower() in lowered else v)
                       for k, v in parse_qsl(parts.query, keep_blank_values=True)])
    return redact(urlunsplit((parts.scheme, netloc, parts.path, query, "")))


def _install_log_factory() -> None:
    previous = logging.getLogRecordFactory()

    def factory(*args, **kwargs):
        record = previous(*args, **kwargs)
        if _known:
            try:
                message = record.getMessage()
            except Exception:  # noqa: BLE001 - a broken format string is not ours to fix
                return record
            cleaned = redact(message)
            if cleaned != message:
                record.msg, record.args = cleaned, ()
        return record

    logging.setLogRecordFactory(factory)
