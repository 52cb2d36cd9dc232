"""The interactive documentation page (Swagger UI), served offline.

django-ninja's own Swagger page loads its scripts from a CDN unless ``ninja`` is an installed
app. Kalata works offline first (a commission's network may reach nothing but the server), so
this page takes Swagger UI's files from the copy bundled with the installed django-ninja
package and serves them from Kalata itself (``/api/v1/docs/assets/…``): no third-party host is
ever contacted, whatever the settings, and nothing third-party is copied into the repository.
The page has no inline script (the settings travel as JSON in a ``json_script`` element read by
ninja's init script), so a strict Content-Security-Policy (``script-src 'self'``) does not break
it.
"""

from __future__ import annotations

from pathlib import Path

import ninja
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from ninja.openapi.docs import DocsBase

ASSETS_DIR = Path(ninja.__file__).resolve().parent / "static" / "ninja"
#: The only files served, with their types.
ASSETS = {
    "swagger-ui.css": "text/css; charset=utf-8",
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui-init.js": "text/javascript; charset=utf-8",
    "favicon.svg": "image/svg+xml",
    "favicon.png": "image/png",
}
ASSET_MAX_AGE = 86400


def asset_url(name: str) -> str:
    """URL of a bundled asset, versioned by the installed django-ninja (cache busting)."""
    return reverse("api:docs-asset", args=[name]) + f"?v={ninja.__version__}"


class OfflineSwagger(DocsBase):
    """Swagger UI with its files served by Kalata (no CDN)."""

    def __init__(self, settings: dict | None = None) -> None:
        self.settings = {"layout": "BaseLayout", "deepLinking": True, **(settings or {})}

    def render_page(self, request, api, **kwargs):
        config = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        context = {
            "title": api.title,
            "swagger_settings": config,
            "css": asset_url("swagger-ui.css"),
            "bundle": asset_url("swagger-ui-bundle.js"),
            "init": asset_url("swagger-ui-init.js"),
            "favicon_svg": asset_url("favicon.svg"),
            "favicon_png": asset_url("favicon.png"),
        }
        return render(request, "api/docs.html", context)


def docs_asset(request, name: str):
    """One of the bundled Swagger UI files (allow-list), cacheable for a day."""
    content_type = ASSETS.get(name)
    path = ASSETS_DIR / name
    if content_type is None or not path.is_file():
        raise Http404("Fichier inconnu.")
    response = FileResponse(path.open("rb"), content_type=content_type)
    response["Cache-Control"] = f"public, max-age={ASSET_MAX_AGE}"
    response["X-Content-Type-Options"] = "nosniff"
    return response
