from django.apps import AppConfig


class ElectionsConfig(AppConfig):
    name = "kalata.elections"
    label = "elections"
    verbose_name = "Scrutins"
    default_auto_field = "django.db.models.BigAutoField"
