"""The closed vocabularies of who may act: organisation kinds and staff roles."""

from enum import StrEnum


class OrganisationKind(StrEnum):
    NGO = "ngo"
    UN_AGENCY = "un_agency"
    GOVERNMENT_AUTHORITY = "government_authority"
    SHELTER_OPERATOR = "shelter_operator"
    BORDER_AUTHORITY = "border_authority"


class Role(StrEnum):
    SCREENER = "screener"
    CASE_WORKER = "case_worker"
    SUPERVISOR = "supervisor"
    COORDINATOR = "coordinator"
    DATA_PROTECTION_OFFICER = "data_protection_officer"
    ANALYST = "analyst"
    ADMINISTRATOR = "administrator"
