"""Service-level endpoints: landing page, health, OpenAPI document and Swagger UI."""


def blueprints():
    from opengov.web.routes import blp

    return [blp]
