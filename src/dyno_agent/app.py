"""create_app(): the FastAPI application. Connections are made in the lifespan, never at import."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, Depends, FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from dyno_agent import __version__, errors, health
from dyno_agent.agent import router as chat_router
from dyno_agent.agent.service import ChatThrottle, build_chat, open_checkpointer
from dyno_agent.approvals import router as approvals_router
from dyno_agent.audit import router as audit_router
from dyno_agent.auth import router as auth_router
from dyno_agent.config import Settings, get_settings
from dyno_agent.conversations import router as conversations_router
from dyno_agent.db.engine import make_engine, make_session_factory
from dyno_agent.db.timeouts import DatabaseTimeouts
from dyno_agent.db.url import open_database
from dyno_agent.feeds import router as feeds_router
from dyno_agent.forecast import export_router
from dyno_agent.forecast import router as imports_router
from dyno_agent.inputs import reject_nul_params
from dyno_agent.notifications import router as notifications_router
from dyno_agent.notifications.worker import running_worker
from dyno_agent.observability import metrics
from dyno_agent.observability import router as metrics_router
from dyno_agent.observability.http import HTTPMetricsMiddleware
from dyno_agent.observability.logging import configure_logging
from dyno_agent.observability.requests import RequestContextMiddleware
from dyno_agent.planning import router as plans_router
from dyno_agent.reports import router as business_router
from dyno_agent.reports.business import BusinessCache
from dyno_agent.requests import router as requests_router
from dyno_agent.scheduling.api import (
    allocations,
    availability,
    dynos,
    maintenance,
    reports,
    vehicles,
)
from dyno_agent.series import router as series_router
from dyno_agent.throttle import make_storage
from dyno_agent.waitlist import router as waitlist_router
from dyno_agent.waitlist.sweeper import sweep_forever
from dyno_agent.web import docs as web_docs
from dyno_agent.web import router as web_router

API_PREFIX = "/api/v1"


def api_router() -> APIRouter:
    router = APIRouter(
        prefix=API_PREFIX,
        dependencies=[Depends(reject_nul_params)],
        responses=errors.ERROR_RESPONSES,
    )
    router.include_router(auth_router.router)
    router.include_router(auth_router.users_router)
    for module in (vehicles, dynos, maintenance, availability, allocations, reports):
        router.include_router(module.router)
    router.include_router(chat_router.router)
    router.include_router(conversations_router.router)
    router.include_router(audit_router.router)
    router.include_router(export_router.router)
    router.include_router(requests_router.router)
    router.include_router(imports_router.router)
    router.include_router(plans_router.router)
    router.include_router(business_router.router)
    router.include_router(feeds_router.router)
    router.include_router(series_router.router)
    router.include_router(notifications_router.router)
    router.include_router(waitlist_router.router)
    router.include_router(approvals_router.router)
    return router


def create_app(
    settings: Settings | None = None,
    engine: AsyncEngine | None = None,
    notify_worker: bool = False,
) -> FastAPI:
    """Build the app; pass `engine` to share one (tests), else the lifespan opens the database.
    With `notify_worker`, the lifespan also runs a notification worker (`dyno serve`)."""
    settings = settings or get_settings()
    if not settings.jwt_secret:
        settings = settings.model_copy(update={"jwt_secret": settings.resolved_jwt_secret()})

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = engine is None
        timeouts = DatabaseTimeouts.from_settings(settings)
        if owned:
            database = open_database(settings)
            app.state.database = database
            app.state.engine = make_engine(database.url, settings.db_pool_size, timeouts)
        else:
            app.state.engine = engine
        app.state.session_factory = make_session_factory(app.state.engine)
        try:
            async with open_checkpointer(
                app.state.engine, settings.db_pool_size, timeouts
            ) as checkpointer:
                app.state.checkpointer = checkpointer
                app.state.chat = build_chat(settings, app.state.session_factory, checkpointer)
                sweeper = (
                    asyncio.create_task(
                        sweep_forever(app.state.session_factory, settings.waitlist_sweep_s)
                    )
                    if settings.waitlist_sweep_s
                    else None
                )
                try:
                    async with running_worker(settings, app.state.session_factory, notify_worker):
                        yield
                finally:
                    if sweeper is not None:
                        sweeper.cancel()
                        with contextlib.suppress(asyncio.CancelledError):
                            await sweeper
        finally:
            if owned:
                await app.state.engine.dispose()

    app = FastAPI(
        title="Dyno Agent",
        version=__version__,
        summary="Chassis-dynamometer scheduling for automotive test labs.",
        lifespan=lifespan,
        docs_url=None,  # served from vendored files by web/docs.py instead of a CDN
        redoc_url=None,
    )
    app.state.settings = settings
    limits_storage = make_storage(settings.rate_limit_storage)
    app.state.login_limiter = auth_router.make_login_limiter(
        settings.login_rate_limit, limits_storage
    )
    app.state.chat_throttle = ChatThrottle(settings.chat_rate_limit, limits_storage)
    app.state.business_cache = BusinessCache(settings.business_cache_s)
    metrics.initialise(settings.llm_spec())
    if proxies := settings.trusted_proxy_list():
        # uvicorn's middleware: from a trusted peer, the right-most untrusted X-Forwarded-For
        # address becomes request.client (and X-Forwarded-Proto the scheme). `dyno serve` turns
        # off uvicorn's own copy, which would trust 127.0.0.1 whatever this setting says.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=proxies)
    # Added after the proxy middleware, so it runs before it: it sees the socket's peer before
    # the proxy middleware rewrites it, and its id is bound for everything the request logs.
    app.add_middleware(RequestContextMiddleware, trusted_proxies=settings.trusted_proxy_list())
    errors.install_handlers(app)
    app.add_middleware(HTTPMetricsMiddleware)  # outermost: sees every request and final status
    app.include_router(health.router)
    app.include_router(metrics_router.router)
    app.include_router(api_router())
    app.include_router(web_router.router)
    app.include_router(web_docs.router)
    return app


def served_app() -> FastAPI:
    """The app factory `dyno serve` hands uvicorn: each worker process calls it once."""
    settings = get_settings()
    configure_logging(settings)
    return create_app(settings, notify_worker=settings.notify_in_serve)
