from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "kalata.web"
    label = "web"
    verbose_name = "Interface web"
