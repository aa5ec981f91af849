"""The admin-units collection: commune-level units in force since the 2025 reorganisation.

Codes are the national statistics office's unit codes; they were reused with new meanings in
2025, so records are keyed by code *and* effective date (``20341-20250701``), never a bare code.
"""

from opengov.collections import Collection, Field

ADMIN_UNITS = Collection(
    id="admin-units",
    endpoint="admin-units.list_view",
    title={"vi": "Đơn vị hành chính cấp xã", "en": "Commune-level administrative units"},
    description={
        "vi": "Phường, xã, đặc khu theo mô hình chính quyền hai cấp (từ 01/7/2025), kèm mã cũ "
              "trước 2025.",
        "en": "Wards, communes and special zones of the two-level local government (since "
              "1 July 2025), with the pre-2025 codes they absorbed.",
    },
    fields=(
        Field("id", "string", "Mã định danh (mã + ngày hiệu lực)", "Identifier (code + effective "
              "date)", required=True, example="20341-20250701"),
        Field("code", "string", "Mã đơn vị hành chính", "Administrative unit code", required=True,
              filterable=True, sortable=True, example="20341"),
        Field("name", "i18n", "Tên", "Name", required=True, searchable=True, sortable=True,
              example={"vi": "Phường Tam Kỳ", "en": "Tam Ky Ward"}),
        Field("unit_type", "string", "Loại đơn vị", "Unit type", required=True, filterable=True,
              enum=("phuong", "xa", "dac_khu"), example="phuong"),
        Field("province_code", "string", "Mã tỉnh/thành phố", "Province-level code",
              filterable=True, example="48"),
        Field("province_name", "i18n", "Tỉnh/thành phố", "Province-level unit",
              example={"vi": "Thành phố Đà Nẵng", "en": "Da Nang City"}),
        Field("effective_from", "date", "Hiệu lực từ", "In force since", required=True,
              filterable=True, sortable=True, example="2025-07-01"),
        Field("legacy_codes", "array", "Mã huyện/xã cũ (trước 2025) đã sáp nhập",
              "Legacy (pre-2025) district/commune codes merged into this unit",
              example=["502/20341"]),
        Field("area_km2", "number", "Diện tích", "Area", unit="km²", sortable=True, example=41.2),
        Field("authoritative_geometry", "boolean", "Ranh giới chính thức?",
              "Whether the boundary is authoritative (sample polygons are not)", example=False),
    ),
    geometry_type="MultiPolygon",
    commune_field="code",
    cache_seconds=3600,
    keywords=("administrative units", "đơn vị hành chính"),
)
