"""The service-centres collection: one-stop shops where procedures are filed."""

from opengov.collections import Collection, Field

SERVICE_CENTRES = Collection(
    id="service-centres",
    endpoint="service-centres.list_view",
    title={"vi": "Trung tâm phục vụ hành chính công", "en": "Public administration service "
           "centres"},
    description={
        "vi": "Bộ phận một cửa nơi người dân nộp hồ sơ thủ tục hành chính, với giờ làm việc và "
              "liên hệ.",
        "en": "One-stop shops where residents file administrative procedures, with opening hours "
              "and contacts.",
    },
    fields=(
        Field("id", "string", "Mã", "Identifier", required=True, example="sc-20341"),
        Field("name", "i18n", "Tên", "Name", required=True, searchable=True, sortable=True,
              example={"vi": "Trung tâm phục vụ hành chính công phường Tam Kỳ",
                       "en": "Tam Ky Ward public service centre"}),
        Field("level", "string", "Cấp", "Level", required=True, filterable=True,
              enum=("city", "commune"), example="commune"),
        Field("commune", "string", "Mã xã/phường", "Commune-level unit code", filterable=True,
              example="20341"),
        Field("address", "string", "Địa chỉ", "Address", searchable=True,
              example="Số 1 Hùng Vương, phường Tam Kỳ"),
        Field("phone", "string", "Điện thoại cơ quan", "Office phone", example="0235 3000 000"),
        Field("email", "string", "Thư điện tử cơ quan", "Office e-mail",
              example="motcua@sample.invalid"),
        Field("opening_hours", "string", "Giờ làm việc (cú pháp OSM opening_hours)",
              "Opening hours (OSM opening_hours syntax)",
              example="Mo-Fr 07:00-11:30,13:30-17:00; Sa 07:30-11:30"),
        Field("website", "string", "Trang web", "Website", example=None),
    ),
    geometry_type="Point",
    commune_field="commune",
    cache_seconds=3600,
    keywords=("one-stop shop", "một cửa"),
)
