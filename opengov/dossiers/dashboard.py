"""``/dashboard``: how dossiers are handled, as charts a person reads at a glance (vi/en).

Charts are SVG drawn on the server from the same aggregates as ``/dossiers/stats`` (suppressed
cells left out), so the page needs no script and no file from elsewhere.
"""

from __future__ import annotations

import marshmallow as ma
from flask import Response, render_template

from opengov.api import Blueprint
from opengov.context import current
from opengov.dossiers import stats
from opengov.dossiers.clock import local_date
from opengov.dossiers.dashboard_charts import CHANNEL_COLOURS, bars, columns
from opengov.dossiers.dashboard_names import agency_names, procedure_names, slowest
from opengov.page_language import lang_field, language
from opengov.store.types import utcnow

blp = Blueprint("dossiers_dashboard", __name__, url_prefix="/dashboard",
                template_folder="templates",
                description="Dashboard of dossier handling (HTML)")
DashboardArgs = ma.Schema.from_dict({"lang": lang_field()}, name="DashboardArgs")
TEXT = {
    "vi": {"title": "Tình hình giải quyết hồ sơ thủ tục hành chính",
           "intro": "Số liệu tổng hợp theo tháng tiếp nhận; ô dưới 5 hồ sơ được ẩn. Dữ liệu "
                    "mẫu, tổng hợp.",
           "by_agency": "Tỷ lệ giải quyết đúng hạn theo cơ quan",
           "by_month": "Tỷ lệ giải quyết đúng hạn theo tháng",
           "channels": "Số hồ sơ theo kênh tiếp nhận và tháng",
           "slowest": "Thủ tục giải quyết chậm nhất (trung vị ngày so với thời hạn)",
           "slowest_rule": "Chỉ gồm các thủ tục có trung vị số ngày giải quyết vượt thời hạn "
                           "(trung vị); xếp theo mức vượt (trung vị ÷ thời hạn) giảm dần, "
                           "tối đa 10 thủ tục.",
           "none_late": "Không có thủ tục nào có trung vị số ngày giải quyết vượt thời hạn.",
           "year_line": "Vạch đứng: sang năm mới.",
           "procedure": "Thủ tục", "median": "Trung vị (ngày)", "statutory": "Thời hạn (ngày)",
           "received": "Hồ sơ", "empty": "Chưa có số liệu.", "other": "English",
           "index_note": "Đây là chỉ số 2.1 (tối đa 20 điểm) của Bộ chỉ số phục vụ người dân, "
                         "doanh nghiệp (Quyết định 766/QĐ-TTg). Các chỉ số tính được từ hồ sơ, "
                         "theo cơ quan và tháng:",
           "channel": {"in_person": "Trực tiếp", "online": "Trực tuyến",
                       "postal": "Bưu chính"}},
    "en": {"title": "How dossiers of administrative procedures are handled",
           "intro": "Figures by month of receipt; cells under 5 dossiers are hidden. "
                    "Synthetic sample data.",
           "by_agency": "Share resolved on time, by agency",
           "by_month": "Share resolved on time, by month",
           "channels": "Dossiers by channel and month",
           "slowest": "Slowest procedures (median days against the statutory time)",
           "slowest_rule": "Only procedures whose median days taken exceed their (median) "
                           "statutory time, the furthest over first (median ÷ statutory "
                           "time); at most 10.",
           "none_late": "No procedure's median days taken exceed its statutory time.",
           "year_line": "Vertical line: a new year begins.",
           "procedure": "Procedure", "median": "Median (days)", "statutory": "Statutory (days)",
           "received": "Dossiers", "empty": "No figures yet.", "other": "Tiếng Việt",
           "index_note": "This is indicator 2.1 (up to 20 points) of the service-delivery "
                         "index (Decision 766/QĐ-TTg). The indicators dossiers support, by "
                         "agency and month:",
           "channel": {"in_person": "In person", "online": "Online", "postal": "Postal"}},
}


def _cells(store, conn, by: tuple[str, ...], today) -> list[dict]:
    body = stats.compute(store, conn, stats.Request(by=by), today)
    return [c for c in body["cells"] if not c["suppressed"]]


@blp.route("")
@blp.doc(summary="Dashboard of dossier handling (HTML, vi/en)",
         description="On-time rates by agency and by month, volumes by channel and month, and "
                     "the slowest procedures, drawn from the same aggregates as "
                     "`/dossiers/stats` (suppressed cells left out). `lang=en` for English.")
@blp.arguments(DashboardArgs, location="query", as_kwargs=False)
@blp.response(200, schema={"type": "string"}, content_type="text/html",
              example="<!doctype html>…")
def dashboard(_args):
    lang = language()
    store = current().store
    today = local_date(utcnow())
    with store.reading() as conn:
        agencies = _cells(store, conn, ("agency",), today)
        months = _cells(store, conn, ("month",), today)
        channels = _cells(store, conn, ("month", "channel"), today)
        procedures = _cells(store, conn, ("procedure",), today)
        late = slowest(procedures)
        agencies_named = agency_names(store, conn, (c["agency"] for c in agencies), lang)
        procedures_named = procedure_names(store, conn, (p["procedure"] for p in late), lang)
    page = render_template(
        "dossiers/dashboard.html", lang=lang, t=TEXT[lang],
        other="en" if lang == "vi" else "vi",
        by_agency=bars(sorted(agencies, key=lambda c: c["share_on_time"] or 0), "agency",
                       "share_on_time", agencies_named),
        by_month=bars(months, "month", "share_on_time"), channels=columns(channels),
        colours=CHANNEL_COLOURS, slowest=late, names=procedures_named)
    response = Response(page, mimetype="text/html")
    response.headers["Cache-Control"] = "public, max-age=60"
    return response
