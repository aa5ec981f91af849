"""The cameras collection, on a common model of public camera listings (DOMAIN.md §6).

``last_seen`` is operational: later capabilities update it without bumping the version.
"""

from opengov.collections import Collection, Field

CAMERA_KINDS = ("traffic", "flood", "tourism", "security")
CAMERA_STATUSES = ("online", "offline", "maintenance")

CAMERAS = Collection(
    id="cameras",
    endpoint="cameras.list_view",
    title={"vi": "Camera giao thông và công cộng", "en": "Traffic and public cameras"},
    description={
        "vi": "Camera giao thông, cảnh báo ngập, du lịch và an ninh với vị trí, trạng thái và "
              "đường dẫn ảnh/luồng.",
        "en": "Traffic, flood, tourism and security cameras with location, status and snapshot/"
              "stream links.",
    },
    fields=(
        Field("id", "string", "Mã camera", "Camera id", required=True, example="cam-00001"),
        Field("name", "i18n", "Tên", "Name", required=True, searchable=True, sortable=True,
              example={"vi": "Nút giao QL1A – Hùng Vương", "en": "QL1A – Hung Vuong junction"}),
        Field("kind", "string", "Loại", "Kind", required=True, filterable=True,
              enum=CAMERA_KINDS, example="traffic"),
        Field("road", "string", "Tuyến đường", "Road", filterable=True, searchable=True,
              example="QL1A"),
        Field("direction", "string", "Hướng quan sát", "Viewing direction", example="N"),
        Field("commune", "string", "Mã xã/phường", "Commune-level unit code", filterable=True,
              example="20341"),
        Field("status", "string", "Trạng thái", "Status", required=True, filterable=True,
              enum=CAMERA_STATUSES, example="online"),
        Field("snapshot_url", "string", "Ảnh chụp", "Snapshot image URL",
              example="https://cameras.sample.invalid/cam-00001/snapshot.jpg"),
        Field("stream_url", "string", "Luồng video", "Stream URL", example=None),
        Field("stream_type", "string", "Kiểu luồng", "Stream type", filterable=True,
              enum=("hls", "mjpeg", "jpeg"), example="jpeg"),
        Field("refresh_interval_s", "integer", "Chu kỳ làm mới ảnh", "Snapshot refresh interval",
              unit="s", example=30),
        Field("last_seen", "datetime", "Lần cuối hoạt động", "Last seen online", sortable=True,
              example="2026-01-01T00:00:00Z"),
        Field("owner", "string", "Đơn vị quản lý", "Owner", example="Sở Xây dựng (mẫu)"),
    ),
    geometry_type="Point",
    commune_field="commune",
    cache_seconds=30,
    keywords=("cameras", "traffic", "camera giao thông"),
)
