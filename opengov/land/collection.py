"""The land collections: cadastral parcels, planning zones, land price zones and the code table.

Parcels carry NO personal data by design (DOMAIN.md §5, Law 91/2025/QH15): no holder names,
ID numbers, birth years or holder addresses; ``address`` is the parcel's location. Geometries
are generated (and, for real data, surveyed) in VN-2000 / TM-3 107-45 (EPSG:5899) and kept in
that CRS too, so ``crs=EPSG:5899`` returns exactly what was loaded.
"""

from opengov.collections import Collection, Field

NATIVE_CRS = "EPSG:5899"

PARCELS = Collection(
    id="parcels",
    endpoint="land.list_parcels",
    title={"vi": "Thửa đất (dữ liệu mẫu)", "en": "Cadastral parcels (sample)"},
    description={
        "vi": "Thửa đất địa chính: xã cũ, số tờ bản đồ, số thửa, xã/phường hiện nay, diện tích, "
              "mục đích sử dụng (TT 08/2024/TT-BTNMT), địa chỉ thửa đất và ranh giới. Không có "
              "thông tin người sử dụng đất.",
        "en": "Cadastral parcels: legacy commune, map sheet, parcel number, current commune, "
              "area, land-use code(s) (Circular 08/2024/TT-BTNMT), parcel address and boundary. "
              "No information about land users is published.",
    },
    fields=(
        Field("id", "string", "Mã thửa (xã cũ-tờ-thửa)", "Parcel id (legacy commune-sheet-"
              "parcel)", required=True, example="20341-12-245"),
        Field("legacy_commune", "string", "Mã xã/phường cũ (trước 2025)",
              "Legacy (pre-2025) commune code; sheet and parcel numbers restart in each",
              required=True, filterable=True, example="20341"),
        Field("sheet", "integer", "Số tờ bản đồ", "Map sheet number", required=True,
              filterable=True, example=12),
        Field("parcel", "integer", "Số thửa", "Parcel number on the sheet", required=True,
              filterable=True, example=245),
        Field("commune", "string", "Mã xã/phường hiện nay", "Current (2025) commune-level unit "
              "code", required=True, filterable=True, example="20341"),
        # Not indexed: SQLite would pick an area index for a two-sided range and sort every
        # match by id; scanning in id order stops at the page size instead.
        Field("area_m2", "number", "Diện tích", "Area", unit="m²", required=True,
              example=102.5),
        Field("landuse", "string", "Mục đích sử dụng đất", "Land-use code(s); mixed uses joined "
              "by + (e.g. ODT+CLN)", required=True, filterable=True, example="ODT+CLN"),
        Field("landuse_scheme", "string", "Hệ thống mã loại đất", "Code table the land-use "
              "codes come from", required=True, filterable=True,
              enum=("08/2024/TT-BTNMT", "27/2018/TT-BTNMT"), example="08/2024/TT-BTNMT"),
        Field("address", "string", "Địa chỉ thửa đất", "Location address of the parcel",
              example="Số 12 Phan Châu Trinh, Phường Tam Kỳ"),
    ),
    geometry_type="Polygon",
    commune_field="commune",
    native_crs=NATIVE_CRS,
    max_limit=10_000,
    min_zoom=13,
    cache_seconds=300,
    keywords=("land", "parcels", "cadastre", "thửa đất", "địa chính"),
)

ZONES = Collection(
    id="land-zones",
    endpoint="land.list_zones",
    title={"vi": "Khu quy hoạch sử dụng đất (dữ liệu mẫu)",
           "en": "Land-use planning zones (sample)"},
    description={
        "vi": "Khu vực theo quy hoạch sử dụng đất: mục đích sử dụng theo quy hoạch, kỳ quy "
              "hoạch và quyết định phê duyệt.",
        "en": "Zones of the land-use plan: planned use, plan period and approving decision.",
    },
    fields=(
        Field("id", "string", "Mã khu", "Zone id", required=True, example="qh-20341-0007"),
        Field("commune", "string", "Mã xã/phường", "Commune-level unit code", required=True,
              filterable=True, example="20341"),
        Field("planned_use", "string", "Mục đích sử dụng theo quy hoạch", "Planned land use "
              "(land-use code)", required=True, filterable=True, example="ODT"),
        Field("plan_period", "string", "Kỳ quy hoạch", "Plan period", required=True,
              filterable=True, example="2021-2030"),
        Field("decision", "string", "Quyết định phê duyệt", "Approving decision",
              required=True, example="QĐ 1234/QĐ-UBND (mẫu)"),
        Field("approved_on", "date", "Ngày phê duyệt", "Approval date", sortable=True,
              example="2022-06-15"),
    ),
    geometry_type="Polygon",
    commune_field="commune",
    native_crs=NATIVE_CRS,
    max_limit=10_000,
    cache_seconds=300,
    keywords=("land", "planning", "quy hoạch sử dụng đất"),
)

PRICES = Collection(
    id="land-prices",
    endpoint="land.list_prices",
    title={"vi": "Bảng giá đất theo vị trí (dữ liệu mẫu)", "en": "Land price zones (sample)"},
    description={
        "vi": "Giá đất theo bảng giá đất: giá mỗi m² theo tuyến đường/đoạn đường và vị trí, năm "
              "áp dụng và quyết định ban hành.",
        "en": "Official land price list: price per m² by road segment and position, year of "
              "application and issuing decision.",
    },
    fields=(
        Field("id", "string", "Mã vùng giá", "Price zone id", required=True,
              example="gia-20341-0042"),
        Field("commune", "string", "Mã xã/phường", "Commune-level unit code", required=True,
              filterable=True, example="20341"),
        Field("road", "string", "Tuyến đường / khu vực", "Road or area", filterable=True,
              example="Phan Châu Trinh"),
        Field("segment", "string", "Đoạn đường", "Road segment", example="Đoạn 2"),
        Field("position", "integer", "Vị trí", "Position (1 = fronting the road)",
              filterable=True, example=1),
        Field("land_type", "string", "Loại đất định giá", "Land type priced (land-use code)",
              required=True, filterable=True, example="ODT"),
        Field("price_vnd_m2", "number", "Giá đất", "Price", unit="VND/m²", required=True,
              sortable=True, example=18_500_000),
        Field("year", "integer", "Năm áp dụng", "Year", required=True, filterable=True,
              example=2026),
        Field("decision", "string", "Quyết định ban hành", "Issuing decision", required=True,
              example="QĐ 45/2025/QĐ-UBND (mẫu)"),
    ),
    geometry_type="Polygon",
    commune_field="commune",
    native_crs=NATIVE_CRS,
    max_limit=10_000,
    cache_seconds=300,
    keywords=("land", "land prices", "bảng giá đất"),
)

CODES = Collection(
    id="land-use-codes",
    endpoint="land.codes_view",
    title={"vi": "Mã loại đất (có phiên bản)", "en": "Land-use codes (versioned)"},
    description={
        "vi": "Bảng mã loại đất theo TT 08/2024/TT-BTNMT (hiệu lực 01/8/2024) và các mã đã bỏ "
              "của TT 27/2018/TT-BTNMT còn gặp trong dữ liệu cũ, với thời gian hiệu lực.",
        "en": "Land-use codes of Circular 08/2024/TT-BTNMT (in force since 1 August 2024) and "
              "the retired codes of Circular 27/2018/TT-BTNMT still found in older data, with "
              "their validity periods.",
    },
    fields=(
        Field("id", "string", "Mã định danh (hệ thống:mã)", "Identifier (scheme:code)",
              required=True, example="08/2024:LUC"),
        Field("code", "string", "Mã", "Code", required=True, filterable=True, sortable=True,
              example="LUC"),
        Field("name", "i18n", "Tên loại đất", "Name", required=True, searchable=True,
              example={"vi": "Đất chuyên trồng lúa", "en": "Specialised rice land"}),
        Field("land_group", "string", "Nhóm đất", "Land group", required=True, filterable=True,
              enum=("agricultural", "non_agricultural", "unused"), example="agricultural"),
        Field("scheme", "string", "Văn bản quy định", "Circular defining the code",
              required=True, filterable=True, example="08/2024/TT-BTNMT"),
        Field("valid_from", "date", "Hiệu lực từ", "Valid from", required=True, sortable=True,
              example="2024-08-01"),
        Field("valid_to", "date", "Hiệu lực đến", "Valid until (inclusive; empty while in "
              "force)", example=None),
        Field("replaced_by", "string", "Thay bằng mã", "Code that replaces a retired code",
              example=None),
    ),
    max_limit=1000,
    cache_seconds=3600,
    keywords=("land", "land-use codes", "mã loại đất"),
)

LAND_COLLECTIONS = (PARCELS, ZONES, PRICES, CODES)
