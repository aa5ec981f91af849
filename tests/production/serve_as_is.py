"""``python -m tests.production.serve_as_is serve --port N --workers N``: gunicorn over the
database as it is, without ``opengov serve``'s schema upgrade at start, like an application
host of the previous release that keeps running while the database is migrated under it."""

from __future__ import annotations

import sys

from opengov.serve import run


def main(argv: list[str]) -> None:
    options = dict(zip(argv[1::2], argv[2::2], strict=False))
    run({}, host="127.0.0.1", port=int(options["--port"]),
        workers=int(options.get("--workers", 1)), threads=4)


if __name__ == "__main__":
    main(sys.argv[1:])
