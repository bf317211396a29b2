"""The one form parser: any input either validates or names its fields with a problem code,
never echoing what was typed (it could be a child's name)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from routecare.auth.schemas import NewUserIn
from routecare.cases.record_schemas import TaskIn
from routecare.web.forms import PROBLEMS, FormInvalid, parse_form

TYPED = st.one_of(st.none(), st.text(max_size=120), st.integers().map(str))
KNOWN_PROBLEMS = set(PROBLEMS.values()) | {"invalid"}


@settings(max_examples=150, deadline=None)
@given(
    username=TYPED,
    role=TYPED,
    title=TYPED,
    due_at=TYPED,
    stray=st.dictionaries(st.text(min_size=1, max_size=8), TYPED, max_size=3),
)
def test_any_form_input_validates_or_names_its_fields(
    username: str | None,
    role: str | None,
    title: str | None,
    due_at: str | None,
    stray: dict[str, str | None],
) -> None:
    for model, values in (
        (NewUserIn, {**stray, "username": username, "role": role}),
        (TaskIn, {**stray, "title": title, "due_at": due_at}),
    ):
        for blank_is_unset in (True, False):
            try:
                parse_form(model, values, blank_is_unset=blank_is_unset)
            except FormInvalid as refusal:
                assert refusal.fields and set(refusal.fields) <= set(model.model_fields)
                assert set(refusal.fields.values()) <= KNOWN_PROBLEMS
                # The message is made of field names alone: nothing typed comes back.
                assert str(refusal) == f"check these fields: {', '.join(sorted(refusal.fields))}"
