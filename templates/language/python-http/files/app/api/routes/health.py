"""Liveness and readiness, for load balancers and orchestrators."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from app.core import outage
from app.core.resources import Resource

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is up. Checks nothing else, so a slow database never restarts the app."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "A store the app needs is unreachable"}})
async def readyz(request: Request) -> JSONResponse:
    """The app can serve traffic: every store it needs answers. A store going away, and coming
    back, is logged once each (app.core.outage), not at every probe."""
    resources: dict[str, Resource] = request.app.state.resources
    checks: dict[str, str] = {}
    for name, resource in resources.items():
        try:
            await resource.ping()
        except Exception as exc:
            outage.failed(resource, exc)
            checks[name] = "down"
        else:
            outage.recovered(resource)
            checks[name] = "up"
    if "down" in checks.values():
        return JSONResponse({"status": "unavailable", "checks": checks}, status_code=503)
    return JSONResponse({"status": "ok", "checks": checks})
