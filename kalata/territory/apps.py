from django.apps import AppConfig


class TerritoryConfig(AppConfig):
    name = "kalata.territory"
    label = "territory"
    verbose_name = "Territoire"
    default_auto_field = "django.db.models.BigAutoField"
