"""URLs of kalata.public (filled by the public work)."""

app_name = "public"
urlpatterns: list = []
