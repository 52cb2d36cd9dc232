"""URLs of kalata.api (filled by the api work)."""

app_name = "api"
urlpatterns: list = []
