"""The parameters a station may measure: code, names, unit, medium and plausible range.

This one table feeds the ``monitoring-parameters`` dataset, ingestion checks (unit and range)
and the generators. Ranges are sanity bounds for rejecting impossible values, not limits.
"""

from __future__ import annotations

from dataclasses import dataclass

MEDIA = ("air", "surface-water", "groundwater", "coastal")
STATION_KINDS = MEDIA
FLAGS = ("valid", "suspect", "invalid")


@dataclass(frozen=True)
class Parameter:
    code: str
    name_vi: str
    name_en: str
    unit: str
    medium: str  # "air" or "water"
    low: float
    high: float

    def record(self) -> dict:
        """The public ``monitoring-parameters`` record."""
        return {"id": self.code, "name": {"vi": self.name_vi, "en": self.name_en},
                "unit": self.unit, "medium": self.medium,
                "valid_min": self.low, "valid_max": self.high}


PARAMETERS: dict[str, Parameter] = {p.code: p for p in (
    Parameter("pm25", "Bụi PM2.5", "PM2.5", "µg/m³", "air", 0, 2000),
    Parameter("pm10", "Bụi PM10", "PM10", "µg/m³", "air", 0, 3000),
    Parameter("tsp", "Tổng bụi lơ lửng", "Total suspended particulates", "µg/m³", "air", 0, 5000),
    Parameter("o3", "Ôzôn", "Ozone (O₃)", "µg/m³", "air", 0, 2000),
    Parameter("co", "Cacbon monoxit", "Carbon monoxide (CO)", "µg/m³", "air", 0, 200_000),
    Parameter("so2", "Lưu huỳnh đioxit", "Sulphur dioxide (SO₂)", "µg/m³", "air", 0, 10_000),
    Parameter("no2", "Nitơ đioxit", "Nitrogen dioxide (NO₂)", "µg/m³", "air", 0, 10_000),
    Parameter("temp_air", "Nhiệt độ không khí", "Air temperature", "°C", "air", -20, 60),
    Parameter("ph", "pH", "pH", "1", "water", 0, 14),
    Parameter("do", "Ôxy hòa tan", "Dissolved oxygen", "mg/L", "water", 0, 25),
    Parameter("bod5", "Nhu cầu ôxy sinh hóa", "Biochemical oxygen demand (BOD₅)", "mg/L",
              "water", 0, 1000),
    Parameter("cod", "Nhu cầu ôxy hóa học", "Chemical oxygen demand (COD)", "mg/L", "water",
              0, 5000),
    Parameter("tss", "Chất rắn lơ lửng", "Total suspended solids", "mg/L", "water", 0, 10_000),
    Parameter("nh4", "Amoni (tính theo N)", "Ammonium (as N)", "mg/L", "water", 0, 500),
    Parameter("salinity", "Độ mặn", "Salinity", "PSU", "water", 0, 45),
    Parameter("temp_water", "Nhiệt độ nước", "Water temperature", "°C", "water", 0, 45),
)}

AIR_SET = ("pm25", "pm10", "tsp", "o3", "co", "so2", "no2", "temp_air")
WATER_SET = {
    "surface-water": ("ph", "do", "bod5", "cod", "tss", "nh4", "temp_water"),
    "groundwater": ("ph", "nh4", "temp_water"),
    "coastal": ("ph", "do", "tss", "salinity", "temp_water"),
}


def parameters_of(kind: str) -> tuple[str, ...]:
    """The parameters a station of ``kind`` measures in the sample."""
    return AIR_SET if kind == "air" else WATER_SET[kind]
