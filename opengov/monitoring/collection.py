"""The ``monitoring-stations`` and ``monitoring-parameters`` collections (issue 5).

Modelled on OpenAQ v3 locations/parameters and OGC SensorThings Things/ObservedProperties
(DOMAIN.md §2): a station is a Thing with one Location; each (station, parameter) pair is a
Datastream whose Observations are the rows of the readings table.
"""

from opengov.collections import Collection, Field
from opengov.monitoring.catalogue import STATION_KINDS

STATION_STATUSES = ("active", "maintenance", "retired")

STATIONS = Collection(
    id="monitoring-stations",
    endpoint="monitoring.list_stations",
    title={"vi": "Trạm quan trắc môi trường", "en": "Environmental monitoring stations"},
    description={
        "vi": "Trạm quan trắc không khí, nước mặt, nước dưới đất và nước biển ven bờ với vị trí, "
              "đơn vị vận hành, thông số đo và thời gian hoạt động.",
        "en": "Air, surface water, groundwater and coastal water monitoring stations with "
              "location, operator, parameters measured and active period.",
    },
    fields=(
        Field("id", "string", "Mã trạm", "Station id", required=True, example="aq-001"),
        Field("name", "i18n", "Tên trạm", "Station name", required=True, searchable=True,
              sortable=True, example={"vi": "Trạm không khí Tam Kỳ (mẫu)",
                                      "en": "Tam Ky air station (sample)"}),
        Field("kind", "string", "Loại trạm", "Kind of station", required=True, filterable=True,
              enum=STATION_KINDS, example="air"),
        Field("operator", "string", "Đơn vị vận hành", "Operator", filterable=True,
              example="so-nnmt"),
        Field("commune", "string", "Mã xã/phường", "Commune-level unit code", filterable=True,
              example="20341"),
        Field("parameters", "array", "Thông số quan trắc", "Parameter codes measured",
              example=["pm25", "pm10", "o3"]),
        Field("active_from", "date", "Bắt đầu hoạt động", "In operation since", sortable=True,
              example="2019-05-01"),
        Field("active_to", "date", "Ngừng hoạt động", "In operation until (empty: still active)",
              example=None),
        Field("status", "string", "Trạng thái", "Status", required=True, filterable=True,
              enum=STATION_STATUSES, example="active"),
    ),
    geometry_type="Point",
    commune_field="commune",
    cache_seconds=300,
    keywords=("air quality", "water quality", "monitoring", "quan trắc"),
)

PARAMETERS = Collection(
    id="monitoring-parameters",
    endpoint="monitoring.list_parameters",
    title={"vi": "Thông số quan trắc", "en": "Monitored parameters"},
    description={
        "vi": "Các thông số đo tại trạm quan trắc: mã, tên, đơn vị, môi trường và khoảng giá trị "
              "hợp lệ khi nhận dữ liệu.",
        "en": "Parameters measured at monitoring stations: code, name, unit, medium and the range "
              "of values accepted on ingestion.",
    },
    fields=(
        Field("id", "string", "Mã thông số", "Parameter code", required=True, example="pm25"),
        Field("name", "i18n", "Tên", "Name", required=True, searchable=True,
              example={"vi": "Bụi PM2.5", "en": "PM2.5"}),
        Field("unit", "string", "Đơn vị", "Unit (UCUM-style symbol)", required=True,
              example="µg/m³"),
        Field("medium", "string", "Môi trường", "Medium", required=True, filterable=True,
              enum=("air", "water"), example="air"),
        Field("valid_min", "number", "Giá trị nhỏ nhất chấp nhận", "Smallest accepted value",
              example=0),
        Field("valid_max", "number", "Giá trị lớn nhất chấp nhận", "Largest accepted value",
              example=2000),
    ),
    cache_seconds=3600,
    keywords=("parameters", "thông số", "air quality"),
)

