"""Routes of the web UI: the page at `/`, its assets under `/static/`, and the page's settings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel

from dyno_agent import __version__
from dyno_agent.demo import DATASET_DEMO, DATASET_KEY, DEMO_PASSWORD, DEMO_USERS
from dyno_agent.deps import SessionDep, SettingsDep
from dyno_agent.scheduling import clock
from dyno_agent.scheduling.models import AppMeta

STATIC_DIR = Path(__file__).parent / "static"
# Everything the page loads comes from this origin; Markdown is sanitised as well (markdown.js).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}

router = APIRouter(tags=["web"])
router.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")


class DemoLogin(BaseModel):
    email: str
    role: str


class DemoHint(BaseModel):
    password: str
    logins: list[DemoLogin]


class UiConfig(BaseModel):
    version: str
    today: dt.date
    registration: bool
    demo: DemoHint | None


@router.api_route(
    "/", methods=["GET", "HEAD"], response_class=HTMLResponse, include_in_schema=False
)
async def page() -> HTMLResponse:
    """The single page of the web UI."""
    html = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    return HTMLResponse(html, headers=PAGE_HEADERS)


@router.get("/ui/config", response_model=UiConfig)
async def ui_config(session: SessionDep, settings: SettingsDep) -> UiConfig:
    """What the login page needs before anyone signs in: today, registration, demo logins."""
    marker = await session.get(AppMeta, DATASET_KEY)
    demo = None
    if marker is not None and marker.value == DATASET_DEMO:
        logins = [DemoLogin(email=email, role=role.value) for email, role, _ in DEMO_USERS]
        demo = DemoHint(password=DEMO_PASSWORD, logins=logins)
    return UiConfig(
        version=__version__,
        today=clock.today(),
        registration=settings.allow_registration,
        demo=demo,
    )
