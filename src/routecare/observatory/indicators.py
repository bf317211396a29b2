"""Means of control and recruitment type, as HTCDS categories read off a screening's answered
indicators. Only the categories reach the fact store, never the answers.

`vic_MethodsOfControl` and `vic_MethodOfRecruitment` are HTCDS v2.0's vocabularies
(`RestrictsMovement` is one of the extensions HTCDS's definitions describe). An indicator maps to
a category only when its question names that category; indicators that fit none add nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum

NONE = "none"


class MeansOfControl(StrEnum):
    PHYSICAL_THREATS = "PhysicalThreats"
    THREATS_LAW_ENFORCEMENT = "ThreatsLawEnforcement"
    THREATENS_CHILDREN_FAMILY = "ThreatensChildrenFamily"
    DEBT_BONDAGE = "DebtBondage"
    FALSE_PROMISES = "FalsePromises"
    PHYSICAL_ABUSE = "PhysicalAbuse"
    TAKES_EARNINGS = "TakesEarnings"
    PSYCHOLOGICAL_ABUSE = "PsychologicalAbuse"
    EXCESSIVE_WORKING_HOURS = "ExcessiveWorkingHours"
    WITHHOLDS_DOCUMENTS = "WithholdsDocuments"
    RESTRICTS_MOVEMENT = "RestrictsMovement"
    OTHER = "Other"


class RecruitmentType(StrEnum):
    THROUGH_FAMILY = "ThroughFamilyOrFamilyEvents"
    THROUGH_ONLINE_SOCIAL_NETWORKS = "ThroughOnlineSocialNetworks"
    OTHER = "Other"


MEANS_OF_CONTROL: dict[str, MeansOfControl] = {
    "means.deceived_about_job": MeansOfControl.FALSE_PROMISES,
    "means.deceived_about_pay": MeansOfControl.FALSE_PROMISES,
    "means.deceived_about_education": MeansOfControl.FALSE_PROMISES,
    "means.abducted_or_forced_to_leave": MeansOfControl.PHYSICAL_THREATS,
    "means.recruitment_debt": MeansOfControl.DEBT_BONDAGE,
    "means.debt_bondage": MeansOfControl.DEBT_BONDAGE,
    "means.family_situation_abused": MeansOfControl.OTHER,
    "means.payment_to_family": MeansOfControl.OTHER,
    "means.documents_confiscated": MeansOfControl.WITHHOLDS_DOCUMENTS,
    "means.threats_against_family": MeansOfControl.THREATENS_CHILDREN_FAMILY,
    "means.violence": MeansOfControl.PHYSICAL_ABUSE,
    "means.confined": MeansOfControl.RESTRICTS_MOVEMENT,
    "means.isolated": MeansOfControl.PSYCHOLOGICAL_ABUSE,
    "means.threat_of_denunciation": MeansOfControl.THREATS_LAW_ENFORCEMENT,
    "purpose.earnings_taken": MeansOfControl.TAKES_EARNINGS,
    "purpose.excessive_hours": MeansOfControl.EXCESSIVE_WORKING_HOURS,
    "vulnerability.unrelated_adult_holds_documents": MeansOfControl.WITHHOLDS_DOCUMENTS,
    "vulnerability.held_until_paid": MeansOfControl.RESTRICTS_MOVEMENT,
}
RECRUITMENT: dict[str, RecruitmentType] = {
    "act.recruited_through_family": RecruitmentType.THROUGH_FAMILY,
    "act.recruited_online": RecruitmentType.THROUGH_ONLINE_SOCIAL_NETWORKS,
    "act.recruited_with_offer": RecruitmentType.OTHER,
}


def categories(answer_sets: Iterable[Mapping[str, bool]], mapping: Mapping[str, StrEnum]) -> str:
    """The categories the indicators answered yes name, over one or several screenings of one
    person: sorted and joined by '+', or 'none' (a multi-valued fact column)."""
    found = {
        mapping[indicator].value
        for answers in answer_sets
        for indicator, yes in answers.items()
        if yes and indicator in mapping
    }
    return "+".join(sorted(found)) if found else NONE
