"""Checks ``opengov serve`` makes before it prints or starts anything."""

from __future__ import annotations

import errno
import socket

from opengov.cli_errors import SetupError


def check_port(host: str, port: int) -> None:
    """Raise :class:`SetupError` when ``host:port`` cannot be listened on (e.g. in use)."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as exc:
        raise SetupError(f"cannot listen on {host}:{port}: {exc.strerror}") from exc
    with socket.socket(family, kind, proto) as sock:
        # As gunicorn does: a port left in TIME_WAIT by a previous server is free to use.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise SetupError(f"port {port} on {host} is already in use (stop the other "
                                 "server or choose another port with --port)") from exc
            raise SetupError(f"cannot listen on {host}:{port}: {exc.strerror}") from exc
