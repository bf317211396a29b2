"""/api/v1/exchange: what partner deployments call. The package schemas and this deployment's
public JWKS are public; the inbox takes no session or token: a package is accepted only when
it verifies under the keys of a registered partner (routecare.exchange.receiving)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field

from routecare.api.cases import Reference
from routecare.api.linkage import NoticeId
from routecare.api.responses import RECORD
from routecare.auth.http import CurrentPrincipal, DeploymentDep
from routecare.exchange.erasure import receive_erasure
from routecare.exchange.jose import MAX_PACKAGE_BYTES
from routecare.exchange.keys import public_jwks
from routecare.exchange.notice_inbox import is_notice_package, receive_notices
from routecare.exchange.notice_referrals import refer_from_notice
from routecare.exchange.package_schema import json_schema
from routecare.exchange.queries import case_packages
from routecare.exchange.receipts import receive_receipt, sign_receipt
from routecare.exchange.receiving import receive_package
from routecare.exchange.schemas import NoticeReferralIn, NoticeReferralOut, PackageOut
from routecare.exchange.vocabulary import Purpose

router = APIRouter(tags=["exchange"])
Version = Annotated[str, Path(min_length=1, max_length=10, pattern=r"^[0-9]+\.[0-9]+$")]


class PackageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    package: str = Field(
        min_length=1, max_length=MAX_PACKAGE_BYTES, description="A compact JWE package."
    )


class ReceiptOut(BaseModel):
    package_id: str
    status: str
    receipt: str = Field(description="Compact JWS (Ed25519) of the receiving deployment.")


@router.get("/exchange/schemas/{purpose}/{version}")
def package_schema(purpose: Purpose, version: Version) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one purpose's packages: HTCDS field names, nothing
    else accepted."""
    return json_schema(purpose.value, version)


@router.get("/exchange/jwks", responses={404: {"description": "No keys yet"}})
def jwks(deployment: DeploymentDep) -> dict[str, Any]:
    """This deployment's public keys, for partners to register (no private key)."""
    with deployment.database.transaction() as session:
        return public_jwks(session)


@router.post("/exchange/inbox", status_code=201)
def inbox(deployment: DeploymentDep, body: PackageIn) -> ReceiptOut:
    """Receive a partner's package (once per package id: a repeat answers the same case) and
    answer a signed receipt: `pending` (in our coordinator's queue), or what became of it.
    Refused (422) unless it opens with our keys, verifies under a
    registered partner's key allowed the purpose, matches its schema and has not expired.
    A match-notice package (its protected header's `typ`) is matched at once: its receipt
    is `matched` and names the matches (routecare.exchange.notice_inbox)."""
    if is_notice_package(body.package):
        noticed = receive_notices(deployment, body.package, transport="https")
        return ReceiptOut(
            package_id=noticed.package_id, status=noticed.status, receipt=noticed.receipt
        )
    received = receive_package(deployment, body.package, transport="https")
    with deployment.database.transaction() as session:
        receipt = sign_receipt(
            session, deployment, received.package_id, received.status, received.reference
        )
    return ReceiptOut(package_id=received.package_id, status=received.status, receipt=receipt)


class ReceiptIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    receipt: str = Field(min_length=1, max_length=10_000, description="A partner's compact JWS.")


class ReceiptRecorded(BaseModel):
    package_id: str
    status: str


@router.post("/exchange/receipts", responses={404: {"description": "No such package sent"}})
def receipts(deployment: DeploymentDep, body: ReceiptIn) -> ReceiptRecorded:
    """A partner's signed decision on a package we sent it (accepted, or declined with a
    reason); kept on the package, shown on our case. Refused (422) unless it verifies under a
    registered partner's key and names a package sent to that partner."""
    claims = receive_receipt(deployment, body.receipt)
    return ReceiptRecorded(package_id=claims["package_id"], status=claims["status"])


class ErasureIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    erasure: str = Field(
        min_length=1, max_length=100_000, description="A partner's signed erasure request (JWS)."
    )


class ErasureOut(BaseModel):
    erased: list[str] = Field(description="The ids of the packages whose copy is erased here.")
    acknowledgement: str = Field(description="Compact JWS (Ed25519) of this deployment.")


@router.post("/exchange/erasures")
def erasures(deployment: DeploymentDep, body: ErasureIn) -> ErasureOut:
    """A partner asks us to erase our copy of packages it sent (the child was erased there, or
    the consent withdrawn): the case each opened is crypto-shredded, a pending package
    deleted; answered with a signed acknowledgement (again, unchanged, for a repeat). Refused
    (422), erasing nothing, unless it verifies under a registered partner's key."""
    erased, acknowledgement = receive_erasure(deployment, body.erasure)
    return ErasureOut(erased=erased, acknowledgement=acknowledgement)


@router.post(
    "/linkage/notices/{notice_id}/referral",
    status_code=201,
    responses={**RECORD, 409: {"description": "The partner or the consent does not allow it"}},
)
def referral_from_notice(
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    notice_id: NoticeId,
    body: NoticeReferralIn,
) -> NoticeReferralOut:
    """Coordinators: queue a package of the notice's case for the partner deployment the
    notice names, under the case's cross-border consent for the purpose. Refused (409) with
    what is missing: the consent for the purpose, or the partner's registration for it."""
    return refer_from_notice(deployment, principal, notice_id, body.purpose)


@router.get("/cases/{reference}/exchange", responses=RECORD)
def packages_of_case(
    deployment: DeploymentDep, principal: CurrentPrincipal, reference: Reference
) -> list[PackageOut]:
    """Packages sent and received for the case: partner, purpose, agreement, field names
    (never values), and the partner's signed receipt once it came back."""
    return case_packages(deployment, principal, reference)
