"""Reads of the exchange: the registry, and the packages sent and received (no identity)."""

from __future__ import annotations

from sqlalchemy import select

from routecare.deployment import Deployment
from routecare.exchange.models import ExchangePartner
from routecare.exchange.partners import present_partner
from routecare.exchange.schemas import PartnerOut


def list_partners(deployment: Deployment) -> list[PartnerOut]:
    with deployment.database.transaction() as session:
        partners = session.scalars(select(ExchangePartner).order_by(ExchangePartner.name))
        return [present_partner(partner) for partner in partners]
