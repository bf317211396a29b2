"""Exchange inputs and outputs: a partner's registration and how it is listed."""

from __future__ import annotations

from datetime import datetime
from ipaddress import ip_address
from typing import Any

from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, field_validator

from routecare.exchange.vocabulary import Purpose

CURVE_OF_USE = {"sig": "Ed25519", "enc": "X25519"}


def check_partner_url(url: AnyHttpUrl | None) -> AnyHttpUrl | None:
    """Partners are reached over HTTPS. Plain HTTP is allowed only to a loopback address
    (127.0.0.0/8, ::1, localhost), where nothing leaves the machine: two deployments side by
    side in tests, or a TLS proxy on the same host. Packages are encrypted either way; HTTPS
    also hides who talks to whom and keeps receipts from being held back by the network."""
    if url is None or url.scheme == "https":
        return url
    host = (url.host or "").strip("[]")
    try:
        loopback = host == "localhost" or ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ValueError("a partner's URL must be https:// (plain http:// only on loopback)")
    return url


def check_public_jwks(jwks: dict[str, Any]) -> dict[str, Any]:
    """A partner's JWKS: public OKP keys only, each with a kid, at least one Ed25519 signing key
    and one X25519 encryption key. A private key is refused (it should never have left)."""
    keys = jwks.get("keys") if isinstance(jwks, dict) else None
    if not isinstance(keys, list) or not keys:
        raise ValueError("a JWKS is an object with a non-empty `keys` list")
    uses = set()
    for key in keys:
        if not isinstance(key, dict) or "d" in key:
            raise ValueError("the JWKS holds a private key: publish the public keys only")
        if not key.get("kid") or CURVE_OF_USE.get(key.get("use", "")) != key.get("crv"):
            raise ValueError("each key needs a kid, and use sig (Ed25519) or enc (X25519)")
        uses.add(key["use"])
    if uses != {"sig", "enc"}:
        raise ValueError("the JWKS needs a signing (sig) and an encryption (enc) key")
    try:
        KeySet.import_key_set(jwks)  # type: ignore[arg-type]
    except (JoseError, ValueError, TypeError) as error:
        raise ValueError(f"the JWKS does not load: {error}") from error
    return jwks


class PartnerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    organisation: str | None = Field(None, max_length=200)
    country: str | None = Field(None, pattern=r"^[A-Z]{3}$")
    jwks: dict[str, Any]
    base_url: AnyHttpUrl | None = None
    purposes: list[Purpose] = Field(min_length=1)
    agreement: str = Field(min_length=1, max_length=200)
    dpia: str | None = Field(None, max_length=200)
    expires_at: datetime | None = None

    @field_validator("base_url")
    @classmethod
    def _https_or_loopback(cls, value: AnyHttpUrl | None) -> AnyHttpUrl | None:
        return check_partner_url(value)

    @field_validator("jwks")
    @classmethod
    def _public_keys(cls, value: dict[str, Any]) -> dict[str, Any]:
        return check_public_jwks(value)


class PartnerOut(BaseModel):
    name: str
    organisation: str | None
    country: str | None
    base_url: str | None
    purposes: list[str]
    agreement: str
    dpia: str | None
    expires_at: datetime | None
    suspended: bool


class PackageOut(BaseModel):
    """A package sent or received for a case: to or from whom, why, which fields (names,
    never values), and whether the partner's signed receipt came back."""

    package_id: str
    direction: str
    status: str = Field(description="Sent: the partner's latest word. Received: our decision.")
    reason: str | None = Field(None, description="Why the package was declined.")
    partner: str
    partner_organisation: str | None = None
    partner_country: str | None = None
    purpose: str
    agreement: str
    fields: list[str]
    issued_at: datetime
    expires_at: datetime
    recorded_at: datetime | None = Field(None, description="When it was sent or received.")
    partner_case: str | None
    acknowledged_at: datetime | None
    receipt: str | None = Field(None, description="The partner's compact JWS receipt.")


class NoticeReferralIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    purpose: Purpose = Field(description="Why the package leaves; its consent must be in force.")


class NoticeReferralOut(BaseModel):
    package_id: str
    partner: str
    purpose: Purpose
    fields: list[str] = Field(description="The package's field names (never values).")
