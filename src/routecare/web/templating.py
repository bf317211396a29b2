"""Rendering pages: one Jinja2 environment per language, so requests in different
languages never share translation state."""

from __future__ import annotations

import re
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

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
        zone = ZoneInfo(time_zone)
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
            environment.filters["local_time"] = partial(_local_time, zone=zone, locale=code)
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
            **(context or {}),
        )


def _local_time(moment: datetime, *, zone: ZoneInfo, locale: str) -> str:
    """A stored UTC time as the reader's deployment and language write it, with the zone."""
    return format_datetime(moment, "medium", tzinfo=zone, locale=locale) + f" ({zone.key})"
