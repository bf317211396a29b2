"""The JSON API under /api/v1, for scripts, partners and the pages' own scripts."""

from fastapi import APIRouter

from routecare.api import (
    accounts,
    audit_trail,
    case_records,
    cases,
    children,
    exchange,
    linkage,
    observatory,
    placement,
    referrals,
    screening,
    services,
)

router = APIRouter(prefix="/api/v1")
router.include_router(accounts.router)
router.include_router(children.router)
router.include_router(cases.router)
router.include_router(case_records.router)
router.include_router(audit_trail.router)
router.include_router(services.router)
router.include_router(placement.router)
router.include_router(referrals.router)
router.include_router(screening.router)
router.include_router(linkage.router)
router.include_router(observatory.router)
router.include_router(exchange.router)
