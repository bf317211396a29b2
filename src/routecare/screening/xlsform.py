"""The catalogue as an XLSForm for ODK Collect / KoboToolbox (offline field collection).

Question names are the indicator ids, labels are in English, French and Arabic, and the skip
logic mirrors the engine's: means are not asked of anyone treated as a child. A hidden
`form_version` field carries the catalogue key into every submission, so an import can refuse
answers collected with another version of the questions.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from routecare.screening.catalogue import Catalogue, Element
from routecare.screening.engine import ADULTHOOD, ESTIMATE_MARGIN_YEARS, AgeBasis

FORM_ID = "routecare_screening"
LANGUAGE_COLUMNS = (("en", "English (en)"), ("fr", "French (fr)"), ("ar", "Arabic (ar)"))
GROUP_PREFIX = "g_"
AGE_BASIS_LABELS = {
    AgeBasis.DOCUMENTED: (
        "Documented (identity document)",
        "Documenté (pièce d'identité)",
        "موثق (وثيقة هوية)",
    ),
    AgeBasis.ASSESSED: (
        "Assessed (formal age assessment)",
        "Évalué (évaluation formelle de l'âge)",
        "مُقيَّم (تقييم رسمي للسن)",
    ),
    AgeBasis.CLAIMED: ("Claimed by the person", "Déclaré par la personne", "مُصرَّح به من الشخص"),
    AgeBasis.ESTIMATED: ("Estimated by the screener", "Estimé par l'agent", "مُقدَّر من الموظف"),
    AgeBasis.UNKNOWN: ("Unknown", "Inconnu", "غير معروف"),
}
FIXED_QUESTIONS = [
    # (type, name, labels en/fr/ar, relevant, constraint)
    (
        "select_one age_basis",
        "age_basis",
        ("How is the age known?", "Comment l'âge est-il connu ?", "كيف عُرف السن؟"),
        "",
        "",
    ),
    (
        "integer",
        "age",
        ("Age in years", "Âge en années", "السن بالسنوات"),
        "${age_basis} != 'unknown'",
        ". >= 0 and . <= 30",
    ),
    (
        "text",
        "location",
        ("Location or border post", "Lieu ou poste frontière", "المكان أو المركز الحدودي"),
        "",
        "",
    ),
    (
        "text",
        "interpreter_language",
        (
            "Interview language (ISO 639)",
            "Langue de l'entretien (ISO 639)",
            "لغة المقابلة (ISO 639)",
        ),
        "",
        "",
    ),
]
ELEMENT_LABELS = {
    Element.ACT: ("The journey", "Le voyage", "الرحلة"),
    Element.PURPOSE: (
        "Work and living conditions",
        "Travail et conditions de vie",
        "العمل وظروف العيش",
    ),
    Element.MEANS: (
        "How the person was recruited and controlled",
        "Comment la personne a été recrutée et contrôlée",
        "كيف جرى تجنيد الشخص والسيطرة عليه",
    ),
    Element.VULNERABILITY: ("Situation and risks", "Situation et risques", "الوضع والمخاطر"),
    Element.SMUGGLING: ("Crossing borders", "Passage des frontières", "عبور الحدود"),
}
ELEMENT_ORDER = (
    Element.ACT,
    Element.PURPOSE,
    Element.VULNERABILITY,
    Element.MEANS,
    Element.SMUGGLING,
)
# Same rule as engine.decide_age: unknown age, or an estimate whose lower bound is under 18.
IS_CHILD = (
    f"if(${{age_basis}} = 'unknown' or string-length(${{age}}) = 0, 1, "
    f"if(${{age_basis}} = 'estimated', if(${{age}} - {ESTIMATE_MARGIN_YEARS} < {ADULTHOOD}, 1, 0), "
    f"if(${{age}} < {ADULTHOOD}, 1, 0)))"
)


def form_rows(catalogue: Catalogue) -> tuple[list[list[str]], list[list[str]]]:
    """The survey and choices sheets as rows (header first)."""
    label_headers = [f"label::{name}" for _, name in LANGUAGE_COLUMNS]
    hint_headers = [f"hint::{name}" for _, name in LANGUAGE_COLUMNS]
    survey = [
        [
            "type",
            "name",
            *label_headers,
            *hint_headers,
            "relevant",
            "constraint",
            "calculation",
            "required",
        ]
    ]
    blank_hints = ["", "", ""]
    survey.append(["start", "start", "", "", "", *blank_hints, "", "", "", ""])
    survey.append(["end", "end", "", "", "", *blank_hints, "", "", "", ""])
    for kind, name, labels, relevant, constraint in FIXED_QUESTIONS:
        required = "yes" if name in ("age_basis", "age") else ""
        survey.append([kind, name, *labels, *blank_hints, relevant, constraint, "", required])
    survey.append(["calculate", "is_child", "", "", "", *blank_hints, "", "", IS_CHILD, ""])
    survey.append(
        ["calculate", "form_version", "", "", "", *blank_hints, "", "", f"'{catalogue.key}'", ""]
    )
    for element in ELEMENT_ORDER:
        # Every group is asked, means for a child too: alone they make the child at risk.
        survey.append(
            [
                "begin_group",
                f"{GROUP_PREFIX}{element.value}",
                *ELEMENT_LABELS[element],
                *blank_hints,
                "",
                "",
                "",
                "",
            ]
        )
        for indicator in catalogue.indicators:
            if indicator.element is element:
                text, child = indicator.text, indicator.child_text
                survey.append(
                    [
                        "select_one yes_no",
                        indicator.id,
                        text.en,
                        text.fr,
                        text.ar,
                        child.en,
                        child.fr,
                        child.ar,
                        "",
                        "",
                        "",
                        "",
                    ]
                )
        survey.append(["end_group", "", "", "", "", *blank_hints, "", "", "", ""])
    choices = [["list_name", "name", *label_headers]]
    choices += [["yes_no", "yes", "Yes", "Oui", "نعم"], ["yes_no", "no", "No", "Non", "لا"]]
    choices += [["age_basis", basis.value, *labels] for basis, labels in AGE_BASIS_LABELS.items()]
    return survey, choices


def write_xlsform(catalogue: Catalogue, output: Path) -> None:
    """Write the workbook (survey, choices, settings) that pyxform converts to an XForm."""
    survey, choices = form_rows(catalogue)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "survey"
    for row in survey:
        sheet.append(row)
    choice_sheet = workbook.create_sheet("choices")
    for row in choices:
        choice_sheet.append(row)
    settings = workbook.create_sheet("settings")
    settings.append(["form_title", "form_id", "version", "default_language"])
    settings.append([catalogue.title.en, FORM_ID, catalogue.key.replace("-", "_"), "English (en)"])
    workbook.save(output)
