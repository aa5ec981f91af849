"""What the service-delivery index of Decision 766/QĐ-TTg defines, and where we read it.

Decision 766/QĐ-TTg of 23 June 2022 sets five groups of indicators, 100 points in all. The
figures opengov can compute from dossier events are :data:`COMPUTED`; every other indicator is
in :data:`NOT_COMPUTABLE` with the reason. Sources (docs/dossiers.md, "Service-delivery index"):

- the decision, its appendix (text at :data:`DECISION` ``url``; we could read its opening only);
- group maxima: Nam Định Department of Home Affairs' summary (:data:`GROUP_SOURCE`);
- 20 points for dossiers handled on time, 4/18 and 6/18 for two other indicators: the
  baocaotaichinh.vn summary (:data:`POINTS_SOURCE`);
- the computation rules of each indicator as the national portal applies them: a public
  description titled "Mô tả công thức tính chỉ số 766" (not an official text; see the docs).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

DECISION = {
    "number": "766/QĐ-TTg", "date": "2022-06-23",
    "title": "Phê duyệt Bộ chỉ số chỉ đạo, điều hành và đánh giá chất lượng phục vụ người dân, "
             "doanh nghiệp trong thực hiện thủ tục hành chính, dịch vụ công theo thời gian "
             "thực trên môi trường điện tử",
    "url": "https://thuviennhadat.vn/vbpl/quyet-dinh-766-qd-ttg-2022-bo-chi-so-danh-gia-chat-"
           "luong-phuc-vu-thu-tuc-hanh-chinh-dien-tu-518821.html"}
GROUP_SOURCE = ("https://sonoivu.namdinh.gov.vn/cai-cach-hanh-chinh/thu-tuong-chinh-phu-phe-"
                "duyet-bo-chi-so-chi-dao-dieu-hanh-va-danh-gia-chat-luong-phuc-vu-nguoi-dan-"
                "doanh-nghiep-trong-2373")
POINTS_SOURCE = ("https://baocaotaichinh.vn/thu-vien/quyet-dinh-766-qd-ttg-2022-phe-duyet-bo-"
                 "chi-so-chi-dao--dieu-hanh-va-danh-gia-chat-luong-phuc-vu-nguoi-dan--doanh-"
                 "nghiep-2108502745-126270")
PORTAL_RULES = "Mô tả công thức tính chỉ số 766 (public description, not an official text)"

#: Group id → (Vietnamese name, English name, maximum points).
GROUPS = {
    "1": ("Công khai, minh bạch", "Publicity and transparency", 18),
    "2": ("Tiến độ, kết quả giải quyết", "Progress and results of resolution", 20),
    "3": ("Cung cấp dịch vụ trực tuyến", "Online service provision", 22),
    "4": ("Số hóa hồ sơ", "Digitisation of dossiers", 22),
    "5": ("Mức độ hài lòng", "Satisfaction", 18),
}


@dataclass(frozen=True)
class Figure:
    """One figure of a cell: ``value = numerator / denominator`` (and points where scored)."""

    id: str
    indicator: str  # the decision's indicator it belongs to
    name_vi: str
    name: str
    numerator: str
    denominator: str
    max_points: float | None = None
    scoring: str | None = None
    needs: str | None = None  # a filter without which the figure is not given

    def doc(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v is not None}

    def measured(self, numerator: int, denominator: int) -> dict:
        """The figure of one cell: its counts, the share (None without a denominator) and,
        where the figure is scored, its points."""
        value = round(numerator / denominator, 4) if denominator else None
        item = {"id": self.id, "numerator": numerator, "denominator": denominator,
                "value": value}
        if self.max_points is not None:
            item["points"] = None if value is None else round(value * self.max_points, 2)
            item["max_points"] = self.max_points
        return item


ON_TIME = "Tỷ lệ hồ sơ xử lý trước hạn, đúng hạn"
BY_CHANNEL = "Tỷ lệ hồ sơ TTHC theo hình thức nộp hồ sơ"
COMPUTED = (
    Figure("2.1", "2.1", ON_TIME, "Share of dossiers resolved early or on time",
           "dossiers resolved on or before their due date",
           "dossiers resolved (result ready: approved or refused)", 20,
           "points = value × 20 (our reading: no threshold is stated for this indicator)"),
    Figure("2.1.early", "2.1", "Tỷ lệ hồ sơ xử lý trước hạn", "Share resolved early",
           "dossiers resolved before their due date (days taken < statutory days)",
           "dossiers resolved"),
    Figure("2.1.on_due_date", "2.1", "Tỷ lệ hồ sơ xử lý đúng hạn (đúng ngày hẹn)",
           "Share resolved on the due date itself",
           "dossiers resolved on time, not early", "dossiers resolved"),
    Figure("2.1.late", "2.1", "Tỷ lệ hồ sơ xử lý quá hạn", "Share resolved late",
           "dossiers resolved after their due date", "dossiers resolved"),
    Figure("2.2", "2.2", "Thời gian giải quyết TTHC trung bình theo từng TTHC",
           "Mean time to resolve, per procedure",
           "days taken by the resolved dossiers, summed (the procedure's unit: working or "
           "calendar days; supplement waits left out)", "dossiers resolved",
           needs="procedure"),
    Figure("3.3.online", "3.3", BY_CHANNEL + ": trực tuyến", "Share received online",
           "dossiers received online", "dossiers received"),
    Figure("3.3.in_person", "3.3", BY_CHANNEL + ": trực tiếp", "Share received in person",
           "dossiers received in person", "dossiers received"),
    Figure("3.3.postal", "3.3", BY_CHANNEL + ": qua bưu chính công ích",
           "Share received by post", "dossiers received by the public postal service",
           "dossiers received"),
)
#: Indicator 2.1 on the handled basis (``basis=handled``, :mod:`opengov.dossiers.handled`).
HANDLED = (
    Figure("2.1", "2.1", ON_TIME, "Share of dossiers handled early or on time",
           "dossiers resolved in the period on or before their due date + dossiers open at "
           "its end whose due date has not passed on its last day (or whose clock is stopped "
           "for a supplement)",
           "dossiers resolved in the period + dossiers open at its end (received before it, "
           "neither resolved nor withdrawn by then)", 20,
           "points = value × 20 (our reading: no threshold is stated for this indicator)"),
    Figure("2.1.resolved", "2.1", "Hồ sơ đã giải quyết trước hạn, đúng hạn",
           "Share of the dossiers resolved in the period resolved on time",
           "dossiers resolved in the period on or before their due date",
           "dossiers resolved in the period"),
    Figure("2.1.open", "2.1", "Hồ sơ đang giải quyết trong hạn",
           "Share of the dossiers open at the period's end not overdue",
           "dossiers open at the period's end whose due date has not passed on its last day",
           "dossiers open at the period's end"),
)

_CATALOGUE = "is about publishing procedures, not about dossiers"
_NO_DATA = "needs data the one-stop events do not carry: "
#: (id, group, Vietnamese name, reason it cannot be computed from dossiers).
NOT_COMPUTABLE = (
    ("1.1", "1", "Tỷ lệ thủ tục hành chính công bố đúng hạn",
     _CATALOGUE + " (dates of the publication decisions against the legal texts)"),
    ("1.2", "1", "Tỷ lệ thủ tục hành chính được cập nhật, công khai đúng hạn",
     _CATALOGUE + " (dates of publication in the national procedures database)"),
    ("1.3", "1", "Tỷ lệ TTHC được công khai có đầy đủ các nội dung quy định",
     _CATALOGUE + " (completeness of each procedure's published parts)"),
    ("1.4", "1", "Tỷ lệ hồ sơ đồng bộ lên Cổng Dịch vụ công quốc gia",
     _NO_DATA + "which dossiers were synchronised to the national portal"),
    ("3.toan_trinh", "3", "Tỷ lệ hồ sơ DVCTT toàn trình trên tổng hồ sơ TTHC đủ điều kiện",
     _NO_DATA + "which procedures qualify for full online service and electronic results"),
    ("3.1", "3", "Tỷ lệ TTHC cung cấp dịch vụ công trực tuyến",
     "counts procedures offering online services (a catalogue figure), not dossiers"),
    ("3.2", "3", "Tỷ lệ dịch vụ công trực tuyến có phát sinh hồ sơ",
     _NO_DATA + "the portal's list of online services of each procedure"),
    ("3.5", "3", "Tỷ lệ TTHC có nghĩa vụ tài chính được tích hợp thanh toán trực tuyến",
     _NO_DATA + "fees and payment integration"),
    ("3.6", "3", "Tỷ lệ hồ sơ thanh toán trực tuyến", _NO_DATA + "fees and payments"),
    ("4.1", "4", "Tỷ lệ hồ sơ có cấp kết quả giải quyết TTHC điện tử",
     _NO_DATA + "electronic results (result files)"),
    ("4.2", "4", "Tỷ lệ hồ sơ TTHC thực hiện số hóa hồ sơ",
     _NO_DATA + "digitised dossier components"),
    ("4.3", "4", "Tỷ lệ hồ sơ khai thác, sử dụng lại thông tin, dữ liệu số hóa",
     _NO_DATA + "reuse of digitised data"),
    ("4.4", "4", "Tỷ lệ hồ sơ được số hóa có kết nối, chia sẻ dữ liệu",
     _NO_DATA + "links to applicants' document stores (personal data, kept out on purpose)"),
    ("4.5", "4", "Ứng dụng dữ liệu dân cư trong giải quyết TTHC",
     _NO_DATA + "use of the population database (personal data, kept out on purpose)"),
    ("5.2", "5", "Tỷ lệ phản ánh, kiến nghị xử lý đúng hạn",
     "counts petitions (phản ánh, kiến nghị) handled by the national portal, not dossiers"),
    ("5.3", "5", "Tỷ lệ hài lòng trong xử lý phản ánh, kiến nghị",
     "counts petitions and their ratings, not dossiers"),
    ("5.4", "5", "Tỷ lệ hài lòng trong tiếp nhận, giải quyết TTHC",
     _NO_DATA + "complaints and ratings per dossier (only its late part is in 2.1.late)"),
)


def definitions(basis: str = "received") -> dict:
    """The decision, its groups, the figures computed on ``basis`` and those that cannot be."""
    return {"decision": DECISION,
            "groups": [{"id": gid, "name_vi": vi, "name": en, "max_points": pts}
                       for gid, (vi, en, pts) in GROUPS.items()],
            "figures": [f.doc() for f in (HANDLED if basis == "handled" else COMPUTED)],
            "not_computable": [{"id": i, "group": g, "name_vi": n, "reason": r}
                               for i, g, n, r in NOT_COMPUTABLE],
            "sources": {"groups": GROUP_SOURCE, "points": POINTS_SOURCE,
                        "rules": PORTAL_RULES}}
