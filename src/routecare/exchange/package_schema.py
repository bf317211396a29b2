"""What a package may carry, per purpose and version: field names aligned with HTCDS v2.0
(`prs_` person, `vic_` victim context, `cas_` case, `spl_` support plan), each with where it is
read from on this deployment's case. The same pydantic models validate a received package and
publish the JSON Schema (`GET /api/v1/exchange/schemas/{purpose}/{version}`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from routecare.cases.vocabulary import (
    CaseStatus,
    ConsentScope,
    DecisionOrg,
    DurableSolution,
    Exploitation,
    FamilyTracing,
    GivenBy,
    RiskLevel,
    VictimStatus,
)
from routecare.children.schemas import Sex
from routecare.errors import NotFound
from routecare.exchange.vocabulary import Purpose

SCHEMA_VERSION = "1.0"
Text = str


@dataclass(frozen=True)
class PackageField:
    """One field a package can carry: its HTCDS-style name, type and source on our case."""

    name: str
    annotation: Any
    source: str  # "child.<column>" or "case.<column>"
    description: str


FIELDS: dict[str, PackageField] = {
    field.name: field
    for field in [
        PackageField("prs_GivenName", Text, "child.given_name", "Given name(s)."),
        PackageField("prs_FamilyName", Text, "child.family_name", "Family name."),
        PackageField("prs_OtherNames", Text, "child.other_names", "Aliases and other names."),
        PackageField("prs_DateOfBirth", date, "child.birth_date", "Date of birth."),
        PackageField("prs_Gender", Sex, "child.sex", "Sex as recorded."),
        PackageField("prs_Age", int, "child.age", "Age in years (working age)."),
        PackageField("prs_Nationality", Text, "child.nationality", "ISO 3166 alpha-3."),
        PackageField("vic_Unaccompanied", bool, "child.unaccompanied", "Travelling alone."),
        PackageField("vic_TraffickingStatus", VictimStatus, "case.victim_status", "HTCDS."),
        PackageField(
            "vic_TraffickingStatusDecisionMakingOrg",
            DecisionOrg,
            "case.victim_decision_org",
            "Who decided the trafficking status.",
        ),
        PackageField(
            "vic_TypeOfExploitation",
            list[Exploitation],
            "case.exploitation_forms",
            "HTCDS forms of exploitation.",
        ),
        PackageField("cas_Status", CaseStatus, "case.status", "HTCDS case status."),
        PackageField("cas_RiskLevel", RiskLevel, "case.risk_level", "Assessed risk level."),
        PackageField(
            "cas_FamilyTracingStatus",
            FamilyTracing,
            "case.family_tracing_status",
            "Where family tracing stands.",
        ),
        PackageField("spl_GuardianName", Text, "case.guardian_name", "Appointed guardian."),
        PackageField(
            "spl_BestInterestsAssessment",
            Text,
            "case.best_interests_assessment",
            "Outcome summary of the best-interests assessment.",
        ),
        PackageField(
            "spl_BestInterestsDetermination",
            Text,
            "case.best_interests_determination",
            "Outcome summary of the best-interests determination.",
        ),
        PackageField(
            "spl_DurableSolution", DurableSolution, "case.durable_solution", "Durable solution."
        ),
    ]
}

_IDENTITY = ("prs_GivenName", "prs_FamilyName", "prs_OtherNames", "prs_DateOfBirth")
_PROFILE = ("prs_Gender", "prs_Age", "prs_Nationality", "vic_Unaccompanied")
_TRAFFICKING = (
    "vic_TraffickingStatus",
    "vic_TraffickingStatusDecisionMakingOrg",
    "vic_TypeOfExploitation",
)
# The minimum each purpose needs (BRIEF §6: carry / leave out); never narratives or notes.
PURPOSE_FIELDS: dict[Purpose, tuple[str, ...]] = {
    Purpose.CONTINUITY_OF_CARE: _IDENTITY
    + _PROFILE
    + _TRAFFICKING
    + ("cas_Status", "cas_RiskLevel", "spl_GuardianName", "spl_BestInterestsAssessment"),
    Purpose.FAMILY_TRACING: _IDENTITY + _PROFILE + ("cas_FamilyTracingStatus", "spl_GuardianName"),
    Purpose.SAFE_RETURN_ASSESSMENT: _IDENTITY
    + _PROFILE
    + _TRAFFICKING
    + ("cas_RiskLevel", "spl_GuardianName", "spl_BestInterestsDetermination")
    + ("spl_DurableSolution",),
    Purpose.MATCH_NOTICE: ("prs_Gender", "prs_Age", "prs_Nationality"),
}


class Sender(BaseModel):
    model_config = ConfigDict(extra="forbid")

    organisation: str = Field(max_length=200)
    country: str = Field(max_length=3)
    case: str = Field(max_length=40, description="The sender's case reference (no identity).")
    contact: str | None = Field(None, max_length=300)
    record: str | None = Field(
        None,
        min_length=1,
        max_length=100,
        description="The child's record id for the receiver under the linkage secret the two "
        "deployments agreed (as its match notices name it), when one is agreed: it ties the "
        "package to a match notice at the receiver. No identity.",
    )


class ConsentRecord(BaseModel):
    """The consent the package leaves under (HTCDS `con_`): who gave it, for what, until when."""

    model_config = ConfigDict(extra="forbid")

    id: int
    scope: ConsentScope
    purpose: Purpose
    given_by: GivenBy
    child_assent: bool
    given_at: datetime
    expires_at: datetime | None = None
    fields: list[str] = Field(description="The package fields this consent lets leave.")


class Envelope(BaseModel):
    """Every package: id, purpose, schema version, dates, sender, reply address, consent."""

    model_config = ConfigDict(extra="forbid")

    package_id: str = Field(min_length=32, max_length=36)
    purpose: Purpose
    schema_version: str = Field(max_length=10)
    issued_at: datetime
    expires_at: datetime
    sender: Sender
    reply_to: str | None = Field(None, max_length=300)
    consent: ConsentRecord


def _child_model(purpose: Purpose) -> type[BaseModel]:
    fields: dict[str, Any] = {
        name: (FIELDS[name].annotation | None, Field(None, description=FIELDS[name].description))
        for name in PURPOSE_FIELDS[purpose]
    }
    return create_model(f"Child_{purpose.value}", __config__=ConfigDict(extra="forbid"), **fields)


def _package_model(purpose: Purpose) -> type[Envelope]:
    return create_model(
        f"Package_{purpose.value}_{SCHEMA_VERSION.replace('.', '_')}",
        __base__=Envelope,
        child=(_child_model(purpose), ...),
    )


PACKAGE_MODELS: dict[tuple[Purpose, str], type[Envelope]] = {
    (purpose, SCHEMA_VERSION): _package_model(purpose) for purpose in Purpose
}


def package_model(purpose: str, version: str) -> type[Envelope]:
    """The model of one purpose and version, or NotFound (unknown to this deployment)."""
    try:
        return PACKAGE_MODELS[(Purpose(purpose), version)]
    except (ValueError, KeyError) as error:
        raise NotFound(f"no package schema {purpose} {version}") from error


def json_schema(purpose: str, version: str) -> dict[str, Any]:
    """The published JSON Schema (draft 2020-12) of one purpose's packages."""
    schema = package_model(purpose, version).model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"/api/v1/exchange/schemas/{purpose}/{version}"
    return schema
