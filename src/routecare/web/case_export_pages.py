"""The case summary as a printable page and as a PDF, in the reader's language.

The PDF is the same template rendered by WeasyPrint (Pango shapes Arabic and lays it out right
to left); it fetches nothing: the stylesheet is read from the package and every other URL is
refused, so producing a file never makes a request.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import Response
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

from routecare.auth.http import CurrentPrincipal, DeploymentDep
from routecare.cases.exports import ExportFormat, export_case
from routecare.clock import utcnow
from routecare.web.i18n import language_of
from routecare.web.templating import pages_of

router = APIRouter(include_in_schema=False)
SUMMARY_CSS = Path(__file__).parent / "static" / "summary.css"


def _summary_html(
    request: Request,
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    reference: str,
    export_format: ExportFormat,
) -> str:
    language = language_of(request).code
    case = export_case(deployment, principal, reference, export_format, language)
    context = {
        "case": case,
        "pdf": export_format == "pdf",
        "produced_at": utcnow(),
    }
    return pages_of(request).html(request, "cases/summary.html", context)


@router.get("/cases/{reference}/summary")
def printable_summary(
    request: Request, reference: str, deployment: DeploymentDep, principal: CurrentPrincipal
) -> Response:
    html = _summary_html(request, deployment, principal, reference, "print")
    return Response(html, media_type="text/html; charset=utf-8")


@router.get("/cases/{reference}/summary.pdf")
def summary_pdf(
    request: Request, reference: str, deployment: DeploymentDep, principal: CurrentPrincipal
) -> Response:
    html = _summary_html(request, deployment, principal, reference, "pdf")
    document = HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=()))
    pdf = document.write_pdf(stylesheets=[CSS(filename=str(SUMMARY_CSS))])
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="case-{reference}.pdf"'},
    )
