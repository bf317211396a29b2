"""PLACEHOLDER for 0005_case_search (landing in parallel); dropped at merge.

Revision ID: 0005_case_search
Revises: 0004_screening
Create Date: 2026-11-25
"""

from collections.abc import Sequence

revision: str = '0005_case_search'
down_revision: str | Sequence[str] | None = '0004_screening'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
