"""`/docs` (Swagger UI) and `/redoc` (ReDoc) from vendored files, under the web UI's CSP.

FastAPI's own pages load both from a CDN and start them with an inline script; these load
`/static/vendor/...` and start them with `/static/docs/*.js`, so they work offline. Swagger UI
runs under the web UI's policy as it is. ReDoc styles itself with `<style>` elements and searches
in a worker made from a blob, so its page alone also admits styles carrying that response's nonce
(handed to ReDoc), ReDoc's two fixed style blocks by hash, and blob workers; scripts stay `'self'`
only, and its logo from a CDN stays refused.
"""

from __future__ import annotations

import secrets
from html import escape

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from dyno_agent.web.router import CONTENT_SECURITY_POLICY, PAGE_HEADERS

router = APIRouter(include_in_schema=False)

# The <style> blocks ReDoc 2.5.4 inserts without the nonce: perfect-scrollbar's CSS, and an empty
# one. Upgrading ReDoc may change them: tests/web/test_api_docs.py then reports the new hashes.
REDOC_STYLE_HASHES = (
    "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
)

SWAGGER_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} - Swagger UI</title>
<link rel="stylesheet" href="{root}/static/vendor/swagger-ui/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-openapi-url="{openapi_url}"></div>
<script src="{root}/static/vendor/swagger-ui/swagger-ui-bundle.js"></script>
<script src="{root}/static/docs/swagger.js"></script>
</body>
</html>
"""

REDOC_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} - ReDoc</title>
</head>
<body>
<div id="redoc" data-openapi-url="{openapi_url}" data-nonce="{nonce}"></div>
<script src="{root}/static/vendor/redoc/redoc.standalone.js"></script>
<script src="{root}/static/docs/redoc.js"></script>
</body>
</html>
"""


def _render(template: str, request: Request, nonce: str = "") -> HTMLResponse:
    root = escape(request.scope.get("root_path", "").rstrip("/"))
    html = template.format(
        title=escape(request.app.title),
        root=root,
        openapi_url=root + escape(request.app.openapi_url or "/openapi.json"),
        nonce=nonce,
    )
    headers = dict(PAGE_HEADERS)
    if nonce:
        headers["Content-Security-Policy"] = redoc_policy(nonce)
    return HTMLResponse(html, headers=headers)


def redoc_policy(nonce: str) -> str:
    """The page's policy, admitting ReDoc's `<style>` elements and its search worker."""
    styles = " ".join(("'self'", f"'nonce-{nonce}'", *REDOC_STYLE_HASHES))
    policy = CONTENT_SECURITY_POLICY.replace("style-src 'self'", f"style-src {styles}", 1)
    return f"{policy}; worker-src 'self' blob:"


@router.get("/docs", response_class=HTMLResponse)
async def swagger_ui(request: Request) -> HTMLResponse:
    return _render(SWAGGER_PAGE, request)


@router.get("/redoc", response_class=HTMLResponse)
async def redoc(request: Request) -> HTMLResponse:
    return _render(REDOC_PAGE, request, nonce=secrets.token_urlsafe(18))
