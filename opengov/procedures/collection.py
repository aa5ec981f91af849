"""The procedures collection, modelled on the national public-service portal's records.

Fees, time limits and documents depend on the submission method and the case, so they are
lists (``methods``, ``cases``), not scalars (DOMAIN.md §4). ``online_level`` follows Decree
42/2022/NĐ-CP: ``full`` (toàn trình), ``partial`` (một phần) or ``none``.
"""

from opengov.collections import Collection, Field

LEVELS = ("province", "commune", "district_legacy")
ONLINE_LEVELS = ("full", "partial", "none")

PROCEDURES = Collection(
    id="procedures",
    endpoint="procedures.list_procedures",
    title={"vi": "Thủ tục hành chính", "en": "Administrative procedures"},
    description={
        "vi": "Danh mục thủ tục hành chính: lĩnh vực, cấp và cơ quan thực hiện, thời hạn, phí, "
              "thành phần hồ sơ, căn cứ pháp lý.",
        "en": "Catalogue of administrative procedures: field, level and implementing agency, "
              "processing times, fees, required documents and legal basis.",
    },
    fields=(
        Field("code", "string", "Mã thủ tục", "Procedure code (national format d.dddddd)",
              required=True, sortable=True, example="1.001193"),
        Field("name", "i18n", "Tên thủ tục", "Procedure name", required=True, searchable=True,
              sortable=True, example={"vi": "Đăng ký khai sinh", "en": "Birth registration"}),
        Field("field_code", "string", "Mã lĩnh vực", "Field code", filterable=True,
              sortable=True, example="ho-tich"),
        Field("field", "i18n", "Lĩnh vực", "Field", searchable=True,
              example={"vi": "Hộ tịch", "en": "Civil status"}),
        Field("level", "string", "Cấp thực hiện", "Implementing level", filterable=True,
              enum=LEVELS, example="commune"),
        Field("agency", "string", "Cơ quan thực hiện", "Implementing agency", searchable=True,
              example="Ủy ban nhân dân cấp xã"),
        Field("agency_code", "string", "Mã cơ quan", "Agency code", filterable=True,
              example="ubnd-cap-xa"),
        Field("online_level", "string", "Mức độ dịch vụ công trực tuyến",
              "Online service level", filterable=True, enum=ONLINE_LEVELS, example="full"),
        Field("postal", "boolean", "Tiếp nhận và trả kết quả qua bưu chính",
              "Postal reception and return of results", filterable=True, example=True),
        Field("delegated", "boolean", "Được ủy quyền thực hiện", "Delegated",
              filterable=True, example=False),
        Field("legacy", "boolean", "Thủ tục cấp huyện cũ (trước 01/7/2025)",
              "Legacy district-level procedure (before 1 July 2025)", filterable=True,
              example=False),
        Field("procedure_type", "string", "Loại thủ tục", "Procedure type",
              enum=("standard", "internal", "specific"), example="standard"),
        Field("decision_no", "string", "Quyết định công bố", "Publishing decision",
              example="1234/QĐ-UBND"),
        Field("target_groups", "array", "Đối tượng thực hiện", "Who may file",
              example=["citizen"]),
        Field("methods", "array", "Cách thức thực hiện: thời hạn và phí theo hình thức nộp",
              "Submission methods with processing time and fees",
              example=[{"method": "online", "processing_time": 1,
                        "processing_time_unit": "working_day", "fees": []}]),
        Field("cases", "array", "Thành phần hồ sơ theo trường hợp", "Required documents per case",
              example=[{"name_vi": "Trường hợp chung", "documents": []}]),
        Field("steps", "array", "Trình tự thực hiện", "Steps (reception, appraisal, approval, "
              "return)", example=[{"stage": "reception", "name_vi": "Tiếp nhận hồ sơ"}]),
        Field("requirements", "text", "Yêu cầu, điều kiện", "Requirements and conditions",
              example=None),
        Field("legal_basis", "array", "Căn cứ pháp lý", "Legal basis",
              example=[{"code": "60/2014/QH13", "name_vi": "Luật Hộ tịch"}]),
        Field("results", "array", "Kết quả thực hiện", "Results", example=[]),
        Field("portal_id", "integer", "Mã nội bộ trên cổng dịch vụ công",
              "Internal id on the national portal", example=373812),
        Field("updated_at", "datetime", "Cập nhật", "Last updated upstream", sortable=True,
              example="2025-07-01T00:00:00Z"),
    ),
    id_field="code",
    cache_seconds=600,
    keywords=("administrative procedures", "thủ tục hành chính"),
)

SUMMARY_FIELDS = ("code", "name", "field_code", "field", "level", "agency", "agency_code",
                  "online_level", "postal", "delegated", "legacy")
STATS_FACETS = ("field_code", "level", "agency_code", "online_level", "postal", "delegated")
