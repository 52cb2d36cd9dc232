"""URLs of kalata.commission, mounted at ``/commission/``. French paths; stable codes, not ids:
the round (``PRES-2026-04-26-T1``), the contest (``NATION``, ``C0101``…) and the station
(``CM010101-BV001``) name a sheet; a commission is named by its area's code (cercle ``C0101``,
District ``D09``, mission ``AMB-SN-DAKAR``, region ``R01`` for national councillors)."""

from django.urls import path

from kalata.commission import signing_views, views

app_name = "commission"

SHEET = "<str:round_code>/pv/<str:contest_code>/<str:station_code>/"
SUMMARY = "<str:round_code>/recapitulatif/<str:unit_code>/"

urlpatterns = [
    path("connexion/", views.CommissionLoginView.as_view(), name="login"),
    path("deconnexion/", views.logout_view, name="logout"),
    path("", views.index, name="index"),
    path("<str:round_code>/", views.queue, name="queue"),
    path(SUMMARY, views.summary_view, name="summary"),
    path(SUMMARY + "pdf/", views.summary_pdf, name="summary_pdf"),
    path(SUMMARY + "observation/", views.summary_observation, name="summary_observation"),
    path(SUMMARY + "signer/", signing_views.sign_view, name="summary_sign"),
    path(SUMMARY + "signature/<int:version>/pdf/", signing_views.signed_pdf, name="signed_pdf"),
    path(SHEET, views.sheet_view, name="sheet"),
    path(SHEET + "saisie/", views.entry_view, name="entry"),
    path(SHEET + "verifier/", views.verify_view, name="verify"),
    path(SHEET + "ecarts/", views.resolve_view, name="resolve"),
    path(SHEET + "avertissements/", views.acknowledge_view, name="acknowledge"),
    path(SHEET + "ecarter/", views.discard_view, name="discard"),
    path(SHEET + "rectifier/", views.correct_view, name="correct"),
    path(SHEET + "scan/", views.scan_upload, name="scan_upload"),
    path(SHEET + "scan/fichier/", views.scan_file, name="scan_file"),
    path(SHEET + "copie-delegue/", views.delegate_copy_view, name="delegate_copy"),
    path(SHEET + "observation/", views.observation_view, name="observation"),
]
