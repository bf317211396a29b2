"""Rendering pages: one Jinja2 environment per language, so requests in different
languages never share translation state."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context

from routecare.auth.principal import Principal
from routecare.web.i18n import LANGUAGES, language_of, load_translations
from routecare.web.labels import ROUTE_LANGUAGES, Labels, all_countries
from routecare.web.menu import menu_for

TEMPLATES_DIR = Path(__file__).parent / "templates"
# A case reference carried from page to page (`?case=`), so forms reached from a case are
# filled in with it; anything else is ignored.
CASE_REFERENCE = re.compile(r"[A-Z0-9]{2,6}-[A-Z0-9]{4,12}")


def pages_of(request: Request) -> Pages:
    """The app's renderer, as handlers reach it."""
    pages: Pages = request.app.state.pages
    return pages


def carried_case(request: Request) -> str | None:
    """The case reference the page was reached from, when the URL carries a valid one."""
    reference = request.query_params.get("case", "").strip().upper()
    return reference if CASE_REFERENCE.fullmatch(reference) else None


class Pages:
    """The app's page renderer; domains add templates under `web/templates/<domain>/`."""

    def __init__(self, time_zone: str = "UTC") -> None:
        translations = load_translations()
        self.default_time_zone = time_zone
        self._environments: dict[str, Environment] = {}
        for code in LANGUAGES:
            environment = Environment(
                loader=FileSystemLoader(TEMPLATES_DIR),
                autoescape=select_autoescape(["html"]),
                extensions=["jinja2.ext.i18n"],
            )
            environment.install_gettext_translations(translations[code], newstyle=True)  # type: ignore[attr-defined]
            environment.globals.update(
                label=Labels(translations[code], code),
                country_codes=all_countries(),
                route_languages=ROUTE_LANGUAGES,
            )
            environment.filters.update(local_time=_local_time, local_date=_local_date)
            self._environments[code] = environment

    def render(
        self,
        request: Request,
        template: str,
        context: dict[str, Any] | None = None,
        *,
        status_code: int = 200,
    ) -> HTMLResponse:
        return HTMLResponse(self.html(request, template, context), status_code=status_code)

    def html(self, request: Request, template: str, context: dict[str, Any] | None = None) -> str:
        """The page as text in the request's language, for a response or a PDF."""
        language = language_of(request)
        principal: Principal | None = getattr(request.state, "principal", None)
        # A session still owing its second factor reaches only the code pages: no menu.
        pending = getattr(request.state, "pending", None) is not None
        page = self._environments[language.code].get_template(template)
        return page.render(
            request=request,
            language=language,
            languages=LANGUAGES.values(),
            principal=principal,
            menu=menu_for(principal) if principal is not None and not pending else [],
            current_path=request.url.path,
            for_case=carried_case(request),
            csrf_token=getattr(request.state, "csrf_token", None),
            time_zone=self.time_zone_of(principal),
            **(context or {}),
        )

    def time_zone_of(self, principal: Principal | None) -> str:
        """The zone the reader sees times in: their own, else the deployment's."""
        if principal is not None and principal.time_zone:
            return principal.time_zone
        return self.default_time_zone


@pass_context
def _local_time(context: Context, moment: datetime | None) -> str:
    """A stored UTC time as the reader writes it (their zone and the page's language), with
    the zone's name so a time read aloud on the phone across a border is not misread."""
    if moment is None:
        return "—"
    zone = ZoneInfo(context["time_zone"])
    locale = context["language"].code
    return format_datetime(moment, "medium", tzinfo=zone, locale=locale) + f" ({zone.key})"


@pass_context
def _local_date(context: Context, moment: datetime | None) -> str:
    """The reader's calendar day of a stored UTC time, in the page's language."""
    if moment is None:
        return "—"
    day = moment.astimezone(ZoneInfo(context["time_zone"])).date()
    return format_date(day, "medium", locale=context["language"].code)
