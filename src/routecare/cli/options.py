"""Options every command shares. Light on purpose: `routecare linkage encode` and `match`,
which partners script, import this without the database layer (`cli/deployment.py`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from pydantic import ValidationError

DataDir = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        envvar="ROUTECARE_DATA_DIR",
        help="Data directory (database, keyring). Default ./data.",
        show_default=False,
    ),
]


def describe(error: ValidationError) -> str:
    """Name the invalid fields and why, without echoing the values (they may be personal)."""
    return "; ".join(
        f"{'.'.join(str(part) for part in problem['loc'])}: {problem['msg']}"
        for problem in error.errors()
    )
