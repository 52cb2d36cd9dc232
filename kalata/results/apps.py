from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "kalata.results"
    label = "results"
    verbose_name = "Résultats"
    default_auto_field = "django.db.models.BigAutoField"
