"""The closed lists a case uses. Stored as codes (HTCDS value names where HTCDS has one);
pages translate labels, never the codes."""

from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    """CPWG case-management steps, in order (registration split from identification)."""

    IDENTIFICATION = "identification"
    REGISTRATION = "registration"
    ASSESSMENT = "assessment"
    CARE_PLAN = "care_plan"
    SERVICES = "services"
    FOLLOW_UP = "follow_up"
    DURABLE_SOLUTION = "durable_solution"
    CLOSURE = "closure"


class CaseStatus(StrEnum):
    """HTCDS `cas_Status`."""

    ACTIVE = "Active"
    FOLLOW_UP = "FollowUp"
    CLOSED = "Closed"
    CLOSED_REFERRED = "ClosedReferred"


class RiskLevel(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class VictimStatus(StrEnum):
    """HTCDS `vic_TraffickingStatus`: presumed, identified by a competent body, or not."""

    POSSIBLE = "PossibleVictimOfTrafficking"
    ACTUAL = "ActualVictimOfTrafficking"
    NOT_A_VICTIM = "NotAVictimOfTrafficking"


class DecisionOrg(StrEnum):
    """HTCDS `vic_TraffickingStatusDecisionMakingOrg`."""

    POLICE = "Police"
    NGO = "NGO"
    COURT_OR_PROSECUTION = "CourtOrProsecution"
    NON_POLICE_GOVERNMENT = "NonPoliceGovernmentalOrganization"
    OTHER = "Other"


class Exploitation(StrEnum):
    """HTCDS `vic_TypeOfExploitation`."""

    FORCED_LABOUR = "ForcedLabour"
    SEXUAL_EXPLOITATION = "SexualExploitation"
    CHILD_LABOUR = "ChildLabour"
    FORCED_MARRIAGE = "ForcedMarriage"
    SERVITUDE = "Servitude"
    FORCED_MILITARY = "ForcedMilitaryByNonStateActors"
    ORGAN_REMOVAL = "OrganRemoval"
    FORCED_BEGGING = "ForcedBegging"
    FORCED_ADOPTION = "ForcedAdoption"
    SURROGACY = "Surrogacy"
    OTHER = "Other"


class FamilyTracing(StrEnum):
    NOT_NEEDED = "not_needed"
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    FAMILY_FOUND = "family_found"
    REUNIFIED = "reunified"
    NOT_POSSIBLE = "not_possible"


class DurableSolution(StrEnum):
    LOCAL_INTEGRATION = "local_integration"
    FAMILY_REUNIFICATION = "family_reunification"
    RETURN_AND_REINTEGRATION = "return_and_reintegration"
    RESETTLEMENT = "resettlement"


class ClosureReason(StrEnum):
    GOALS_MET = "goals_met"
    DURABLE_SOLUTION = "durable_solution"
    TURNED_18 = "turned_18"
    MOVED = "moved"
    TRANSFERRED = "transferred"  # HTCDS ClosedReferred
    LOST_CONTACT = "lost_contact"
    DUPLICATE = "duplicate"  # a second registration of a child whose case continues


class ConsentScope(StrEnum):
    SERVICES = "services"
    REFERRAL = "referral"
    CROSS_BORDER = "cross_border"
    RESEARCH = "research"


class GivenBy(StrEnum):
    CHILD = "child"
    GUARDIAN = "guardian"
    REPRESENTATIVE = "representative"


class AgeMethod(StrEnum):
    DOCUMENT = "document"
    INTERVIEW = "interview"
    MULTIDISCIPLINARY = "multidisciplinary"
    MEDICAL = "medical"


class LinkRelation(StrEnum):
    SIBLING = "sibling"
    TRAVELLING_COMPANION = "travelling_companion"
    OTHER_RELATIVE = "other_relative"
    SAME_CHILD = "same_child"  # two registrations of one child (linkage: "same child")


class DocumentKind(StrEnum):
    IDENTITY_DOCUMENT = "identity_document"
    PHOTO = "photo"
    MEDICAL = "medical"
    LEGAL = "legal"
    OTHER = "other"


class TaskKind(StrEnum):
    APPOINT_GUARDIAN = "appoint_guardian"
    CUSTOM = "custom"
