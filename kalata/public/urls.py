"""URLs of the public results site (mounted at "/"). French paths, stable codes.

Each page ``…/`` has its data at ``….json`` and ``….csv`` (the final slash replaced):

    /scrutins/                                         elections (latest first)
    /scrutins/<election>/                              an election and its rounds
    /scrutins/<election>/nist.json                     NIST SP 1500-100 ElectionReport
    /scrutins/<election>/tour-<n>/                     a round: contests, map, progress
    /scrutins/<election>/tour-<n>/carte/<regions|cercles>/<tete|participation>/   (and .svg)
    /scrutins/<election>/tour-<n>/<contest>/           a contest (NATION, C0101, CM010101…)
    /scrutins/<election>/tour-<n>/<contest>/carte/<regions|cercles>/<tete|participation>/
    /scrutins/<election>/tour-<n>/<contest>/region/<code>/    region, District (D09), EXT
    /scrutins/<election>/tour-<n>/<contest>/cercle/<code>/    cercle, District, mission
    /scrutins/<election>/tour-<n>/<contest>/commune/<code>/   commune or mission
    /scrutins/<election>/tour-<n>/<contest>/bureau/<station>/ a polling station
    /scrutins/<election>/tour-<n>/<contest>/bureau/<station>/pv   scan of its minutes
"""

from django.urls import path, register_converter

from . import views


class CodeConverter:
    regex = "[A-Za-z0-9][A-Za-z0-9_-]*"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class FormatConverter(CodeConverter):
    regex = "json|csv"


class LevelConverter(CodeConverter):
    regex = "region|cercle|commune"


class MapLevelConverter(CodeConverter):
    regex = "regions|cercles"


class MeasureConverter(CodeConverter):
    regex = "tete|participation"


register_converter(CodeConverter, "public_code")
register_converter(FormatConverter, "public_fmt")
register_converter(LevelConverter, "public_level")
register_converter(MapLevelConverter, "public_maplevel")
register_converter(MeasureConverter, "public_measure")

app_name = "public"

E = "scrutins/<public_code:election>"
R = E + "/tour-<int:number>"
C = R + "/<public_code:contest>"
MAP = "/carte/<public_maplevel:level>/<public_measure:measure>"
SVG = {"fmt": "svg"}

urlpatterns = [
    path("", views.home, name="home"),
    path("langue/<str:language>/", views.language, name="language"),
    path("scrutins/", views.elections, name="elections"),
    path("scrutins.<public_fmt:fmt>", views.elections, name="elections-data"),
    path(E + "/", views.election, name="election"),
    path(E + ".<public_fmt:fmt>", views.election, name="election-data"),
    path(E + "/nist.json", views.nist, name="nist"),
    path(R + "/", views.round_page, name="round"),
    path(R + ".<public_fmt:fmt>", views.round_page, name="round-data"),
    path(R + MAP + "/", views.round_map, name="round-map"),
    path(R + MAP + ".svg", views.round_map, SVG, name="round-map-svg"),
    path(C + "/", views.contest, name="contest"),
    path(C + ".<public_fmt:fmt>", views.contest, name="contest-data"),
    path(C + MAP + "/", views.contest_map, name="contest-map"),
    path(C + MAP + ".svg", views.contest_map, SVG, name="contest-map-svg"),
    path(C + "/bureau/<public_code:station>/", views.station, name="station"),
    path(C + "/bureau/<public_code:station>.<public_fmt:fmt>", views.station, name="station-data"),
    path(C + "/bureau/<public_code:station>/pv", views.minutes_image, name="minutes-image"),
    path(C + "/<public_level:level>/<public_code:code>/", views.unit, name="unit"),
    path(
        C + "/<public_level:level>/<public_code:code>.<public_fmt:fmt>",
        views.unit,
        name="unit-data",
    ),
]
