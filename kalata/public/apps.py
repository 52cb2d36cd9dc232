from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "kalata.public"
    label = "public"
    verbose_name = "Site public des résultats"
