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
from opengov.page_language import lang_field, language
from opengov.store.types import utcnow

blp = Blueprint("dossiers_dashboard", __name__, url_prefix="/dashboard",
                template_folder="templates",
                description="Dashboard of dossier handling (HTML)")
DashboardArgs = ma.Schema.from_dict({"lang": lang_field()}, name="DashboardArgs")
CHANNEL_COLOURS = {"in_person": "#4e79a7", "online": "#59a14f", "postal": "#f28e2b"}
TEXT = {
    "vi": {"title": "Tình hình giải quyết hồ sơ thủ tục hành chính",
           "intro": "Số liệu tổng hợp theo tháng tiếp nhận; ô dưới 5 hồ sơ được ẩn. Dữ liệu "
                    "mẫu, tổng hợp.",
           "by_agency": "Tỷ lệ giải quyết đúng hạn theo cơ quan",
           "by_month": "Tỷ lệ giải quyết đúng hạn theo tháng",
           "channels": "Số hồ sơ theo kênh tiếp nhận và tháng",
           "slowest": "Thủ tục giải quyết chậm nhất (trung vị ngày so với thời hạn)",
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


def bars(cells: list[dict], key: str, value: str, width: int = 640, row: int = 22) -> dict:
    """Horizontal bars of ``value`` (a share, 0–1) per ``key``."""
    shown = [c for c in cells if c.get(value) is not None]
    return {"height": row * len(shown) + 10, "width": width, "bars": [
        {"label": str(c[key]), "y": 5 + i * row, "w": round(c[value] * (width - 260), 1),
         "text": f"{c[value] * 100:.0f}%"} for i, c in enumerate(shown)]}


def columns(cells: list[dict], width: int = 640, height: int = 200) -> dict:
    """Stacked columns of received dossiers per month and channel."""
    months = sorted({c["month"] for c in cells})
    totals = {m: sum(c["received"] for c in cells if c["month"] == m) for m in months}
    top = max(totals.values(), default=0) or 1
    step = (width - 40) / max(len(months), 1)
    out = []
    for i, month in enumerate(months):
        y = height - 20
        for channel in CHANNEL_COLOURS:
            n = sum(c["received"] for c in cells if c["month"] == month and
                    c["channel"] == channel)
            h = round(n / top * (height - 40), 1)
            y -= h
            out.append({"x": round(30 + i * step, 1), "y": round(y, 1), "w": round(step * 0.8, 1),
                        "h": h, "colour": CHANNEL_COLOURS[channel], "n": n, "month": month,
                        "channel": channel})
    return {"width": width, "height": height, "rects": [r for r in out if r["h"] > 0],
            "months": [{"x": round(30 + i * step, 1), "label": m[2:]}
                       for i, m in enumerate(months)]}


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
    slowest = sorted((p for p in procedures if p["days_median"] is not None
                      and p["statutory_days_median"]),
                     key=lambda p: -p["days_median"] / p["statutory_days_median"])[:10]
    page = render_template(
        "dossiers/dashboard.html", lang=lang, t=TEXT[lang],
        other="en" if lang == "vi" else "vi",
        by_agency=bars(sorted(agencies, key=lambda c: c["share_on_time"] or 0), "agency",
                       "share_on_time"),
        by_month=bars(months, "month", "share_on_time"), channels=columns(channels),
        colours=CHANNEL_COLOURS, slowest=slowest)
    response = Response(page, mimetype="text/html")
    response.headers["Cache-Control"] = "public, max-age=60"
    return response
