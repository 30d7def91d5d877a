"""The HTTP service (``wtguidance serve``; the optional extra ``server``): DESIGN §15.

``app`` builds the ASGI application (FastAPI, served by uvicorn), ``handlers`` does each
endpoint's work without the framework, ``requests`` reads and checks request bodies,
``errors`` turns bad input into ``{"error": {code, message, location}}`` with a 4xx
status, and ``openapi`` writes the document committed as ``schemas/openapi.json``.

>>> from wtguidance.service import create_app
>>> app = create_app()          # compiled packs loaded once, shared by every request
"""

from __future__ import annotations

from wtguidance.service.app import (
    DEFAULT_MAX_BODY_BYTES,
    ServiceSettings,
    app_from_environment,
    create_app,
)

__all__ = ["DEFAULT_MAX_BODY_BYTES", "ServiceSettings", "app_from_environment", "create_app"]
