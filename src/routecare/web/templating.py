"""Rendering pages: one Jinja2 environment per language, so requests in different
languages never share translation state."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from routecare.web.i18n import LANGUAGES, language_of, load_translations
from routecare.web.labels import ROUTE_LANGUAGES, Labels, all_countries

TEMPLATES_DIR = Path(__file__).parent / "templates"


def pages_of(request: Request) -> Pages:
    """The app's renderer, as handlers reach it."""
    pages: Pages = request.app.state.pages
    return pages


class Pages:
    """The app's page renderer; domains add templates under `web/templates/<domain>/`."""

    def __init__(self) -> None:
        translations = load_translations()
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
        page = self._environments[language.code].get_template(template)
        return page.render(
            request=request,
            language=language,
            languages=LANGUAGES.values(),
            principal=getattr(request.state, "principal", None),
            csrf_token=getattr(request.state, "csrf_token", None),
            **(context or {}),
        )
