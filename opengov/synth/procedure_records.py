"""Parts of a synthetic procedure record: submission methods with time limits and fees, cases
with their documents, and the four processing steps. Used by :mod:`opengov.synth.procedures`;
``rec`` is that module's working record (candidate, field, level, agency, flags).
"""

from __future__ import annotations

import random

from . import procedure_vocab as vocab

RECEPTION = {"P": "Trung tâm Phục vụ hành chính công cấp tỉnh",
             "C": "Trung tâm Phục vụ hành chính công cấp xã",
             "D": "Bộ phận Tiếp nhận và Trả kết quả cấp huyện"}
ONLINE_VI = {"full": "toàn trình", "partial": "một phần"}
ON_SITE_FIELDS = ("y-te", "an-toan-thuc-pham", "cong-thuong", "nong-nghiep", "thuy-san", "the-thao",
                  "du-lich", "van-hoa", "giao-duc", "moi-truong", "pccc", "xay-dung")
APPRAISAL_FEE_FIELDS = ("y-te", "an-toan-thuc-pham", "moi-truong", "tai-nguyen-nuoc", "khoang-san",
                        "du-lich", "the-thao", "nong-nghiep")


# Laws and decrees whose numbers we are confident of: "number=short name; …".
LAWS = """
60/2014/QH13=Luật Hộ tịch; 123/2015/NĐ-CP=Nghị định hướng dẫn Luật Hộ tịch
04/2020/TT-BTP=Thông tư hướng dẫn Luật Hộ tịch; 23/2015/NĐ-CP=Nghị định về chứng thực
01/2020/TT-BTP=Thông tư hướng dẫn về chứng thực; 28/2009/QH12=Luật Lý lịch tư pháp
46/2024/QH15=Luật Công chứng; 65/2006/QH11=Luật Luật sư; 01/2016/QH14=Luật Đấu giá tài sản
13/2012/QH13=Luật Giám định tư pháp; 11/2017/QH14=Luật Trợ giúp pháp lý
35/2013/QH13=Luật Hòa giải ở cơ sở; 52/2010/QH12=Luật Nuôi con nuôi; 31/2024/QH15=Luật Đất đai
101/2024/NĐ-CP=Nghị định về đăng ký, cấp Giấy chứng nhận và hệ thống thông tin đất đai
102/2024/NĐ-CP=Nghị định hướng dẫn Luật Đất đai; 50/2014/QH13=Luật Xây dựng
62/2020/QH14=Luật sửa đổi, bổ sung Luật Xây dựng; 27/2023/QH15=Luật Nhà ở
15/2021/NĐ-CP=Nghị định về quản lý dự án đầu tư xây dựng
29/2023/QH15=Luật Kinh doanh bất động sản; 47/2024/QH15=Luật Quy hoạch đô thị và nông thôn
21/2017/QH14=Luật Quy hoạch; 40/2019/QH14=Luật Kiến trúc; 35/2024/QH15=Luật Đường bộ
36/2024/QH15=Luật Trật tự, an toàn giao thông đường bộ
23/2004/QH11=Luật Giao thông đường thủy nội địa; 59/2020/QH14=Luật Doanh nghiệp
48/2014/QH13=Luật sửa đổi, bổ sung Luật Giao thông đường thủy nội địa
01/2021/NĐ-CP=Nghị định về đăng ký doanh nghiệp; 61/2020/QH14=Luật Đầu tư
31/2021/NĐ-CP=Nghị định hướng dẫn Luật Đầu tư; 22/2023/QH15=Luật Đấu thầu
17/2023/QH15=Luật Hợp tác xã; 04/2017/QH14=Luật Hỗ trợ doanh nghiệp nhỏ và vừa
15/2017/QH14=Luật Quản lý, sử dụng tài sản công; 16/2023/QH15=Luật Giá
83/2015/QH13=Luật Ngân sách nhà nước; 97/2015/QH13=Luật Phí và lệ phí
43/2019/QH14=Luật Giáo dục; 74/2014/QH13=Luật Giáo dục nghề nghiệp
46/2017/NĐ-CP=Nghị định về điều kiện đầu tư và hoạt động trong lĩnh vực giáo dục
15/2023/QH15=Luật Khám bệnh, chữa bệnh; 105/2016/QH13=Luật Dược
96/2023/NĐ-CP=Nghị định hướng dẫn Luật Khám bệnh, chữa bệnh
54/2017/NĐ-CP=Nghị định hướng dẫn Luật Dược; 55/2010/QH12=Luật An toàn thực phẩm
15/2018/NĐ-CP=Nghị định hướng dẫn Luật An toàn thực phẩm; 45/2019/QH14=Bộ luật Lao động
84/2015/QH13=Luật An toàn, vệ sinh lao động; 38/2013/QH13=Luật Việc làm
20/2021/NĐ-CP=Nghị định về chính sách trợ giúp xã hội; 39/2009/QH12=Luật Người cao tuổi
51/2010/QH12=Luật Người khuyết tật; 102/2016/QH13=Luật Trẻ em
02/2020/UBTVQH14=Pháp lệnh Ưu đãi người có công với cách mạng
131/2021/NĐ-CP=Nghị định hướng dẫn Pháp lệnh Ưu đãi người có công với cách mạng
28/2023/QH15=Luật Tài nguyên nước; 54/2024/NĐ-CP=Nghị định về cấp phép tài nguyên nước
72/2020/QH14=Luật Bảo vệ môi trường; 08/2022/NĐ-CP=Nghị định hướng dẫn Luật Bảo vệ môi trường
54/2024/QH15=Luật Địa chất và khoáng sản; 31/2018/QH14=Luật Trồng trọt
32/2018/QH14=Luật Chăn nuôi; 79/2015/QH13=Luật Thú y; 08/2017/QH14=Luật Thủy lợi
18/2017/QH14=Luật Thủy sản; 26/2019/NĐ-CP=Nghị định hướng dẫn Luật Thủy sản
16/2017/QH14=Luật Lâm nghiệp; 156/2018/NĐ-CP=Nghị định hướng dẫn Luật Lâm nghiệp
45/2024/QH15=Luật Di sản văn hóa; 16/2012/QH13=Luật Quảng cáo
144/2020/NĐ-CP=Nghị định về hoạt động nghệ thuật biểu diễn; 09/2017/QH14=Luật Du lịch
168/2017/NĐ-CP=Nghị định hướng dẫn Luật Du lịch; 77/2006/QH11=Luật Thể dục, thể thao
26/2018/QH14=Luật sửa đổi, bổ sung Luật Thể dục, thể thao; 36/2005/QH11=Luật Thương mại
61/2024/QH15=Luật Điện lực; 06/2007/QH12=Luật Hóa chất
105/2017/NĐ-CP=Nghị định về kinh doanh rượu; 83/2014/NĐ-CP=Nghị định về kinh doanh xăng dầu
67/2013/NĐ-CP=Nghị định về kinh doanh thuốc lá; 45/2010/NĐ-CP=Nghị định về hội
93/2019/NĐ-CP=Nghị định về quỹ xã hội, quỹ từ thiện; 33/2024/QH15=Luật Lưu trữ
57/2020/QH14=Luật Thanh niên; 06/2022/QH15=Luật Thi đua, khen thưởng
98/2023/NĐ-CP=Nghị định hướng dẫn Luật Thi đua, khen thưởng
02/2016/QH14=Luật Tín ngưỡng, tôn giáo; 95/2023/NĐ-CP=Nghị định hướng dẫn Luật Tín ngưỡng, tôn giáo
29/2013/QH13=Luật Khoa học và công nghệ; 07/2017/QH14=Luật Chuyển giao công nghệ
68/2006/QH11=Luật Tiêu chuẩn và quy chuẩn kỹ thuật; 04/2011/QH13=Luật Đo lường
18/2008/QH12=Luật Năng lượng nguyên tử; 49/2010/QH12=Luật Bưu chính
24/2023/QH15=Luật Viễn thông; 103/2016/QH13=Luật Báo chí; 19/2012/QH13=Luật Xuất bản
55/2024/QH15=Luật Phòng cháy, chữa cháy và cứu nạn, cứu hộ; 02/2011/QH13=Luật Khiếu nại
25/2018/QH14=Luật Tố cáo; 42/2013/QH13=Luật Tiếp công dân
"""
_LAW_NAMES = dict(i.split("=") for i in LAWS.strip().replace("\n", "; ").split("; "))


def cap(text: str) -> str:
    """``text`` with its first letter in upper case."""
    return text[:1].upper() + text[1:]


def low(text: str) -> str:
    """``text`` with its first letter in lower case, unless it starts an acronym."""
    return text[:1].lower() + text[1:] if not text[1:2].isupper() else text


def _vnd(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " đồng"


def _processing_time(rec: dict, rng: random.Random) -> tuple[int, str]:
    field, cand = rec["field"], rec["cand"]
    if cand["fixed"]:
        return cand["fixed"]["days"], "working_day"
    days = rng.randint(field["tmin"], field["tmax"])
    if cand["verb"] in ("Cấp lại", "Cấp đổi", "Thông báo", "Xóa") or cand["kind"] == "N":
        days = max(field["tmin"], days // 2)
    typical = [t for t in (1, 2, 3, 5, 7, 10, 12, 15, 20, 25, 30, 45, 60, 90)
               if field["tmin"] <= t <= field["tmax"]] or [days]
    return min(typical, key=lambda t: (abs(t - days), t)), field["unit"]


def _fees(rec: dict, rng: random.Random) -> tuple[list[dict], list[dict]]:
    """Fees for direct/postal submission and for online submission."""
    field, cand = rec["field"], rec["cand"]
    base = cand["fixed"]["fee"] if cand["fixed"] else field["fee"]
    free = [{"type": "none", "amount_vnd": None, "description_vi": "Không thu phí, lệ phí"}]
    if (not base or rec["type"] == "internal" or cand["kind"] in "BKN"
            or cand["verb"] == "Thu hồi" or (not cand["fixed"] and rng.random() < 0.15)):
        return free, free
    amount = base if cand["fixed"] else base * rng.choice((0.5, 1, 1, 1, 1.5, 2))
    step = 1000 if amount < 20000 else (5000 if amount < 200000 else 50000)
    amount = max(step, int(amount // step * step))
    appraisal = cand["kind"] == "A" or cand["field"] in APPRAISAL_FEE_FIELDS
    kind, label = ("fee", "Phí thẩm định") if appraisal else ("charge", "Lệ phí")
    per = "trang" if cand["field"] == "chung-thuc" else "hồ sơ"
    direct = [{"type": kind, "amount_vnd": amount,
               "description_vi": f"{label}: {_vnd(amount)}/{per}"}]
    u = rng.random()
    if u < 0.25:
        return direct, [{"type": kind, "amount_vnd": 0,
                         "description_vi": f"Miễn {low(label)} khi nộp hồ sơ trực tuyến"}]
    if u < 0.6:
        half = max(1000, amount // 2000 * 1000)
        return direct, [{"type": kind, "amount_vnd": half, "description_vi":
                         f"{label}: {_vnd(half)}/{per} (giảm 50% khi nộp trực tuyến)"}]
    return direct, direct


def _methods(rec: dict, rng: random.Random) -> list[dict]:
    time, unit = _processing_time(rec, rng)
    direct_fees, online_fees = _fees(rec, rng)
    place = vocab.AGENCIES[rec["agency"]] if rec["type"] == "internal" else RECEPTION[rec["level"]]
    methods = [{"method": "direct", "processing_time": time, "processing_time_unit": unit,
                "fees": direct_fees, "description_vi": f"Nộp hồ sơ trực tiếp tại {place}"}]
    if rec["online"] != "none":
        methods.append({
            "method": "online", "processing_time": time, "processing_time_unit": unit,
            "fees": online_fees, "description_vi": "Nộp hồ sơ trực tuyến trên Cổng Dịch vụ công "
            f"quốc gia (dịch vụ công trực tuyến {ONLINE_VI[rec['online']]})"})
    if rec["postal"]:
        methods.append({
            "method": "postal", "processing_time": time, "processing_time_unit": unit,
            "fees": direct_fees, "description_vi": "Nộp hồ sơ và nhận kết quả qua dịch vụ bưu "
            "chính công ích; cước dịch vụ bưu chính do người nộp hồ sơ trả theo giá cước"})
    return methods


def _case_names(rec: dict, targets: list[str]) -> list[str]:
    cand = rec["cand"]
    registers = cand["field"] == "ho-tich" or cand["kind"] == "R"
    names = ["Trường hợp đăng ký trực tiếp" if registers else "Trường hợp nộp hồ sơ trực tiếp"]
    if rec["online"] != "none":
        names.append("Trường hợp nộp hồ sơ trực tuyến")
    if rec["postal"]:
        names.append("Trường hợp nộp hồ sơ qua dịch vụ bưu chính")
    if "foreigner" in targets and "nước ngoài" not in cand["name_vi"]:
        names.append("Trường hợp có yếu tố nước ngoài")
    if "citizen" in targets and len(targets) > 1:
        names += ["Trường hợp đối với cá nhân", "Trường hợp đối với tổ chức"]
    if cand["verb"] == "Cấp lại":
        names += ["Trường hợp bị mất, hư hỏng", "Trường hợp thay đổi thông tin"]
    return names


def _documents(rec: dict, case: str, rng: random.Random) -> list[dict]:
    cand, online = rec["cand"], rec["online"] != "none"
    form = "Tờ trình" if rec["type"] == "internal" or cand["field"] == "thi-dua-khen-thuong" else (
        "Tờ khai" if cand["field"] == "ho-tich" or cand["kind"] == "R" else
        "Văn bản thông báo" if cand["kind"] == "N" else
        "Văn bản đề nghị" if cand["verb"] == "Thu hồi" else "Đơn đề nghị")
    first = f"{form} {low(cand['base_vi'])} (theo mẫu)"
    if cand["field"] == "khieu-nai-to-cao":
        first = "Đơn khiếu nại, đơn tố cáo hoặc văn bản kiến nghị, phản ánh"
    docs = [(first, 1, 0, online and rng.random() < 0.85)]
    extra = list(rec["field"]["docs"])
    for name in rng.sample(extra, min(len(extra), rng.randint(1, 2))):
        docs.append((name, 0, 1) if name.startswith("Bản sao") else (name, 1, 0))
    if cand["verb"] in ("Cấp lại", "Cấp đổi", "Điều chỉnh", "Gia hạn") and cand["kind"] in "GP":
        docs.append((f"Bản chính {low(cand['obj'])} đã được cấp", 1, 0))
    if "nước ngoài" in case or "nước ngoài" in cand["name_vi"]:
        docs.append(("Bản dịch có chứng thực giấy tờ do cơ quan nước ngoài cấp", 1, 0))
    if "tổ chức" in case:
        docs.append(("Bản sao quyết định thành lập hoặc giấy chứng nhận đăng ký của tổ chức", 0, 1))
    if rng.random() < 0.3 and rec["type"] != "internal":
        docs.append(("Văn bản ủy quyền (trường hợp nộp hồ sơ thay)", 1, 0))
    return [{"name_vi": d[0], "original_qty": d[1], "copy_qty": d[2],
             "electronic_form": bool(d[3]) if len(d) > 3 else False, "is_result": False}
            for d in docs]


def _cases(rec: dict, targets: list[str], rng: random.Random) -> list[dict]:
    n = rng.choices((1, 2, 3), weights=(70, 22, 8))[0]
    options = _case_names(rec, targets)
    names = ["Trường hợp chung"] if n == 1 or len(options) < 2 else options[:1] + rng.sample(
        options[1:], min(n - 1, len(options) - 1))
    return [{"name_vi": name, "documents": _documents(rec, name, rng)} for name in names]


def _steps(rec: dict, result: str, targets: list[str]) -> list[dict]:
    cand, level = rec["cand"], rec["level"]
    agency = vocab.AGENCIES[rec["agency"]]
    place = agency if rec["type"] == "internal" else RECEPTION[level]
    channels = f"trực tiếp tại {place}" + (", qua dịch vụ bưu chính công ích" * rec["postal"]) + (
        " hoặc trực tuyến trên Cổng Dịch vụ công quốc gia" * (rec["online"] != "none"))
    who = {"public_agency": "Cơ quan, đơn vị", "citizen": "Người yêu cầu"}.get(
        "+".join(targets), "Tổ chức, cá nhân")
    examiner = {"C": "Công chức chuyên môn thuộc Ủy ban nhân dân cấp xã",
                "D": "Phòng chuyên môn thuộc Ủy ban nhân dân cấp huyện"}.get(level, agency)
    check = (", kiểm tra thực tế tại cơ sở khi cần thiết"
             if cand["kind"] in "GP" and cand["field"] in ON_SITE_FIELDS else "")
    consult = ", lấy ý kiến các cơ quan có liên quan" if cand["kind"] in "AO" else ""
    if level == "C":
        approve = f"Chủ tịch Ủy ban nhân dân cấp xã xem xét, ký {low(result)}."
    elif level == "D":
        approve = (f"Chủ tịch Ủy ban nhân dân cấp huyện xem xét, ký {low(result)} "
                   "(thực hiện trước ngày 01/7/2025).")
    elif rec["delegated"]:
        approve = (f"Giám đốc {agency} ký {low(result)} theo ủy quyền của Ủy ban nhân dân "
                   "cấp tỉnh.")
    elif cand["kind"] in "AOK":
        approve = f"{agency} trình Chủ tịch Ủy ban nhân dân cấp tỉnh xem xét, quyết định."
    else:
        approve = f"Lãnh đạo {agency} xem xét, ký {low(result)}."
    ret = f"Trả {low(result)} tại {place}"
    ret += ", qua dịch vụ bưu chính công ích" if rec["postal"] else ""
    ret += " hoặc trên Cổng Dịch vụ công quốc gia" if rec["online"] == "full" else ""
    return [
        {"stage": "reception", "name_vi": "Tiếp nhận hồ sơ", "description_vi":
         f"{who} nộp hồ sơ {channels}. Cán bộ tiếp nhận kiểm tra thành phần hồ sơ, hướng dẫn "
         "bổ sung một lần nếu hồ sơ chưa đầy đủ."},
        {"stage": "appraisal", "name_vi": "Thẩm định",
         "description_vi": f"{examiner} thẩm định hồ sơ{check}{consult}."},
        {"stage": "approval", "name_vi": "Phê duyệt", "description_vi": approve},
        {"stage": "return", "name_vi": "Trả kết quả", "description_vi": ret + "."},
    ]


def _targets(rec: dict, rng: random.Random) -> list[str]:
    if rec["type"] == "internal":
        return ["public_agency"]
    letters = rec["field"]["targets"]
    targets = [vocab.TARGETS[x] for x in letters if x != "f"]
    if "f" in letters and ("nước ngoài" in rec["cand"]["name_vi"] or rng.random() < 0.3):
        targets.append("foreigner")
    return targets or ["citizen"]


def build_parts(rec: dict, rng: random.Random) -> dict:
    """The record's fields that depend on its methods, cases, steps and legal basis."""
    cand = rec["cand"]
    targets = _targets(rec, rng)
    methods = _methods(rec, rng)
    law_codes = list(rec["field"]["laws"])
    if any(f["type"] != "none" for m in methods for f in m["fees"]):
        law_codes.append("97/2015/QH13")
    requirements = None
    if rng.random() < 0.45 and rec["type"] != "internal":
        law = _LAW_NAMES[law_codes[0]]
        requirements = f"Đáp ứng điều kiện theo quy định của {law} và văn bản hướng dẫn thi hành."
    if rec["delegated"]:
        requirements = ((requirements + " ") if requirements else "") + (
            "Thủ tục thuộc thẩm quyền của Ủy ban nhân dân cấp tỉnh, được ủy quyền cho "
            f"{vocab.AGENCIES[rec['agency']]} thực hiện.")
    results = [{"name_vi": cand["result"]}]
    if rng.random() < 0.3 and cand["kind"] not in "NB":
        results.append({"name_vi": "Văn bản trả lời nêu rõ lý do (trường hợp không giải quyết)"})
    return {
        "target_groups": targets,
        "methods": methods,
        "cases": _cases(rec, targets, rng),
        "steps": _steps(rec, cand["result"], targets),
        "requirements": requirements,
        "legal_basis": [{"code": c, "name_vi": _LAW_NAMES[c]} for c in law_codes],
        "results": results,
    }
