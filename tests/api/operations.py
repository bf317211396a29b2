"""The operations of the app's own OpenAPI document, as schemathesis reads them."""

from __future__ import annotations

from typing import Any

import schemathesis
from fastapi import FastAPI
from schemathesis.core.result import Ok

Operation = schemathesis.APIOperation[Any, Any, Any, Any]
Case = schemathesis.Case[Any]


def documented_operations(app: FastAPI) -> list[Operation]:
    """Every operation of `/openapi.json`; one schemathesis cannot read fails the test."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), f"unreadable operation: {result}"
        operations.append(result.ok())
    assert len(operations) >= 10
    return operations
