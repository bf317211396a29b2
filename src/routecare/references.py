"""Public record references, read aloud over a bad phone line: no 0/O or 1/I."""

from __future__ import annotations

import secrets

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_reference(prefix: str) -> str:
    """`PREFIX-` and eight random characters, e.g. `NER-7K3F9QPX` or `SCR-…`."""
    return f"{prefix}-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
