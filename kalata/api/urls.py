"""URLs of kalata.api: the JSON API, version 1, under ``/api/v1/`` (stable).

- ``/api/v1/openapi.json``: the OpenAPI schema; ``/api/v1/docs``: its documentation page
  (Swagger UI served offline, ``kalata.api.docs``);
- ``/api/v1/…``: the operations of ``kalata.api.api``.
"""

from django.urls import path

from kalata.api.api import api
from kalata.api.docs import docs_asset

app_name = "api"
urlpatterns = [
    path("v1/docs/assets/<str:name>", docs_asset, name="docs-asset"),
    path("v1/", api.urls),
]
