"""URLs of kalata.commission (filled by the commission work)."""

app_name = "commission"
urlpatterns: list = []
