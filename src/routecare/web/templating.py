"""Rendering pages: one Jinja2 environment per language, so requests in different
languages never share translation state."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from routecare.web.i18n import LANGUAGES, language_of, load_translations

TEMPLATES_DIR = Path(__file__).parent / "templates"


def pages_of(request: Request) -> Pages:
    """The app's renderer, as handlers reach it."""
    pages: Pages = request.app.state.pages
    return pages


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
        language = language_of(request)
        page = self._environments[language.code].get_template(template)
        html = page.render(
            request=request,
            language=language,
            languages=LANGUAGES.values(),
            principal=getattr(request.state, "principal", None),
            csrf_token=getattr(request.state, "csrf_token", None),
            **(context or {}),
        )
        return HTMLResponse(html, status_code=status_code)


def _local_time(moment: datetime, *, zone: ZoneInfo, locale: str) -> str:
    """A stored UTC time as the reader's deployment and language write it, with the zone."""
    return format_datetime(moment, "medium", tzinfo=zone, locale=locale) + f" ({zone.key})"
