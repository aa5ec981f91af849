"""The two public collections: report categories (a small batch dataset) and reports (live).

Only public fields are declared here. Reporters' contacts, tracking-token hashes and device ids
live in :mod:`opengov.reports.private_tables`, which no collection view ever reads.
"""

from opengov.collections import Collection, Field

STATUSES = ("received", "assigned", "in_progress", "resolved", "rejected")
CLOSED_STATUSES = ("resolved", "rejected")

CATEGORIES = Collection(
    id="report-categories",
    title={"vi": "Lĩnh vực phản ánh", "en": "Report categories"},
    description={
        "vi": "Các lĩnh vực người dân có thể phản ánh, với cơ quan xử lý mặc định và thời hạn "
              "xử lý mục tiêu (Open311: services).",
        "en": "What residents can report, with the default handling agency and the service-level "
              "target (Open311: services).",
    },
    fields=(
        Field("id", "string", "Mã lĩnh vực", "Category code (Open311 service_code)",
              required=True, example="pothole"),
        Field("name", "i18n", "Tên", "Name", required=True, searchable=True,
              example={"vi": "Ổ gà, hư hỏng mặt đường", "en": "Pothole or damaged road"}),
        Field("description", "i18n", "Mô tả", "Description",
              example={"vi": "Ổ gà, lún, nứt mặt đường.", "en": "Potholes, sunken or cracked "
                                                                "road surface."}),
        Field("group", "string", "Nhóm", "Group", filterable=True, example="roads"),
        Field("keywords", "array", "Từ khoá", "Keywords", example=["road", "đường"]),
        Field("agency", "string", "Cơ quan xử lý mặc định", "Default agency (code)",
              required=True, filterable=True, example="so-xay-dung"),
        Field("agency_name", "i18n", "Tên cơ quan", "Default agency name",
              example={"vi": "Sở Xây dựng (mẫu)", "en": "Department of Construction (sample)"}),
        Field("target_hours", "integer", "Thời hạn xử lý mục tiêu", "Service-level target",
              unit="h", required=True, example=72),
        Field("attributes", "array", "Thuộc tính bổ sung",
              "Extra questions (Open311 attribute definitions)",
              example=[{"code": "size", "datatype": "singlevaluelist", "required": False}]),
    ),
    cache_seconds=300,
    keywords=("open311", "services", "phản ánh"),
)

REPORTS = Collection(
    id="reports",
    endpoint="reports.list_reports",
    title={"vi": "Phản ánh của người dân", "en": "Citizen feedback reports"},
    description={
        "vi": "Phản ánh hiện trường (ổ gà, ngập, rác thải, đèn đường…) và tiến độ xử lý. Chỉ có "
              "các trường công khai; thông tin liên hệ của người phản ánh không bao giờ được "
              "công bố.",
        "en": "Reports of potholes, flooding, illegal dumping, street lights… and how they were "
              "handled. Public fields only: reporters' contact details are never published.",
    },
    fields=(
        Field("id", "string", "Mã phản ánh", "Report id (Open311 service_request_id)",
              required=True, example="20260115-3f9a1c2b7d"),
        Field("category", "string", "Lĩnh vực", "Category code", required=True, filterable=True,
              example="pothole"),
        Field("category_name", "i18n", "Tên lĩnh vực", "Category name",
              example={"vi": "Ổ gà, hư hỏng mặt đường", "en": "Pothole or damaged road"}),
        Field("description", "text", "Nội dung", "Description (plain text)", searchable=True,
              example="Ổ gà lớn trước số 12 Phan Chu Trinh"),
        Field("address", "string", "Địa chỉ", "Address", searchable=True,
              example="12 Phan Chu Trinh, Tam Kỳ"),
        Field("status", "string", "Trạng thái", "Status", required=True, filterable=True,
              sortable=True, enum=STATUSES, example="received"),
        Field("agency", "string", "Cơ quan xử lý", "Responsible agency (code)", filterable=True,
              example="so-xay-dung"),
        Field("requested_at", "datetime", "Thời điểm gửi", "Submitted at", required=True,
              sortable=True, example="2026-01-15T02:30:00Z"),
        Field("updated_at", "datetime", "Cập nhật", "Last status change", sortable=True,
              example="2026-01-15T02:30:00Z"),
        Field("expected_at", "datetime", "Hạn xử lý", "Expected resolution (service-level "
              "target)", sortable=True, example="2026-01-18T02:30:00Z"),
        Field("closed_at", "datetime", "Thời điểm đóng", "Resolved or rejected at",
              sortable=True, example=None),
        Field("status_note", "text", "Ghi chú", "Latest public note",
              example="Đã tiếp nhận phản ánh."),
        Field("photos", "array", "Ảnh đã duyệt", "Approved photo URLs (metadata stripped)",
              example=["/reports/20260115-3f9a1c2b7d/photos/1"]),
        Field("attributes", "object", "Thông tin bổ sung",
              "Answers to the category's extra questions (Open311 attribute[code]); a list "
              "for multivaluelist attributes", example={"size": "large"}),
    ),
    geometry_type="Point",
    time_field="requested_at",
    kind="live",
    cache_seconds=10,
    keywords=("open311", "phản ánh", "feedback", "311"),
)
