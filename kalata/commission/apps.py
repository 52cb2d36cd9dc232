from django.apps import AppConfig


class CommissionConfig(AppConfig):
    name = "kalata.commission"
    label = "commission"
    verbose_name = "Écrans des commissions"
