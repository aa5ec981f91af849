"""Synthetic administrative procedures (thủ tục hành chính, TTHC) for the sample catalogue.

The records imitate the national public-service portal's procedure records (code, name, field,
level, agency, submission methods with time limits and fees, cases with documents, the four steps,
legal basis, results) for the procedure catalogue applied in the former Quảng Nam province, now
part of Đà Nẵng city. Since 01/7/2025 government has two levels (city/province and commune);
district-level procedures are kept as ``district_legacy`` records with ``legacy: true``.

Everything is synthetic except the counts, which reproduce the province's published figures by
construction: with the default ``count`` of 1,600 exactly **1,158** records accept postal
submission and return of results (``postal``) and exactly **59** are delegated (``delegated``,
"ủy quyền"). For another ``count`` both targets scale proportionally and are rounded half up
(``round(1158 * count / 1600)`` and ``round(59 * count / 1600)``), still hit exactly.

Codes follow the national ``d.dddddd`` format. Four well-known procedures carry their real codes
(each seen in several independent public sources); every other code is synthetic and drawn from
the ``x.9xxxxx`` block, which no national code we saw uses, so no sample record masquerades as a
different real procedure. Generation uses one ``random.Random(seed)`` and no clock or global
state, so the output is byte-identical across runs. Vocabulary lives in
:mod:`~opengov.synth.procedure_vocab` and :mod:`~opengov.synth.procedure_catalogue`.
"""

from __future__ import annotations

import argparse
import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from . import procedure_vocab as vocab
from .procedure_catalogue import CATALOGUE_PART1
from .procedure_records import build_parts, cap, low

DEFAULT_COUNT = 1600
DEFAULT_SEED = 20250701
PUBLISHED_POSTAL = 1158  # the province's published figure for DEFAULT_COUNT records
PUBLISHED_DELEGATED = 59
LEVELS = {"P": "province", "C": "commune", "D": "district_legacy"}
LEVEL_SHARES = {"P": 0.61, "C": 0.29, "D": 0.10}
MERGER = datetime(2025, 7, 1, tzinfo=UTC)
REFERENCE_TIME = datetime(2025, 9, 30, tzinfo=UTC)
DELEGATION_FIELDS = ("dat-dai", "xay-dung", "quy-hoach", "dau-tu", "tai-nguyen-nuoc",
                     "moi-truong", "khoang-san", "lam-nghiep", "giao-duc", "y-te")
# (code or "" for synthetic, field, level, name_vi, name_en, result, days, fee_vnd, online)
WELL_KNOWN = (
    ("1.001193", "ho-tich", "C", "Đăng ký khai sinh", "Birth registration", "Giấy khai sinh",
     1, 0, "full"),
    ("1.000894", "ho-tich", "C", "Đăng ký kết hôn", "Marriage registration",
     "Giấy chứng nhận kết hôn", 1, 0, "full"),
    ("", "ho-tich", "C", "Đăng ký khai tử", "Death registration", "Trích lục khai tử",
     1, 0, "full"),
    ("2.000806", "ho-tich", "C", "Đăng ký kết hôn có yếu tố nước ngoài",
     "Marriage registration with foreign elements", "Giấy chứng nhận kết hôn", 15, 1000000,
     "partial"),
    ("2.000815", "chung-thuc", "C", "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, "
     "tổ chức có thẩm quyền của Việt Nam cấp hoặc chứng nhận", "Certified copies of papers "
     "issued by Vietnamese authorities", "Bản sao được chứng thực từ bản chính",
     1, 2000, "partial"),
    ("", "xay-dung", "C", "Cấp giấy phép xây dựng nhà ở riêng lẻ", "Construction permit for a "
     "detached house", "Giấy phép xây dựng nhà ở riêng lẻ", 15, 75000, "partial"),
    ("", "dang-ky-kinh-doanh", "C", "Đăng ký thành lập hộ kinh doanh", "Household business "
     "registration", "Giấy chứng nhận đăng ký hộ kinh doanh", 3, 100000, "full"),
    ("", "dat-dai", "P", "Cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền "
     "với đất lần đầu", "First issuance of a land use right certificate",
     "Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất", 20, 100000,
     "partial"),
)


def _parse_verbs(text: str) -> dict[str, list[tuple[str, str, str]]]:
    verbs: dict[str, list[tuple[str, str, str]]] = {}
    for line in text.strip().splitlines():
        kind, rest = line.split(" ", 1)
        for item in rest.split("; "):
            vi, en, result = item.split("=")
            verbs.setdefault(kind, []).append((vi, en, result))
    return verbs


def _parse_subs(text: str) -> list[tuple[str, str, str]]:
    subs = []
    for item in text.split("; "):
        vi, en = item.split("=")
        en, _, levels = en.partition("@")
        subs.append((vi, en, levels))
    return subs


class _Catalogue:
    """Fields and candidate procedures parsed from the vocabulary's line format."""

    def __init__(self, text: str) -> None:
        self.verbs = _parse_verbs(vocab.VERBS)
        prefixes = vocab.RESULT_BY_PREFIX.strip().replace("\n", " ").split("; ")
        self.prefixes = [tuple(p.split("=")) for p in prefixes]
        self.fields: dict[str, dict] = {}
        self.candidates: list[dict] = []
        self._pending: list[tuple[str, int, str, str, str]] = []
        self._subs: list[tuple[str, str, str]] = []
        for line in text.splitlines():
            self._line(line)
        self._flush()

    def _line(self, line: str) -> None:
        if not line:
            return
        if line.startswith("+ "):
            self._subs.extend(_parse_subs(line[2:]))
            return
        self._flush()
        tag, _, rest = line.partition(" ")
        if tag == "==":
            slug, vi, en, agency = rest.split(" | ")
            self.field = slug
            self.fields[slug] = {"slug": slug, "vi": vi, "en": en, "agency": agency, "docs": ()}
        elif tag == "~":
            targets, time, fee, full, laws = rest.split(" | ")
            span, unit = time.split(" ")
            tmin, tmax = (int(x) for x in span.split("-"))
            self.fields[self.field].update(targets=targets, tmin=tmin, tmax=tmax, unit=unit,
                                           fee=int(fee), full=float(full), laws=laws.split())
        elif tag == "&":
            self.fields[self.field]["docs"] = tuple(rest.split("; "))
        else:
            levels, _, items = rest.partition(" ")
            kind, n = tag[0], int(tag[1:] or 0)
            if items.startswith("+ "):
                self._pending.append((kind, n, levels, "{s}", "{s}"))
                self._subs.extend(_parse_subs(items[2:]))
                return
            for item in items.split("; "):
                vi, en = item.split("=")
                if "{s}" in vi:
                    self._pending.append((kind, n, levels, vi, en))
                else:
                    self._expand(kind, n, levels, vi, en)

    def _flush(self) -> None:
        if not self._subs:
            return
        for kind, n, levels, vi, en in self._pending:
            for sub_vi, sub_en, sub_levels in self._subs:
                self._expand(kind, n, sub_levels or levels, vi.replace("{s}", sub_vi),
                             en.replace("{s}", sub_en))
        self._pending, self._subs = [], []

    def _s_result(self, name: str) -> str:
        for prefix, result in self.prefixes:
            if name.startswith(prefix):
                if result:
                    return result.replace("{r}", cap(name[len(prefix):].strip()))
                break
        return vocab.RESULT_BY_FIELD.get(self.field, vocab.RESULT_DEFAULT)

    def _expand(self, kind: str, n: int, levels: str, obj_vi: str, obj_en: str) -> None:
        for verb_vi, verb_en, result in self.verbs[kind][: n or None]:
            name = verb_vi.replace("{o}", obj_vi)
            if kind == "S":
                result = self._s_result(name)
            result = result.replace("{O}", cap(obj_vi)).replace("{o}", obj_vi)
            self.candidates.append({
                "field": self.field, "kind": kind, "verb": verb_vi.split(" {")[0], "levels": levels,
                "name_vi": name, "base_vi": name, "obj": obj_vi,
                "name_en": cap(verb_en.replace("{e}", obj_en)),
                "result": result.replace("{n}", low(name)), "fixed": None})


def _catalogue() -> _Catalogue:
    cat = _Catalogue(CATALOGUE_PART1 + "\n" + vocab.CATALOGUE_PART2)
    fixed = []
    for code, field, level, vi, en, result, days, fee, online in WELL_KNOWN:
        fixed.append({"field": field, "kind": "S", "verb": vi.split(" ")[0], "levels": level,
                      "name_vi": vi, "base_vi": vi, "name_en": en, "obj": vi, "result": result,
                      "fixed": {"code": code, "days": days, "fee": fee, "online": online}})
    cat.candidates = fixed + cat.candidates
    return cat


def _level_quotas(count: int) -> dict[str, int]:
    quotas = {lv: int(count * share + 0.5) for lv, share in LEVEL_SHARES.items() if lv != "P"}
    quotas["P"] = count - sum(quotas.values())
    return quotas


def _select(cat: _Catalogue, count: int, rng: random.Random) -> list[tuple[dict, str]]:
    """Pick (candidate, level) pairs: well-known ones first, then a seeded sample per level."""
    chosen: list[tuple[dict, str]] = []
    for level, quota in sorted(_level_quotas(count).items(), key=lambda kv: "DCP".index(kv[0])):
        seen: set[str] = set()
        pool = []
        for cand in cat.candidates:
            if level in cand["levels"] and cand["name_vi"] not in seen:
                seen.add(cand["name_vi"])
                pool.append(cand)
        fixed = [c for c in pool if c["fixed"]][:quota]
        rest = [c for c in pool if not c["fixed"]]
        if quota - len(fixed) > len(rest):
            raise ValueError(f"count {count} needs more {LEVELS[level]} names than we have")
        chosen += [(c, level) for c in fixed + rng.sample(rest, quota - len(fixed))]
    by_name: dict[str, list[int]] = {}
    for i, (cand, _) in enumerate(chosen):
        by_name.setdefault(cand["name_vi"], []).append(i)
    names = {}
    for idxs in by_name.values():  # the same procedure at several levels: name the level
        for i in idxs if len(idxs) > 1 else ():
            cand, level = chosen[i]
            if not cand["fixed"]:
                vi, en = vocab.LEVEL_SUFFIX[level]
                names[i] = (cand["name_vi"] + vi, cand["name_en"] + en)
    return [({**c, "name_vi": names[i][0], "name_en": names[i][1]} if i in names else c, lv)
            for i, (c, lv) in enumerate(chosen)]


def _weighted_pick(rng: random.Random, items: list[dict], weights: list[float], k: int) -> set[int]:
    """Exactly ``k`` indices, sampled without replacement with the given weights."""
    if k > sum(1 for w in weights if w > 0):
        raise ValueError(f"cannot choose {k} records from {len(items)} eligible ones")
    keys = [(rng.random() ** (1.0 / w) if w > 0 else -1.0, i) for i, w in enumerate(weights)]
    return {i for _, i in sorted(keys, reverse=True)[:k]}


def _base(cand: dict, level: str, cat: _Catalogue, rng: random.Random) -> dict:
    field = cat.fields[cand["field"]]
    kind, fixed = cand["kind"], cand["fixed"] or {}
    internal = (kind == "A" and level == "P" and rng.random() < 0.3) or (
        cand["field"] in ("tai-chinh", "noi-vu") and rng.random() < 0.4)
    ptype = "internal" if internal else ("specific" if rng.random() < 0.06 else "standard")
    if "online" in fixed:
        online = fixed["online"]
    else:
        full = field["full"] * (0.5 if kind in "AKO" else 1.0)
        none = 0.45 if internal else (0.3 if cand["verb"] == "Thu hồi" else 0.12)
        u = rng.random()
        partial = full + (1 - full) * (1 - none)
        online = "full" if u < full else ("partial" if u < partial else "none")
    agency = {"C": "ubnd-cap-xa", "D": "ubnd-cap-huyen"}.get(level, field["agency"])
    if level == "P" and cand["field"] == "dat-dai" and (kind in "GR" or fixed):
        agency = "van-phong-dang-ky-dat-dai"
    return {"cand": cand, "field": field, "level": level, "type": ptype, "online": online,
            "agency": agency, "postal": False, "delegated": False}


def _postal_weight(rec: dict) -> float:
    if rec["type"] == "internal":
        return 0.0
    cand = rec["cand"]
    weight = 5.0 if cand["fixed"] else 1.0
    if cand["verb"] == "Thu hồi" or cand["field"] in ("khieu-nai-to-cao", "thi-dua-khen-thuong"):
        weight *= 0.3
    return weight


def _delegation_weight(rec: dict) -> float:
    if rec["level"] != "P" or rec["type"] != "standard" or not rec["agency"].startswith("so-"):
        return 0.0
    return 4.0 if rec["cand"]["field"] in DELEGATION_FIELDS else 1.0



def _codes(records: list[dict], rng: random.Random) -> None:
    """Give every record a unique code: real ones where known, else ``[123].9xxxxx``."""
    used = {r["cand"]["fixed"]["code"] for r in records if (r["cand"]["fixed"] or {}).get("code")}
    for rec in records:
        code = (rec["cand"]["fixed"] or {}).get("code")
        while not code or (code in used and code != (rec["cand"]["fixed"] or {}).get("code")):
            code = f"{rng.choices('123', weights=(60, 32, 8))[0]}.{rng.randint(900000, 999999)}"
        used.add(code)
        rec["code"] = code


def _decision_and_update(level: str, rng: random.Random) -> tuple[str, str]:
    """A publishing decision number ("1234/QĐ-UBND") and a last-update time.

    Legacy district records were last updated before the 01/7/2025 reorganisation; the others
    after it, when the catalogue was republished. Both derive from fixed dates, not the clock.
    """
    if level == "D":
        updated = MERGER - timedelta(seconds=rng.randint(3600, 540 * 86400))
    else:
        span = int((REFERENCE_TIME - MERGER).total_seconds())
        updated = MERGER + timedelta(seconds=rng.randint(0, span - 1))
    # decision numbers of a provincial committee grow through the year (about 10-12 a day)
    number = max(1, int(updated.timetuple().tm_yday * rng.uniform(9, 12)) - rng.randint(0, 400))
    return f"{number}/QĐ-UBND", updated.strftime("%Y-%m-%dT%H:%M:%SZ")


def generate_procedures(count: int = DEFAULT_COUNT, seed: int = DEFAULT_SEED) -> list[dict]:
    """``count`` synthetic procedure records, sorted by code; deterministic for a seed.

    Exactly ``round(1158 * count / 1600)`` records have ``postal`` and exactly
    ``round(59 * count / 1600)`` are ``delegated`` (1,158 and 59 for the default count).
    """
    if count < 1:
        raise ValueError("count must be positive")
    rng = random.Random(seed)
    cat = _catalogue()
    records = [_base(cand, level, cat, rng) for cand, level in _select(cat, count, rng)]
    postal = _weighted_pick(rng, records, [_postal_weight(r) for r in records],
                            (PUBLISHED_POSTAL * count * 2 + DEFAULT_COUNT) // (2 * DEFAULT_COUNT))
    delegated = _weighted_pick(rng, records, [_delegation_weight(r) for r in records],
                               (PUBLISHED_DELEGATED * count * 2 + DEFAULT_COUNT)
                               // (2 * DEFAULT_COUNT))
    _codes(records, rng)
    portal_ids = rng.sample(range(400000, 1000000), count)
    out = []
    for i, rec in enumerate(records):
        rec["postal"], rec["delegated"] = i in postal, i in delegated
        cand, field, level = rec["cand"], rec["field"], rec["level"]
        decision, updated = _decision_and_update(level, rng)
        out.append({
            "code": rec["code"], "name_vi": cand["name_vi"], "name_en": cand["name_en"],
            "field_code": field["slug"], "field_vi": field["vi"], "field_en": field["en"],
            "level": LEVELS[level], "legacy": level == "D",
            "agency": vocab.AGENCIES[rec["agency"]], "agency_code": rec["agency"],
            "online_level": rec["online"], "postal": rec["postal"],
            "delegated": rec["delegated"], "procedure_type": rec["type"], "decision_no": decision,
            **build_parts(rec, rng),
            "portal_id": portal_ids[i], "updated_at": updated,
        })
    out.sort(key=lambda r: r["code"])
    return out


def write_procedures(out_dir: str | Path, count: int = DEFAULT_COUNT,
                     seed: int = DEFAULT_SEED) -> Path:
    """Write ``procedures.ndjson`` (one compact JSON object per line) into ``out_dir``.

    ``metadata.yaml`` beside it is maintained by hand (the catalogue adds its ``fields``).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "procedures.ndjson"
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        for record in generate_procedures(count, seed):
            fh.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", nargs="?", default="datasets/procedures")
    parser.add_argument("--count", type=int, default=DEFAULT_COUNT)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    path = write_procedures(args.out_dir, args.count, args.seed)
    print(f"wrote {args.count} procedures to {path}")


if __name__ == "__main__":
    main()
