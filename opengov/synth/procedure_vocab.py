"""Word lists and templates for the synthetic administrative-procedure (TTHC) generator.

Written for this project; nothing is copied from a real catalogue. The data uses line formats
(parsed by :mod:`opengov.synth.procedures`) so that one line can yield many names.

``VERBS``: ``KIND vi=en=result; …``; ``{o}``/``{e}`` = the object, ``{O}`` = it capitalised.
``CATALOGUE_PART2`` here and ``CATALOGUE_PART1`` in :mod:`~opengov.synth.procedure_catalogue`
(split only to keep modules short):
``== slug | field_vi | field_en | agency`` starts a field (lĩnh vực); ``~ targets | tmin-tmax
unit | fee_vnd | full_share | law …`` gives its defaults (``TARGETS`` letters, processing time,
typical fee, share of "toàn trình" online services, legal basis: numbers of
:data:`~opengov.synth.procedure_records.LAWS`); ``& doc; …`` typical documents.
``KIND[n] LEVELS vi=en; …`` are names: ``n`` keeps the first ``n`` verbs of the kind (``S`` = as
written); LEVELS ⊆ ``PCD`` (province, commune, legacy district). ``{s}`` is filled from the
``+ sub_vi=sub_en[@LEVELS]; …`` lines that follow; consecutive ``{s}`` patterns share them.
"""

TARGETS = {"c": "citizen", "o": "organisation", "e": "enterprise", "f": "foreigner"}

AGENCIES = {
    "so-tu-phap": "Sở Tư pháp", "so-xay-dung": "Sở Xây dựng",
    "so-nong-nghiep-moi-truong": "Sở Nông nghiệp và Môi trường",
    "van-phong-dang-ky-dat-dai": "Văn phòng đăng ký đất đai", "so-tai-chinh": "Sở Tài chính",
    "so-noi-vu": "Sở Nội vụ", "so-y-te": "Sở Y tế",
    "so-giao-duc-dao-tao": "Sở Giáo dục và Đào tạo",
    "so-van-hoa-the-thao-du-lich": "Sở Văn hóa, Thể thao và Du lịch",
    "so-cong-thuong": "Sở Công Thương", "so-khoa-hoc-cong-nghe": "Sở Khoa học và Công nghệ",
    "so-dan-toc-ton-giao": "Sở Dân tộc và Tôn giáo", "cong-an-cap-tinh": "Công an cấp tỉnh",
    "thanh-tra-cap-tinh": "Thanh tra cấp tỉnh", "ubnd-cap-xa": "Ủy ban nhân dân cấp xã",
    "ubnd-cap-huyen": "Ủy ban nhân dân cấp huyện (trước 01/7/2025)",
}

VERBS = """
S {o}={e}=
P Cấp {o}=Issuance of {e}={O}; Cấp lại {o}=Re-issuance of {e}={O} (cấp lại)
P Gia hạn {o}=Extension of {e}={O} (gia hạn); Điều chỉnh {o}=Amendment of {e}={O} (điều chỉnh)
P Thu hồi {o}=Revocation of {e}=Quyết định thu hồi {o}; Cấp đổi {o}=Replacement of {e}={O}
G Cấp {o}=Issuance of {e}={O}; Cấp lại {o}=Re-issuance of {e}={O} (cấp lại)
G Điều chỉnh {o}=Amendment of {e}={O} (điều chỉnh); Cấp đổi {o}=Replacement of {e}={O}
G Thu hồi {o}=Revocation of {e}=Quyết định thu hồi {o}
R Đăng ký {o}=Registration of {e}=Giấy chứng nhận đăng ký {o}
R Đăng ký thay đổi {o}=Registration of changes to {e}=Giấy chứng nhận đăng ký {o} (thay đổi)
R Xóa đăng ký {o}=Deregistration of {e}=Văn bản xác nhận xóa đăng ký {o}
R Đăng ký lại {o}=Re-registration of {e}=Giấy chứng nhận đăng ký {o}
A Thẩm định {o}=Appraisal of {e}=Văn bản thông báo kết quả thẩm định {o}
A Phê duyệt {o}=Approval of {e}=Quyết định phê duyệt {o}
A Phê duyệt điều chỉnh {o}=Approval of amendments to {e}=Quyết định phê duyệt điều chỉnh {o}
A Thẩm định điều chỉnh {o}=Appraisal of amendments to {e}=Văn bản thông báo kết quả thẩm định
K Công nhận {o}=Recognition of {e}=Quyết định công nhận {o}
K Công nhận lại {o}=Re-recognition of {e}=Quyết định công nhận lại {o}
K Thu hồi quyết định công nhận {o}=Withdrawal of recognition of {e}=Quyết định thu hồi
N Thông báo {o}=Notification of {e}=Văn bản xác nhận đã tiếp nhận thông báo
N Thông báo thay đổi {o}=Notification of changes to {e}=Văn bản xác nhận đã tiếp nhận thông báo
N Thông báo chấm dứt {o}=Notification of the end of {e}=Văn bản xác nhận đã tiếp nhận thông báo
O Thành lập {o}=Establishment of {e}=Quyết định thành lập {o}
O Sáp nhập, chia, tách {o}=Merger or division of {e}=Quyết định sáp nhập, chia, tách {o}
O Giải thể {o}=Dissolution of {e}=Quyết định giải thể {o}
O Cho phép {o} hoạt động=Authorisation for {e} to operate=Quyết định cho phép hoạt động
O Cho phép {o} hoạt động trở lại=Authorisation for {e} to resume=Quyết định cho phép hoạt động
B Giải quyết {o}=Granting of {e}=Quyết định hưởng {o}
B Thôi hưởng {o}=Termination of {e}=Quyết định thôi hưởng {o}
B Điều chỉnh mức hưởng {o}=Adjustment of {e}=Quyết định điều chỉnh mức hưởng {o}
B Chuyển nơi hưởng {o}=Transfer of {e} to another locality=Quyết định chuyển nơi hưởng {o}
"""
LEVEL_SUFFIX = {"P": (" (cấp tỉnh)", " (province level)"), "C": (" (cấp xã)", " (commune level)"),
                "D": (" (cấp huyện)", " (district level)")}
# Results of names written as is ("S"): by prefix ({r} = the rest, capitalised), else by field.
RESULT_BY_PREFIX = """
Cấp lại ={r} (cấp lại); Cấp bổ sung=; Cấp đổi={r}; Cấp ={r}; Thẩm định=Văn bản thông báo kết quả \
thẩm định; Phê duyệt=Quyết định phê duyệt; Công nhận=Quyết định công nhận; Thông báo=Văn bản xác \
nhận đã tiếp nhận thông báo; Xác nhận=Văn bản xác nhận; Giải quyết khiếu nại=Quyết định giải \
quyết khiếu nại; Giải quyết tố cáo=Kết luận nội dung tố cáo; Hỗ trợ=Quyết định hỗ trợ
"""
RESULT_DEFAULT = "Văn bản giải quyết thủ tục hành chính"
_DECISION = "Quyết định của cơ quan có thẩm quyền"
RESULT_BY_FIELD = {
    "ho-tich": "Trích lục {n}", "chung-thuc": "Giấy tờ, văn bản đã được chứng thực",
    "thi-dua-khen-thuong": "Quyết định khen thưởng",
    "nuoi-con-nuoi": "Giấy chứng nhận nuôi con nuôi",
    "dang-ky-kinh-doanh": "Giấy chứng nhận đăng ký hoặc thông báo cập nhật thông tin đăng ký",
    "hop-tac-xa": "Giấy chứng nhận đăng ký hợp tác xã hoặc thông báo cập nhật thông tin",
    "bao-tro-xa-hoi": _DECISION, "nguoi-co-cong": _DECISION,
    "ton-giao": "Văn bản chấp thuận hoặc trả lời của cơ quan có thẩm quyền",
}

# Second half of the field catalogue (the first is in procedure_catalogue.py; split for size).
CATALOGUE_PART2 = """
== lao-dong-thuong-binh-xa-hoi | Lao động – Thương binh và Xã hội | Labour, invalids and social \
affairs | so-noi-vu
~ cef | 5-15 working_day | 400000 | 0.5 | 45/2019/QH14 84/2015/QH13 38/2013/QH13
P4 P giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam=work permit for \
foreign workers in Viet Nam
G P giấy phép hoạt động {s}=licence for {s}
+ dịch vụ việc làm=employment services; cho thuê lại lao động=labour subleasing; huấn luyện an \
toàn, vệ sinh lao động hạng B=occupational safety training (class B)
S P + Xác nhận người lao động nước ngoài không thuộc diện cấp giấy phép lao động=Work-permit \
exemption certificates; Đăng ký nội quy lao động=Registration of work rules; Thông báo tổ chức \
làm thêm từ 200 giờ đến 300 giờ trong một năm=Notice of 200-300 overtime hours
+ Đăng ký hợp đồng nhận lao động thực tập dưới 90 ngày=Registration of short traineeship \
contracts; Giải quyết hưởng trợ cấp thất nghiệp=Unemployment benefit; Tạm dừng hưởng trợ cấp thất \
nghiệp=Suspension of unemployment benefit
+ Tiếp tục hưởng trợ cấp thất nghiệp=Resumption of unemployment benefit; Chấm dứt hưởng trợ cấp \
thất nghiệp=End of unemployment benefit; Hỗ trợ học nghề cho người hưởng trợ cấp thất \
nghiệp=Vocational training support for the unemployed
+ Hỗ trợ người sử dụng lao động đào tạo, bồi dưỡng, nâng cao trình độ kỹ năng nghề=Training \
support for employers; Gửi thỏa ước lao động tập thể=Filing of collective labour agreements
== bao-tro-xa-hoi | Bảo trợ xã hội | Social protection | so-y-te
~ c | 7-20 working_day | 0 | 0.3 | 20/2021/NĐ-CP 39/2009/QH12 51/2010/QH12 102/2016/QH13
& Tờ khai thông tin của đối tượng theo mẫu
B CD + trợ cấp xã hội hằng tháng đối với người cao tuổi=monthly social allowance for older \
people; trợ cấp xã hội hằng tháng đối với người khuyết tật=monthly allowance for people with \
disabilities; trợ cấp xã hội hằng tháng đối với trẻ em không có nguồn nuôi dưỡng=monthly \
allowance for children without carers; trợ cấp xã hội hằng tháng đối với người đơn thân nghèo \
đang nuôi con=monthly allowance for poor single parents; hỗ trợ kinh phí chăm sóc, nuôi dưỡng đối \
tượng tại cộng đồng=community care support; trợ cấp xã hội hằng tháng đối với người nhiễm HIV \
thuộc hộ nghèo=monthly allowance for poor people living with HIV; hỗ trợ đối với người khuyết tật \
đặc biệt nặng nuôi con nhỏ=support for severely disabled parents; trợ cấp nuôi dưỡng cho hộ nhận \
chăm sóc người cao tuổi=allowance for households caring for elders
S CD + Xác định, xác định lại mức độ khuyết tật=Disability assessment; Đổi, cấp lại Giấy xác nhận \
khuyết tật=Renewal of disability certificates; Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã \
hội=Funeral support for beneficiaries; Trợ giúp xã hội khẩn cấp về hỗ trợ làm nhà ở=Emergency \
housing assistance
+ Công nhận hộ nghèo, hộ cận nghèo phát sinh trong năm=Recognition of poor households; Công nhận \
hộ thoát nghèo, hộ thoát cận nghèo trong năm=Recognition of households leaving poverty; Đăng ký \
cai nghiện ma túy tự nguyện=Voluntary drug-rehabilitation registration
+ Áp dụng biện pháp can thiệp khẩn cấp hoặc tạm thời cách ly trẻ em=Emergency protection of \
children; Đăng ký nhận chăm sóc thay thế cho trẻ em=Registration of alternative child care; Tiếp \
nhận đối tượng vào cơ sở trợ giúp xã hội=Admission to social care facilities@PD
G P giấy phép hoạt động {s}=operating licence for {s}
O3 PD + cơ sở trợ giúp xã hội ngoài công lập=private social care facilities; cơ sở cai nghiện ma \
túy tự nguyện=voluntary rehabilitation facilities; cơ sở trợ giúp trẻ em=child support facilities
S CD + Công nhận hộ làm nông nghiệp, lâm nghiệp, ngư nghiệp có mức sống trung bình=Recognition of \
average-income farming households; Hỗ trợ chi phí điều trị cho người bị thương nặng do thiên \
tai=Treatment support for people injured in disasters; Hỗ trợ khẩn cấp trẻ em mồ côi cả cha và \
mẹ=Emergency support for orphans; Cấp thẻ bảo hiểm y tế cho đối tượng bảo trợ xã \
hội=Health-insurance cards for social beneficiaries; Hỗ trợ người lao động đi làm việc ở nước \
ngoài theo hợp đồng=Support for contract workers going abroad
== nguoi-co-cong | Người có công | People with meritorious services | so-noi-vu
~ c | 10-30 working_day | 0 | 0.2 | 02/2020/UBTVQH14 131/2021/NĐ-CP
& Bản khai cá nhân theo mẫu; Giấy tờ làm căn cứ xác nhận người có công
B PCD chế độ ưu đãi đối với {s}=preferential allowance for {s}
+ thương binh, người hưởng chính sách như thương binh=war invalids; bệnh binh=sick soldiers; thân \
nhân liệt sĩ=martyrs' relatives; người hoạt động kháng chiến bị nhiễm chất độc hóa học=resistance \
veterans exposed to toxic chemicals; người có công giúp đỡ cách mạng=people who aided the \
revolution; người hoạt động cách mạng trước ngày 01 tháng 01 năm 1945=pre-1945 revolutionaries; \
người hoạt động kháng chiến bị địch bắt tù, đày=resistance prisoners; Bà mẹ Việt Nam anh \
hùng=Heroic Vietnamese Mothers; con đẻ của người hoạt động kháng chiến bị nhiễm chất độc hóa \
học=children of veterans exposed to toxic chemicals
S PCD + Cấp bổ sung hoặc cấp lại giấy chứng nhận người có công=Re-issuance of merit certificates; \
Sửa đổi, bổ sung thông tin cá nhân trong hồ sơ người có công=Correction of merit records; Hỗ trợ \
người có công đi làm phương tiện, thiết bị chỉnh hình=Orthopaedic aids for veterans
+ Giải quyết chế độ mai táng phí, trợ cấp một lần khi người có công từ trần=Funeral and lump-sum \
benefits; Thăm viếng mộ liệt sĩ=Visits to martyrs' graves; Di chuyển hài cốt liệt sĩ=Relocation \
of martyrs' remains; Cấp trích lục hồ sơ người có công=Extracts of merit records
+ Giám định lại thương tật do vết thương cũ tái phát=Re-examination of recurring war injuries@P; \
Công nhận liệt sĩ=Recognition of martyrs@P; Xác nhận thương binh=Recognition of war invalids@P; \
Tặng quà nhân dịp lễ, Tết cho người có công=Holiday gifts for veterans@CD
== tai-nguyen-nuoc | Tài nguyên nước | Water resources | so-nong-nghiep-moi-truong
~ oec | 15-30 working_day | 600000 | 0.2 | 28/2023/QH15 54/2024/NĐ-CP
& Đề án, báo cáo khai thác, sử dụng nước; Kết quả phân tích chất lượng nước
P P giấy phép {s}={s}
+ khai thác, sử dụng nước mặt=surface water abstraction licence; khai thác, sử dụng nước dưới \
đất=groundwater abstraction licence; khai thác, sử dụng nước biển=seawater use licence; thăm dò \
nước dưới đất=groundwater exploration licence; hành nghề khoan nước dưới đất=well drilling licence
R3 CD + khai thác nước dưới đất=groundwater abstraction; khai thác, sử dụng nước mặt=surface \
water use
S P Lấy ý kiến cộng đồng dân cư về khai thác tài nguyên nước=Community consultation on water \
abstraction; Phê duyệt tiền cấp quyền khai thác tài nguyên nước=Water abstraction fees
== moi-truong | Môi trường | Environment | so-nong-nghiep-moi-truong
~ oe | 15-30 working_day | 2000000 | 0.2 | 72/2020/QH14 08/2022/NĐ-CP
& Báo cáo đánh giá tác động môi trường; Kế hoạch quản lý môi trường
A P + báo cáo đánh giá tác động môi trường=environmental impact assessments; phương án cải tạo, \
phục hồi môi trường trong khai thác khoáng sản=mine rehabilitation plans; kế hoạch ứng phó sự cố \
chất thải=waste incident response plans
P PCD giấy phép môi trường {s}=environmental permit {s}
+ thuộc thẩm quyền cấp tỉnh=(provincial)@P; thuộc thẩm quyền cấp huyện=(district)@D; thuộc thẩm \
quyền cấp xã=(commune)@C
S CD Đăng ký môi trường=Environmental registration; Tham vấn cộng đồng trong đánh giá tác động \
môi trường=Community consultation on impact assessments
S P Xác nhận hoàn thành phương án cải tạo, phục hồi môi trường=Completion of rehabilitation; Chấp \
thuận tách đấu nối khỏi hệ thống xử lý nước thải tập trung=Disconnection from central wastewater \
systems; Cấp giấy phép hoạt động dự báo, cảnh báo khí tượng thủy văn=Hydro-met forecasting \
licence; Cấp giấy phép hoạt động đo đạc và bản đồ=Surveying and mapping licence
== khoang-san | Địa chất và khoáng sản | Geology and minerals | so-nong-nghiep-moi-truong
~ e | 30-90 day | 2000000 | 0.1 | 54/2024/QH15
P P giấy phép {s}={s}
+ thăm dò khoáng sản=mineral exploration licence; khai thác khoáng sản làm vật liệu xây dựng \
thông thường=construction-material mining licence; khai thác tận thu khoáng sản=residual mining \
licence; khai thác cát, sỏi lòng sông=river sand mining licence
S P + Đóng cửa mỏ khoáng sản=Mine closure; Phê duyệt trữ lượng khoáng sản=Approval of mineral \
reserves; Đấu giá quyền khai thác khoáng sản=Mining right auctions; Trả lại giấy phép khai thác \
khoáng sản=Surrender of mining licences; Chuyển nhượng quyền khai thác khoáng sản=Transfer of \
mining rights; Giao khu vực biển=Allocation of sea areas; Trả lại khu vực biển=Return of sea areas
== nong-nghiep | Nông nghiệp | Agriculture | so-nong-nghiep-moi-truong
~ ceo | 5-20 working_day | 300000 | 0.4 | 31/2018/QH14 32/2018/QH14 79/2015/QH13 08/2017/QH14
& Bản thuyết minh điều kiện sản xuất, kinh doanh
G P giấy chứng nhận {s}={s} certificate
+ đủ điều kiện buôn bán thuốc bảo vệ thực vật=pesticide trading; đủ điều kiện buôn bán phân \
bón=fertiliser trading; đủ điều kiện sản xuất thức ăn chăn nuôi=feed production; đủ điều kiện \
chăn nuôi trang trại quy mô lớn=large-farm; đủ điều kiện buôn bán thuốc thú y=veterinary drug \
trading; cơ sở an toàn dịch bệnh động vật=disease-free establishment
G P chứng chỉ hành nghề thú y=veterinary practice certificate
P P giấy phép {s}={s}
+ hoạt động trong phạm vi bảo vệ công trình thủy lợi=irrigation protection zone permit; xả nước \
thải vào công trình thủy lợi=wastewater discharge permit for irrigation works; nổ mìn trong phạm \
vi bảo vệ công trình thủy lợi=blasting permit in irrigation zones
K PCD + xã đạt chuẩn nông thôn mới=communes meeting new-rural standards@P; thôn đạt chuẩn nông \
thôn mới kiểu mẫu=model new-rural villages@CD; sản phẩm OCOP=OCOP products@PD; làng nghề=craft \
villages@P; nghề truyền thống=traditional crafts@P; doanh nghiệp nông nghiệp ứng dụng công nghệ \
cao=high-tech farming enterprises@P; vùng nông nghiệp ứng dụng công nghệ cao=high-tech farming \
zones@P
S PCD + Kê khai hoạt động chăn nuôi=Livestock declaration@CD; Hỗ trợ khôi phục sản xuất vùng bị \
thiệt hại do thiên tai=Post-disaster production support@CD; Kiểm dịch động vật vận chuyển ra khỏi \
địa bàn cấp tỉnh=Animal quarantine for inter-provincial transport@P; Cấp mã số vùng \
trồng=Growing-area codes@P
+ Phê duyệt kế hoạch khuyến nông địa phương=Local extension plans@P; Hỗ trợ dự án liên kết sản \
xuất gắn với tiêu thụ sản phẩm=Support for production linkage projects; Chuyển đổi cơ cấu cây \
trồng trên đất trồng lúa=Conversion of rice land to other crops@CD
S CD Hỗ trợ {s}=Support for {s}
+ giống cây trồng, vật nuôi để khôi phục sản xuất sau thiên tai=seed and livestock after \
disasters; phát triển sản xuất cho hộ nghèo, hộ cận nghèo=production by poor households; mua bảo \
hiểm nông nghiệp=agricultural insurance premiums; cơ giới hóa sản xuất nông nghiệp=farm \
mechanisation; phòng, chống dịch bệnh động vật=animal disease control; áp dụng thực hành sản xuất \
nông nghiệp tốt=good agricultural practice
S CD Phê duyệt {s}=Approval of {s}
+ kế hoạch bảo trì công trình thủy lợi nhỏ=maintenance plans for small irrigation works; phương \
án ứng phó thiên tai cấp xã=commune disaster response plans@C; quy trình vận hành công trình thủy \
lợi nhỏ=operating rules for small irrigation works
== thuy-san | Thủy sản | Fisheries | so-nong-nghiep-moi-truong
~ ce | 3-15 working_day | 100000 | 0.45 | 18/2017/QH14 26/2019/NĐ-CP
& Giấy chứng nhận an toàn kỹ thuật tàu cá; Sổ danh bạ thuyền viên tàu cá
P P giấy phép khai thác thủy sản=fishing licence
R3 PCD tàu cá {s}=fishing vessels {s}
+ có chiều dài từ 12 mét trở lên=(12 m and over)@P; có chiều dài dưới 12 mét=(under 12 m)@CD
G P giấy chứng nhận {s}={s} certificate
+ an toàn kỹ thuật tàu cá=fishing vessel safety; cơ sở đủ điều kiện sản xuất, ương dưỡng giống \
thủy sản=fish seed production; đủ điều kiện nuôi trồng thủy sản=aquaculture eligibility; thủy sản \
khai thác=catch certificate
S PCD + Xác nhận đăng ký nuôi trồng thủy sản lồng bè=Registration of cage aquaculture@CD; Chấp \
thuận đóng mới, cải hoán, thuê, mua tàu cá=Approval to build or buy fishing vessels@P; Thẩm định \
thiết kế tàu cá=Fishing vessel design appraisal@P; Xác nhận nguồn gốc thủy sản khai \
thác=Certification of catch origin@P; Hỗ trợ ngư dân khai thác hải sản xa bờ=Offshore fishing \
support
== lam-nghiep | Lâm nghiệp | Forestry | so-nong-nghiep-moi-truong
~ coe | 5-20 working_day | 0 | 0.3 | 16/2017/QH14 156/2018/NĐ-CP
& Bảng kê lâm sản; Phương án khai thác
A PCD + phương án quản lý rừng bền vững=sustainable forest management plans@P; phương án khai \
thác thực vật rừng thông thường=harvest plans for forest plants; hồ sơ thiết kế dự toán công \
trình lâm sinh=silvicultural work designs@PD
S PCD Giao rừng, cho thuê rừng {s}=Allocation or lease of forest {s}; Thu hồi rừng {s}=Recovery \
of forest {s}; Chuyển loại rừng {s}=Reclassification of forest {s}
+ đối với tổ chức=(organisations)@P; đối với hộ gia đình, cá nhân, cộng đồng dân cư=(households \
and communities)@CD
R2 PCD mã số cơ sở nuôi, trồng {s}=farm code for {s}
+ các loài động vật, thực vật hoang dã nguy cấp, quý, hiếm=endangered species@P; các loài động \
vật rừng thông thường=common forest animals@CD
S PCD Xác nhận bảng kê lâm sản=Certification of forest product lists; Công nhận nguồn giống cây \
trồng lâm nghiệp=Recognition of forest seed sources
S CD + Hỗ trợ trồng rừng sản xuất=Support for production forest planting; Hỗ trợ bảo vệ rừng cho \
cộng đồng dân cư=Forest protection support for communities; Khai thác gỗ rừng trồng của hộ gia \
đình=Harvesting of household plantation timber; Đăng ký khai thác tận dụng gỗ=Registration of \
salvage logging
== van-hoa | Văn hóa | Culture | so-van-hoa-the-thao-du-lich
~ ceo | 5-15 working_day | 300000 | 0.5 | 45/2024/QH15 16/2012/QH13 144/2020/NĐ-CP
& Kịch bản, chương trình hoặc nội dung dự kiến; Danh sách người tham gia
G3 PCD giấy phép kinh doanh dịch vụ {s}=licence for {s} services
+ karaoke=karaoke@CD; vũ trường=dance hall@P; trò chơi điện tử có thưởng dành cho người nước \
ngoài=prize gaming for foreigners@P
S PCD + Thông báo tổ chức lễ hội=Notice of festivals@CD; Đăng ký tổ chức lễ hội=Registration of \
festivals; Thông báo tổ chức biểu diễn nghệ thuật=Notice of performances@P; Thông báo sản phẩm \
quảng cáo trên bảng quảng cáo, băng-rôn=Notice of outdoor advertisements@P
K3 CD + xã đạt chuẩn văn hóa nông thôn mới=communes meeting cultural standards; phường đạt chuẩn \
đô thị văn minh=civilised urban wards; khu dân cư kiểu mẫu=model neighbourhoods; cơ quan, đơn vị \
đạt chuẩn văn hóa=cultured workplaces; câu lạc bộ gia đình phát triển bền vững=sustainable family \
clubs
S PCD + Xét tặng danh hiệu Gia đình văn hóa=Cultured Family title@CD; Xét tặng danh hiệu Thôn, Tổ \
dân phố văn hóa=Cultured Village title@CD; Công nhận câu lạc bộ văn hóa cơ sở=Recognition of \
community culture clubs@CD; Thông báo thành lập thư viện cộng đồng=Notice of community libraries@CD
+ Xếp hạng di tích cấp tỉnh=Provincial ranking of relics@P; Thẩm định dự án tu bổ di \
tích=Appraisal of relic restoration projects@P; Đăng ký di vật, cổ vật=Registration of \
antiquities@P; Cấp giấy phép làm bản sao di vật, cổ vật=Licence to copy antiquities@P
+ Cấp giấy phép triển lãm mỹ thuật=Fine-art exhibition licence@P; Cấp giấy phép xuất bản bản \
tin=Newsletter licence@P; Cấp giấy phép hoạt động in=Printing licence@P; Cho phép họp báo=Press \
conference approval@P; Đăng ký hoạt động cơ sở hỗ trợ nạn nhân bạo lực gia đình=Registration of \
domestic-violence support centres@CD
== du-lich | Du lịch | Tourism | so-van-hoa-the-thao-du-lich
~ ec | 5-10 working_day | 650000 | 0.6 | 09/2017/QH14 168/2017/NĐ-CP
& Giấy chứng nhận tốt nghiệp chuyên ngành hoặc chứng chỉ nghiệp vụ
G P giấy phép kinh doanh dịch vụ lữ hành nội địa=domestic tour operator licence; thẻ hướng dẫn \
viên du lịch {s}={s} tour guide card
+ nội địa=domestic; quốc tế=international; tại điểm=site
K P + hạng cơ sở lưu trú du lịch 1 sao, 2 sao=1-2 star accommodation ratings; điểm du \
lịch=tourist sites; khu du lịch cấp tỉnh=provincial tourist zones; cơ sở kinh doanh dịch vụ ăn \
uống đạt tiêu chuẩn phục vụ khách du lịch=tourist-standard restaurants; cơ sở mua sắm đạt tiêu \
chuẩn phục vụ khách du lịch=tourist-standard shops; nhà ở có phòng cho khách du lịch thuê đạt \
tiêu chuẩn=homestays meeting standards
== the-thao | Thể dục, thể thao | Sport | so-van-hoa-the-thao-du-lich
~ eo | 5-10 working_day | 300000 | 0.5 | 77/2006/QH11 26/2018/QH14
G P giấy chứng nhận đủ điều kiện kinh doanh hoạt động thể thao {s}=sport business certificate {s}
+ đối với môn bơi, lặn=for swimming and diving; đối với môn võ thuật=for martial arts; đối với \
môn thể dục thẩm mỹ=for aerobics; đối với môn quần vợt=for tennis; đối với môn thể hình và \
fitness=for fitness; đối với môn bóng đá=for football; đối với môn dù lượn=for paragliding
S PCD Công nhận câu lạc bộ thể thao cơ sở=Recognition of community sports clubs; Đăng cai tổ chức \
giải thi đấu thể thao=Hosting of sports competitions
== noi-vu | Nội vụ | Home affairs | so-noi-vu
~ oc | 10-30 working_day | 0 | 0.2 | 45/2010/NĐ-CP 93/2019/NĐ-CP 33/2024/QH15 57/2020/QH14
O PCD + hội có phạm vi hoạt động trong tỉnh=province-wide associations@P; hội có phạm vi hoạt \
động trong xã=commune associations@CD; quỹ xã hội, quỹ từ thiện=social and charity funds@PCD
S PCD + Phê duyệt điều lệ hội=Approval of association charters; Công nhận ban vận động thành lập \
hội=Recognition of founding committees; Công nhận quỹ đủ điều kiện hoạt động=Recognition of \
funds; Đổi tên quỹ=Renaming of funds; Đổi tên hội=Renaming of associations
+ Thi tuyển công chức=Civil servant recruitment exam@P; Xét tuyển viên chức=Public employee \
selection; Thi nâng ngạch công chức=Civil servant promotion exam@P; Tiếp nhận vào làm viên \
chức=Admission as public employee@P; Xét chuyển cán bộ, công chức cấp xã thành công chức cấp \
trên=Transfer of commune officials upward@P
+ Thẩm định việc thành lập thôn, tổ dân phố mới=Appraisal of new villages@P; Thẩm định thành lập \
đơn vị sự nghiệp công lập=Appraisal of new public service units; Thẩm định tổ chức lại, giải thể \
đơn vị sự nghiệp công lập=Appraisal of reorganised public units
+ Cấp chứng chỉ hành nghề lưu trữ=Archival practice certificate@P; Phục vụ sử dụng tài liệu lưu \
trữ=Access to archival records@P; Thành lập tổ chức thanh niên xung phong=Establishment of youth \
volunteer forces@P
S PCD + Xét tuyển công chức cấp xã=Commune civil servant selection@C; Thành lập thôn mới, tổ dân \
phố mới=Creation of new villages@CD; Ghép, sáp nhập thôn, tổ dân phố=Merger of villages@CD; Cho \
phép hội đặt văn phòng đại diện=Association representative offices; Tặng Kỷ niệm chương=Award of \
commemorative medals@P
== thi-dua-khen-thuong | Thi đua – Khen thưởng | Emulation and commendation | so-noi-vu
~ oc | 10-20 working_day | 0 | 0.2 | 06/2022/QH15 98/2023/NĐ-CP
& Báo cáo thành tích của tập thể, cá nhân được đề nghị khen thưởng; Biên bản họp Hội đồng thi đua \
– khen thưởng
S PCD Tặng {s}=Award of {s}
+ Bằng khen của Chủ tịch Ủy ban nhân dân cấp tỉnh theo công trạng và thành tích=provincial \
certificate of merit for achievements@P; Bằng khen của Chủ tịch Ủy ban nhân dân cấp tỉnh theo đợt \
hoặc chuyên đề=provincial certificate of merit by campaign@P
+ Bằng khen của Chủ tịch Ủy ban nhân dân cấp tỉnh cho gia đình=provincial certificate of merit to \
families@P; danh hiệu Cờ thi đua của Ủy ban nhân dân cấp tỉnh=provincial emulation flag@P; danh \
hiệu Chiến sĩ thi đua cấp tỉnh=provincial emulation fighter title@P
+ Giấy khen của Chủ tịch Ủy ban nhân dân cấp xã=commune commendation@C; Giấy khen của Chủ tịch Ủy \
ban nhân dân cấp huyện=district commendation@D; danh hiệu Tập thể lao động tiên tiến=advanced \
collective title@CD; danh hiệu Lao động tiên tiến=advanced worker title@CD
+ danh hiệu Chiến sĩ thi đua cơ sở=grassroots emulation fighter title@CD; danh hiệu Tập thể lao \
động xuất sắc=excellent collective title@P; Giấy khen theo đợt hoặc chuyên đề=commendation by \
campaign@CD
== ton-giao | Tín ngưỡng, tôn giáo | Belief and religion | so-dan-toc-ton-giao
~ oc | 20-60 day | 0 | 0.1 | 02/2016/QH14 95/2023/NĐ-CP
S PCD Đề nghị {s}=Request for {s}
+ sinh hoạt tôn giáo tập trung=collective religious practice@CD; tổ chức cuộc lễ ngoài cơ sở tôn \
giáo=ceremonies outside places of worship; giảng đạo ngoài địa bàn phụ trách=preaching \
elsewhere@PD; tổ chức đại hội của tổ chức tôn giáo trực thuộc=congresses of religious bodies@P; \
thành lập tổ chức tôn giáo trực thuộc=new affiliated religious bodies@P
+ công nhận tổ chức tôn giáo=recognition of a religious organisation@P; tổ chức quyên góp vượt ra \
ngoài phạm vi một xã=fundraising beyond one commune; cải tạo, nâng cấp công trình tôn \
giáo=renovation of religious buildings@PCD; tổ chức hội nghị thường niên=annual meetings@CD; tổ \
chức quyên góp trong phạm vi một xã=fundraising within one commune@CD; hủy kết quả bổ nhiệm, bầu \
cử chức việc=cancelled appointments of officers@CD
S PCD Đăng ký {s}=Registration of {s}; Thông báo {s}=Notification of {s}
+ hoạt động tín ngưỡng=belief activities@CD; người đại diện cơ sở tín ngưỡng=belief-site \
representatives@CD; danh mục hoạt động tôn giáo=religious activity lists; người được bổ nhiệm, \
bầu cử làm chức việc=appointed religious officers
== khieu-nai-to-cao | Tiếp công dân, khiếu nại, tố cáo | Complaints and denunciations | \
thanh-tra-cap-tinh
~ c | 30-45 day | 0 | 0.1 | 02/2011/QH13 25/2018/QH14 42/2013/QH13
& Tài liệu, chứng cứ kèm theo (nếu có)
S PCD Giải quyết khiếu nại lần đầu=First-instance complaints; Giải quyết khiếu nại lần \
hai=Second-instance complaints; Giải quyết tố cáo=Handling of denunciations; Tiếp công \
dân=Receiving citizens; Xử lý đơn khiếu nại, tố cáo, kiến nghị, phản ánh=Handling of petitions; \
Giải quyết kiến nghị, phản ánh=Handling of recommendations and feedback
"""
