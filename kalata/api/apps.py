from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "kalata.api"
    label = "api"
    verbose_name = "API des terminaux et partenaires"
    default_auto_field = "django.db.models.BigAutoField"
