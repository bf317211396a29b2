"""OpenAPI descriptions of the refusals every protected route can answer."""

from typing import Any

ERROR_SCHEMA = {"application/json": {"schema": {"type": "object", "properties": {"detail": {}}}}}

PROTECTED: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not signed in, or the token is unknown", "content": ERROR_SCHEMA},
    403: {
        "description": "The role may not do this, or the CSRF token is missing",
        "content": ERROR_SCHEMA,
    },
    413: {"description": "Request body too large", "content": ERROR_SCHEMA},
}
RECORD = {
    **PROTECTED,
    404: {"description": "No such record, or not visible to you", "content": ERROR_SCHEMA},
}
