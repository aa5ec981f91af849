"""Service-level endpoints: landing page, health, OpenAPI document and Swagger UI."""
