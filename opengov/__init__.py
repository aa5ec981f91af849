"""opengov: turn a local government's data into a public, documented API."""

__version__ = "0.1.0"


def create_app(config=None):
    """Build the Flask application (see :mod:`opengov.app`)."""
    from opengov.app import create_app as _create_app

    return _create_app(config)


__all__ = ["__version__", "create_app"]
