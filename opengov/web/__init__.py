"""Service-level endpoints: landing page, health, OpenAPI document and Swagger UI."""

from opengov.capability import Capability


def _blueprints(_registry):
    from opengov.web.routes import blp

    return [blp]


CAPABILITY = Capability(name="web", blueprints=_blueprints)
