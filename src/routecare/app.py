"""The ASGI application: pages and API over one deployment, policy enforced on every route."""

from __future__ import annotations

from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from routecare import api
from routecare.api.responses import install_openapi
from routecare.auth.http import DeploymentDep, enforce_route_policy
from routecare.config import Settings
from routecare.deployment import Deployment
from routecare.storage.migrate import upgrade
from routecare.web import (
    account_pages,
    admin_pages,
    audit_pages,
    case_export_pages,
    case_pages,
    case_record_pages,
    exchange_pages,
    home_pages,
    linkage_pages,
    observatory_pages,
    placement_pages,
    referral_pages,
    screening_pages,
    service_pages,
    two_factor_pages,
)
from routecare.web.errors import install_error_handlers
from routecare.web.security import SecurityMiddleware
from routecare.web.templating import Pages

STATIC_DIR = Path(__file__).parent / "web" / "static"


def create_app(settings: Settings, deployment: Deployment | None = None) -> FastAPI:
    """Build the app on a deployment (opened from `settings` when not given: KeyringError when
    its keys cannot read the database), migrating first."""
    deployment = deployment or Deployment.open(settings)
    upgrade(deployment.database)
    app = FastAPI(
        title="routecare",
        version="1.0",
        summary="Protecting children on the move from trafficking.",
        dependencies=[Depends(enforce_route_policy)],
        redoc_url=None,
        docs_url=None,
    )
    app.state.deployment = deployment
    app.state.pages = Pages(settings.time_zone)
    app.add_middleware(SecurityMiddleware, max_body_bytes=settings.max_body_bytes)
    if settings.trusted_proxies:  # outermost: every layer sees the client, not the proxy
        trusted = [str(network) for network in settings.trusted_proxies]
        # uvicorn types ASGI messages more narrowly than Starlette; the middleware is plain ASGI.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=trusted)  # type: ignore[arg-type]
    install_error_handlers(app, app.state.pages)

    @app.get("/healthz", tags=["operations"])
    def healthz(deployment: DeploymentDep) -> dict[str, str]:
        """Liveness and database reachability, for load balancers and monitors."""
        with deployment.database.transaction() as session:
            session.execute(text("SELECT 1"))
        return {"status": "ok"}

    app.include_router(account_pages.router)
    app.include_router(two_factor_pages.router)
    app.include_router(home_pages.router)
    app.include_router(case_pages.router)
    app.include_router(case_record_pages.router)
    app.include_router(case_export_pages.router)
    app.include_router(service_pages.router)
    app.include_router(placement_pages.router)
    app.include_router(referral_pages.router)
    app.include_router(screening_pages.router)
    app.include_router(linkage_pages.router)
    app.include_router(exchange_pages.router)
    app.include_router(observatory_pages.router)
    app.include_router(admin_pages.router)
    app.include_router(audit_pages.router)
    app.include_router(api.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    install_openapi(app)
    return app
