"""The one place that turns a stored code into the words a reader sees.

Codes stay as stored (HTCDS names, ISO codes); pages call the Jinja global `label(kind, code)`
and never print a code. Closed lists map to English msgids translated by the page's catalogue;
country and language names come from CLDR (Babel), which is maintained for every locale.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

import pycountry
from babel import Locale
from babel.dates import get_timezone_location
from babel.support import NullTranslations

from routecare.auth.preferences import time_zones
from routecare.auth.roles import OrganisationKind, Role
from routecare.cases.vocabulary import (
    AgeMethod,
    CaseStatus,
    ClosureReason,
    ConsentScope,
    DecisionOrg,
    DocumentKind,
    DurableSolution,
    Exploitation,
    FamilyTracing,
    GivenBy,
    LinkRelation,
    RiskLevel,
    Stage,
    VictimStatus,
)
from routecare.children.schemas import Sex
from routecare.observatory.indicators import MeansOfControl, RecruitmentType
from routecare.placement.schemas import Rule
from routecare.referrals.workflow import DeclineReason, ReferralReason, State, Step
from routecare.screening.catalogue import Element
from routecare.screening.engine import AgeBasis
from routecare.services.schemas import Need, ServiceKind


def N_(message: str) -> str:
    """Marks a msgid for extraction (Babel's default keyword) without translating it yet."""
    return message


# Interview and service languages of the route, as ISO 639 codes (639-1 where one exists).
# Pular (fuf) and Maninka (emk) are how Guinean children name their languages: CLDR's "ff"
# (Fula) and "man" (Mandingo) are the macrolanguages, kept for the interpreters who list them.
ROUTE_LANGUAGES = [
    "fr", "en", "ar", "fuf", "ff", "emk", "man", "sus", "bm", "ha", "ti", "so", "it",
]  # fmt: skip

# CLDR has no name for these ISO 639-3 languages; pycountry has the English one only, so the
# French and Arabic names are ours (as the Guinean language institutes write them).
LANGUAGES_CLDR_LACKS: dict[str, dict[str, str]] = {
    "fuf": {"en": "Pular", "fr": "Poular", "ar": "البولار"},
    "emk": {"en": "Maninka", "fr": "Malinké", "ar": "المانينكا"},
}

CODE_LABELS: dict[str, dict[str, str]] = {
    "role": {
        Role.SCREENER: N_("Frontline screener"),
        Role.CASE_WORKER: N_("Case worker"),
        Role.SUPERVISOR: N_("Supervisor"),
        Role.COORDINATOR: N_("National referral coordinator"),
        Role.DATA_PROTECTION_OFFICER: N_("Data-protection officer"),
        Role.ANALYST: N_("Analyst"),
        Role.ADMINISTRATOR: N_("Administrator"),
    },
    "organisation_kind": {
        OrganisationKind.NGO: N_("Non-governmental organisation"),
        OrganisationKind.UN_AGENCY: N_("UN agency"),
        OrganisationKind.GOVERNMENT_AUTHORITY: N_("Government authority"),
        OrganisationKind.SHELTER_OPERATOR: N_("Shelter operator"),
        OrganisationKind.BORDER_AUTHORITY: N_("Border authority"),
    },
    "sex": {
        Sex.FEMALE: N_("Female"),
        Sex.MALE: N_("Male"),
        Sex.OTHER: N_("Other"),
        Sex.UNKNOWN: N_("Unknown"),
    },
    "stage": {
        Stage.IDENTIFICATION: N_("Identification"),
        Stage.REGISTRATION: N_("Registration"),
        Stage.ASSESSMENT: N_("Assessment"),
        Stage.CARE_PLAN: N_("Care plan"),
        Stage.SERVICES: N_("Services and referrals"),
        Stage.FOLLOW_UP: N_("Follow-up"),
        Stage.DURABLE_SOLUTION: N_("Durable solution"),
        Stage.CLOSURE: N_("Closure"),
    },
    "case_status": {
        CaseStatus.ACTIVE: N_("Active"),
        CaseStatus.FOLLOW_UP: N_("Follow-up"),
        CaseStatus.CLOSED: N_("Closed"),
        CaseStatus.CLOSED_REFERRED: N_("Closed (referred)"),
    },
    "risk_level": {
        RiskLevel.HIGH: N_("High risk"),
        RiskLevel.MEDIUM: N_("Medium risk"),
        RiskLevel.LOW: N_("Low risk"),
    },
    "victim_status": {
        VictimStatus.POSSIBLE: N_("Presumed victim of trafficking"),
        VictimStatus.ACTUAL: N_("Identified victim of trafficking"),
        VictimStatus.NOT_A_VICTIM: N_("Not a victim of trafficking"),
    },
    "decision_org": {
        DecisionOrg.POLICE: N_("Police"),
        DecisionOrg.NGO: N_("Non-governmental organisation"),
        DecisionOrg.COURT_OR_PROSECUTION: N_("Court or prosecution"),
        DecisionOrg.NON_POLICE_GOVERNMENT: N_("Government body other than the police"),
        DecisionOrg.OTHER: N_("Other"),
    },
    "exploitation": {
        Exploitation.FORCED_LABOUR: N_("Forced labour"),
        Exploitation.SEXUAL_EXPLOITATION: N_("Sexual exploitation"),
        Exploitation.CHILD_LABOUR: N_("Child labour"),
        Exploitation.FORCED_MARRIAGE: N_("Forced marriage"),
        Exploitation.SERVITUDE: N_("Servitude"),
        Exploitation.FORCED_MILITARY: N_("Forced recruitment by armed groups"),
        Exploitation.ORGAN_REMOVAL: N_("Organ removal"),
        Exploitation.FORCED_BEGGING: N_("Forced begging"),
        Exploitation.FORCED_ADOPTION: N_("Forced adoption"),
        Exploitation.SURROGACY: N_("Forced surrogacy"),
        Exploitation.OTHER: N_("Other"),
    },
    "family_tracing": {
        FamilyTracing.NOT_NEEDED: N_("Not needed"),
        FamilyTracing.NOT_STARTED: N_("Not started"),
        FamilyTracing.IN_PROGRESS: N_("In progress"),
        FamilyTracing.FAMILY_FOUND: N_("Family found"),
        FamilyTracing.REUNIFIED: N_("Reunified"),
        FamilyTracing.NOT_POSSIBLE: N_("Not possible"),
    },
    "durable_solution": {
        DurableSolution.LOCAL_INTEGRATION: N_("Local integration"),
        DurableSolution.FAMILY_REUNIFICATION: N_("Family reunification"),
        DurableSolution.RETURN_AND_REINTEGRATION: N_("Return and reintegration"),
        DurableSolution.RESETTLEMENT: N_("Resettlement"),
    },
    "closure_reason": {
        ClosureReason.GOALS_MET: N_("Care plan goals met"),
        ClosureReason.DURABLE_SOLUTION: N_("Durable solution reached"),
        ClosureReason.TURNED_18: N_("Turned 18"),
        ClosureReason.MOVED: N_("Moved away"),
        ClosureReason.TRANSFERRED: N_("Transferred to another organisation"),
        ClosureReason.LOST_CONTACT: N_("Contact lost"),
        ClosureReason.DUPLICATE: N_("Duplicate registration"),
    },
    "consent_purpose": {
        "continuity_of_care": N_("Continuity of care"),
        "family_tracing": N_("Family tracing"),
    },
    "consent_scope": {
        ConsentScope.SERVICES: N_("Services"),
        ConsentScope.REFERRAL: N_("Referral to another organisation"),
        ConsentScope.CROSS_BORDER: N_("Sharing across borders"),
        ConsentScope.RESEARCH: N_("Research"),
    },
    "given_by": {
        GivenBy.CHILD: N_("The child"),
        GivenBy.GUARDIAN: N_("Guardian"),
        GivenBy.REPRESENTATIVE: N_("Legal representative"),
    },
    "age_method": {
        AgeMethod.DOCUMENT: N_("Identity document"),
        AgeMethod.INTERVIEW: N_("Interview"),
        AgeMethod.MULTIDISCIPLINARY: N_("Multidisciplinary assessment"),
        AgeMethod.MEDICAL: N_("Medical examination"),
    },
    "link_relation": {
        LinkRelation.SIBLING: N_("Sibling"),
        LinkRelation.TRAVELLING_COMPANION: N_("Travelling companion"),
        LinkRelation.OTHER_RELATIVE: N_("Other relative"),
        LinkRelation.SAME_CHILD: N_("Same child"),
    },
    "document_kind": {
        DocumentKind.IDENTITY_DOCUMENT: N_("Identity document"),
        DocumentKind.PHOTO: N_("Photo"),
        DocumentKind.MEDICAL: N_("Medical"),
        DocumentKind.LEGAL: N_("Legal"),
        DocumentKind.OTHER: N_("Other"),
    },
    "outcome": {
        "presumed_trafficking": N_("Presumed victim of trafficking"),
        "at_risk": N_("At risk of trafficking"),
        "smuggling": N_("Smuggled migrant"),
        "no_indicators": N_("No indicators identified"),
    },
    "element": {
        Element.ACT: N_("The journey"),
        Element.PURPOSE: N_("Work and living conditions"),
        Element.MEANS: N_("How the person was recruited and controlled"),
        Element.VULNERABILITY: N_("Situation and risks"),
        Element.SMUGGLING: N_("Crossing borders"),
    },
    "age_basis": {
        AgeBasis.DOCUMENTED: N_("Documented (identity document)"),
        AgeBasis.ASSESSED: N_("Assessed (formal age assessment)"),
        AgeBasis.CLAIMED: N_("Claimed by the person"),
        AgeBasis.ESTIMATED: N_("Estimated by the screener"),
        AgeBasis.UNKNOWN: N_("Unknown"),
    },
    "referral_state": {
        State.SENT: N_("Sent, awaiting answer"),
        State.ACCEPTED: N_("Accepted"),
        State.DECLINED: N_("Declined"),
        State.SERVICE_STARTED: N_("Service started"),
        State.COMPLETED: N_("Completed"),
        State.WITHDRAWN: N_("Withdrawn"),
    },
    "referral_step": {
        Step.ACCEPT: N_("Accept"),
        Step.DECLINE: N_("Decline"),
        Step.START: N_("Service started"),
        Step.COMPLETE: N_("Mark completed"),
        Step.WITHDRAW: N_("Withdraw"),
    },
    "referral_reason": {
        ReferralReason.ADDITIONAL_SERVICES_REQUIRED: N_("Additional services required"),
        ReferralReason.MIGRATION_OR_CHANGE_OF_LOCATION: N_("Migration or change of location"),
        ReferralReason.OTHER: N_("Other"),
    },
    "decline_reason": {
        DeclineReason.NO_CAPACITY: N_("No capacity"),
        DeclineReason.NOT_ELIGIBLE: N_("Not eligible"),
        DeclineReason.SERVICE_UNAVAILABLE: N_("Service unavailable"),
        DeclineReason.SAFETY_CONCERN: N_("Safety concern"),
        DeclineReason.OTHER: N_("Other"),
    },
    "placement_rule": {
        Rule.FREE_BED: N_("No free bed"),
        Rule.AGE: N_("Age range"),
        Rule.SEX: N_("Girls or boys only"),
        Rule.NEED: N_("Need not supported"),
        Rule.UNACCOMPANIED: N_("Does not take unaccompanied children"),
        Rule.VICTIMS_ONLY: N_("Victims of trafficking only"),
    },
    "service_kind": {
        ServiceKind.EMERGENCY_SHELTER: N_("Emergency shelter"),
        ServiceKind.LONG_TERM_SHELTER: N_("Long-term shelter"),
        ServiceKind.GUARDIANSHIP: N_("Guardianship"),
        ServiceKind.LEGAL_AID: N_("Legal aid"),
        ServiceKind.MEDICAL: N_("Medical care"),
        ServiceKind.PSYCHOSOCIAL_SUPPORT: N_("Psychosocial support"),
        ServiceKind.FAMILY_TRACING: N_("Family tracing"),
        ServiceKind.EDUCATION: N_("Education"),
        ServiceKind.INTERPRETATION: N_("Interpretation"),
        ServiceKind.SAFE_RETURN_AND_REINTEGRATION: N_("Safe return and reintegration"),
    },
    "need": {
        Need.MEDICAL_CARE: N_("Medical care"),
        Need.DISABILITY_ACCESS: N_("Disability access"),
        Need.MOTHER_AND_BABY: N_("Mother and baby"),
        Need.PSYCHOSOCIAL_CARE: N_("Psychosocial care"),
        Need.SIBLINGS_TOGETHER: N_("Siblings together"),
        Need.HIGH_SECURITY: N_("High security"),
    },
    "means_of_control": {
        MeansOfControl.PHYSICAL_THREATS: N_("Threats of physical harm"),
        MeansOfControl.THREATS_LAW_ENFORCEMENT: N_("Threats of denunciation to the authorities"),
        MeansOfControl.THREATENS_CHILDREN_FAMILY: N_("Threats against family"),
        MeansOfControl.DEBT_BONDAGE: N_("Debt bondage"),
        MeansOfControl.FALSE_PROMISES: N_("False promises"),
        MeansOfControl.PHYSICAL_ABUSE: N_("Physical abuse"),
        MeansOfControl.TAKES_EARNINGS: N_("Takes earnings"),
        MeansOfControl.PSYCHOLOGICAL_ABUSE: N_("Psychological abuse"),
        MeansOfControl.EXCESSIVE_WORKING_HOURS: N_("Excessive working hours"),
        MeansOfControl.WITHHOLDS_DOCUMENTS: N_("Withholds documents"),
        MeansOfControl.RESTRICTS_MOVEMENT: N_("Restricts movement"),
        MeansOfControl.OTHER: N_("Other"),
    },
    "recruitment_type": {
        RecruitmentType.THROUGH_FAMILY: N_("Through family"),
        RecruitmentType.THROUGH_ONLINE_SOCIAL_NETWORKS: N_("Through online social networks"),
        RecruitmentType.OTHER: N_("Other"),
    },
    # Cross-border exchange (routecare.exchange): purposes, package states, HTCDS field names.
    "exchange_purpose": {
        "continuity_of_care": N_("Continuity of care"),
        "family_tracing": N_("Family tracing"),
        "safe_return_assessment": N_("Safe-return assessment"),
        "match_notice": N_("Match notice"),
    },
    "package_direction": {"sent": N_("Sent"), "received": N_("Received")},
    "package_status": {
        "sent": N_("Sent, no receipt yet"),
        "pending": N_("Awaiting the coordinator's decision"),
        "accepted": N_("Accepted"),
        "declined": N_("Declined"),
        "erasing": N_("Erasure requested"),
        "erased": N_("Erased"),
    },
    "package_field": {
        "prs_GivenName": N_("Given name"),
        "prs_FamilyName": N_("Family name"),
        "prs_OtherNames": N_("Other names"),
        "prs_DateOfBirth": N_("Date of birth"),
        "prs_Gender": N_("Sex"),
        "prs_Age": N_("Age"),
        "prs_Nationality": N_("Nationality"),
        "vic_Unaccompanied": N_("Unaccompanied"),
        "vic_TraffickingStatus": N_("Trafficking status"),
        "vic_TraffickingStatusDecisionMakingOrg": N_("Identified by"),
        "vic_TypeOfExploitation": N_("Forms of exploitation"),
        "cas_Status": N_("Case status"),
        "cas_RiskLevel": N_("Risk level"),
        "cas_FamilyTracingStatus": N_("Family tracing"),
        "spl_GuardianName": N_("Guardian"),
        "spl_BestInterestsAssessment": N_("Best-interests assessment (BIA)"),
        "spl_BestInterestsDetermination": N_("Best-interests determination (BID)"),
        "spl_DurableSolution": N_("Durable solution"),
    },
}

# Fields of a child's or a case's record whose values are codes, and the kind of each.
FIELD_KINDS: dict[str, str] = {
    "sex": "sex",
    "nationality": "country",
    "stage": "stage",
    "risk_level": "risk_level",
    "victim_status": "victim_status",
    "victim_decision_org": "decision_org",
    "exploitation_forms": "exploitation",
    "family_tracing_status": "family_tracing",
    "durable_solution": "durable_solution",
    "closure_reason": "closure_reason",
    # The same values as they travel in an exchange package (HTCDS names).
    "prs_Gender": "sex",
    "prs_Nationality": "country",
    "vic_TraffickingStatus": "victim_status",
    "vic_TraffickingStatusDecisionMakingOrg": "decision_org",
    "vic_TypeOfExploitation": "exploitation",
    "cas_Status": "case_status",
    "cas_RiskLevel": "risk_level",
    "cas_FamilyTracingStatus": "family_tracing",
    "spl_DurableSolution": "durable_solution",
}

# Enums whose values are codes, not words a page may show: the untranslated-page test
# looks for every one of these values in French and Arabic pages.
LABELLED_ENUMS: tuple[type[StrEnum], ...] = (
    Role, OrganisationKind, Sex, Stage, CaseStatus, RiskLevel, VictimStatus, DecisionOrg,
    Exploitation, FamilyTracing, DurableSolution, ClosureReason, ConsentScope, GivenBy,
    AgeMethod, LinkRelation, DocumentKind, Element, AgeBasis, State, Step, ReferralReason,
    DeclineReason, ServiceKind, Need, Rule, MeansOfControl, RecruitmentType,
)  # fmt: skip


def _alpha_2(country: str) -> str | None:
    found = pycountry.countries.get(alpha_3=country.upper()) if len(country) == 3 else None
    return found.alpha_2 if found else (country.upper() if len(country) == 2 else None)


class Labels:
    """`label(kind, code)` for one page language; a code it does not know is shown as is,
    which the untranslated-page test (tests/web/test_page_language.py) catches."""

    def __init__(self, translations: NullTranslations, language: str) -> None:
        self._gettext = translations.gettext
        self._locale = Locale.parse(language)
        self._time_zones: list[tuple[str, str]] | None = None

    def __call__(self, kind: str, code: object) -> str:
        if code is None or code == "":
            return ""
        value = str(getattr(code, "value", code))
        if kind == "country":
            return self.country(value)
        if kind == "language":
            return self.language(value)
        msgid = CODE_LABELS[kind].get(value)
        return self._gettext(msgid) if msgid else value

    def value(self, field: str, value: object) -> str:
        """A record field's value in words: coded fields labelled, lists joined, the rest as is."""
        kind = FIELD_KINDS.get(field)
        if isinstance(value, list | tuple):
            return ", ".join(self(kind, item) if kind else str(item) for item in value)
        if value is None:
            return ""
        return self(kind, value) if kind else str(value)

    def country(self, code: str) -> str:
        """A country's name in the page language from its ISO 3166 alpha-3 (or alpha-2) code."""
        alpha_2 = _alpha_2(code)
        return str(self._locale.territories.get(alpha_2, code)) if alpha_2 else code

    def language(self, code: str) -> str:
        """A language's name in the page language from its ISO 639-1 or 639-3 code."""
        if code in LANGUAGES_CLDR_LACKS:
            return LANGUAGES_CLDR_LACKS[code][self._locale.language]
        name = self._locale.languages.get(code)
        return str(name[:1].upper() + name[1:]) if name else code

    def country_names(self) -> dict[str, str]:
        """Every territory's name in the page language by ISO alpha-2 code, for the map."""
        territories = self._locale.territories.items()
        return {code: str(name) for code, name in territories if len(code) == 2}

    def time_zone(self, name: str) -> str:
        """An IANA time zone as CLDR names it in the page language, followed by its IANA name
        (which staff on both sides of a border read the same way)."""
        if name == "UTC":
            return name
        return f"{get_timezone_location(name, locale=self._locale)} · {name}"

    def time_zone_choices(self) -> list[tuple[str, str]]:
        """(IANA name, label) for every zone a user may pick, in IANA order (region, city)."""
        if self._time_zones is None:  # about 500 CLDR look-ups: once per language
            self._time_zones = [(zone, self.time_zone(zone)) for zone in time_zones()]
        return self._time_zones

    def choices(self, kind: str, codes: Iterable[object]) -> list[tuple[str, str]]:
        """(code, label) pairs sorted by label, for a select the reader can scan."""
        pairs = [(str(getattr(c, "value", c)), self(kind, c)) for c in codes]
        return sorted(pairs, key=lambda pair: pair[1].casefold())


def all_countries() -> list[str]:
    """Every ISO 3166 country's alpha-3 code, for a nationality select."""
    return [country.alpha_3 for country in pycountry.countries]
