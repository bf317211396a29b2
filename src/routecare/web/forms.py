"""Reading pages' forms: one parser, and field errors a page can show next to each field.

A refusal names the fields and what is wrong with each as a code (never the value typed,
which could be a child's name); the error page lists them with `data-field` and
`static/forms.js` shows each next to its field on the form, in the page's language, keeping
what was typed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from routecare.errors import InvalidInput

Model = TypeVar("Model", bound=BaseModel)

# What is wrong with a field, as the page explains it (translated in error.html).
PROBLEMS: dict[str, str] = {
    "missing": "required",
    "string_too_short": "too_short",
    "string_too_long": "too_long",
    "too_short": "too_short",
    "too_long": "too_long",
    "string_pattern_mismatch": "format",
    "enum": "choice",
    "literal_error": "choice",
    "int_parsing": "number",
    "int_type": "number",
    "float_parsing": "number",
    "greater_than": "range",
    "greater_than_equal": "range",
    "less_than": "range",
    "less_than_equal": "range",
    "date_parsing": "date",
    "date_from_datetime_parsing": "date",
    "datetime_parsing": "date",
    "datetime_from_date_parsing": "date",
    "date_in_past": "past",  # our own rule (a task due before today)
}


class FormInvalid(InvalidInput):
    """Fields of a form failed validation; `fields` maps each to a problem code."""

    def __init__(self, fields: Mapping[str, str]) -> None:
        super().__init__(f"check these fields: {', '.join(sorted(fields)) or 'form'}")
        self.fields = dict(fields)


def field_problems(errors: Iterable[Mapping[str, Any]], skip: Sequence[str] = ()) -> dict[str, str]:
    """Field name -> problem code, from pydantic's or FastAPI's error list (the first problem
    of each field; `skip` drops location prefixes such as "body")."""
    problems: dict[str, str] = {}
    for error in errors:
        location = [str(part) for part in error.get("loc", ()) if str(part) not in skip]
        field = location[0] if location else "form"
        problems.setdefault(field, PROBLEMS.get(str(error.get("type", "")), "invalid"))
    return problems


def parse_form(
    model: type[Model], values: Mapping[str, object], *, blank_is_unset: bool = True
) -> Model:
    """Validate a page's form against `model`, ignoring fields the model does not have.

    With `blank_is_unset` an empty field takes the model's default (what a form means by
    leaving it blank); without it the blank is validated (an edit form clears with it).
    """
    known = {
        k: v
        for k, v in values.items()
        if k in model.model_fields and not (blank_is_unset and v in ("", None))
    }
    try:
        return model.model_validate(known)
    except ValidationError as error:
        raise FormInvalid(field_problems(error.errors())) from None
