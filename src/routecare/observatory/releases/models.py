"""The release ledger: every table released (who, what query, which k or epsilon, when, and
the table itself, so any release can be shown again exactly), and the privacy budget each
dataset has spent. Nothing here is about one child: releases are aggregates already
protected, and a dataset is named by its content hash."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from routecare.storage.base import Base, UTCDateTime


class PrivacyBudget(Base):
    """Epsilon spent on one dataset (the fact store, or a facts file by its SHA-256)."""

    __tablename__ = "observatory_privacy_budgets"

    dataset: Mapped[str] = mapped_column(String(80), primary_key=True)
    budget: Mapped[float] = mapped_column(Float)
    spent: Mapped[float] = mapped_column(Float)


class ObservatoryRelease(Base):
    __tablename__ = "observatory_releases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset: Mapped[str] = mapped_column(String(80), index=True)
    # crosstab (the fact store, API and pages), rates, facts_file (CLI), synthetic (CLI)
    kind: Mapped[str] = mapped_column(String(20), server_default="facts_file")
    dimensions: Mapped[str] = mapped_column(String(200))  # comma-separated, in column order
    # JSON: the parameters that, on the same dataset, make the same table again (replay.py)
    query: Mapped[str] = mapped_column(Text, server_default="{}")
    released_as: Mapped[str] = mapped_column(String(20), server_default="csv")  # json, page …
    k: Mapped[int] = mapped_column(Integer)
    epsilon: Mapped[float | None] = mapped_column(Float, nullable=True)
    released_at: Mapped[datetime] = mapped_column(UTCDateTime)
    released_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    released_by: Mapped[str] = mapped_column(String(120))  # user name, or the batch operator
    content_sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[str] = mapped_column(Text)  # the released CSV, exactly as it left
