"""URL map. Each app owns its URLs; French paths first (stable URLs: codes, not ids)."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include("kalata.api.urls")),
    path("commission/", include("kalata.commission.urls")),
    path("", include("kalata.public.urls")),
]
