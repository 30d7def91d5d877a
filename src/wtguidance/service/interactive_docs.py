"""``GET /docs``: the service's interactive documentation, served from installed files.

The page is Swagger UI over the service's own ``/openapi.json``. Its script, stylesheet and
icon are the Swagger UI 5 build shipped inside the ``fastapi-offline`` package (in the
``server`` extra), served by this service under ``/docs/assets/``: the page names no other
host, and its Content-Security-Policy tells the browser to load nothing from one, so the
documentation works on a network with no way out and leaks nothing to a CDN.

Why that package: it is kept up to date (Swagger UI 5, which renders the OpenAPI 3.1 that
FastAPI writes; ``swagger-ui-bundle`` still ships Swagger UI 4, which cannot), it is small
(2.8 MB wheel, only FastAPI as a dependency), and only its static files are used here.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["ASSETS_PATH", "CONTENT_SECURITY_POLICY", "DOCS_PATH", "add_docs", "assets_dir"]

DOCS_PATH = "/docs"
ASSETS_PATH = "/docs/assets"
#: the browser may load scripts, styles, images and the document from this service only
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)
_ASSETS = ("swagger-ui-bundle.js", "swagger-ui.css", "favicon.png")


def assets_dir() -> Path:
    """The installed Swagger UI files (``fastapi_offline/static``)."""
    folder = Path(str(resources.files("fastapi_offline") / "static"))
    missing = [name for name in _ASSETS if not (folder / name).is_file()]
    if missing:  # pragma: no cover - a broken install of the extra
        raise FileNotFoundError(f"fastapi-offline has no {', '.join(missing)} in {folder}")
    return folder


def add_docs(app: FastAPI, openapi_url: str) -> None:
    """Serve ``GET /docs`` (the page) and ``/docs/assets/*`` (its files) on ``app``."""
    from fastapi.openapi.docs import get_swagger_ui_html
    from fastapi.responses import HTMLResponse
    from fastapi.staticfiles import StaticFiles

    page = get_swagger_ui_html(
        openapi_url=openapi_url,
        title=f"{app.title} {app.version}: HTTP API",
        swagger_js_url=f"{ASSETS_PATH}/swagger-ui-bundle.js",
        swagger_css_url=f"{ASSETS_PATH}/swagger-ui.css",
        swagger_favicon_url=f"{ASSETS_PATH}/favicon.png",
        oauth2_redirect_url=None,
        # no badge fetched from the public validator service
        swagger_ui_parameters={"validatorUrl": None, "tryItOutEnabled": True},
    ).body
    headers = {"Content-Security-Policy": CONTENT_SECURITY_POLICY}

    @app.get(DOCS_PATH, include_in_schema=False)
    async def docs() -> HTMLResponse:
        return HTMLResponse(page, headers=headers)

    app.mount(ASSETS_PATH, StaticFiles(directory=assets_dir()), name="docs-assets")
