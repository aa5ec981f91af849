"""Fields (lĩnh vực) and procedure names, first half (the format and the second half are in
:mod:`opengov.synth.procedure_vocab`). Names follow the usual shape of Vietnamese procedure names
(verb + object + qualifier) and were written for this project. Most commune names are also marked
``D``: district procedures passed to communes on 01/7/2025, and the legacy records remain.
"""

CATALOGUE_PART1 = """
== ho-tich | Hộ tịch | Civil status | so-tu-phap
~ cf | 1-5 working_day | 8000 | 0.55 | 60/2014/QH13 123/2015/NĐ-CP 04/2020/TT-BTP
& Giấy tờ chứng minh nơi cư trú; Giấy tờ làm căn cứ ghi nội dung hộ tịch
S CD Đăng ký khai tử=Death registration; Đăng ký nhận cha, mẹ, con=Parent-child recognition
S C Đăng ký giám hộ=Guardianship registration; Đăng ký chấm dứt giám hộ=End of guardianship
S CD Cấp Giấy xác nhận tình trạng hôn nhân=Issuance of a marital status certificate
S CD Cấp bản sao trích lục hộ tịch=Copies of civil status extracts; Đăng ký thay đổi, cải chính, \
bổ sung thông tin hộ tịch=Change, correction or supplement of civil status information
S C Đăng ký khai sinh kết hợp nhận cha, mẹ, con=Birth registration with parent-child recognition
S C Liên thông thủ tục đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em \
dưới 6 tuổi=Linked birth, residence and health-insurance registration for children under six
S C Liên thông thủ tục đăng ký khai tử, xóa đăng ký thường trú, hưởng chế độ mai táng=Linked \
death registration, residence deregistration and funeral allowance
S C Đăng ký khai sinh {s}=Birth registration {s}
+ cho trẻ em bị bỏ rơi=of abandoned children; cho người đã có hồ sơ, giấy tờ cá nhân=of persons \
with existing personal papers
S CD Đăng ký lại {s}=Re-registration of {s}
+ khai sinh=birth; kết hôn=marriage; khai tử=death
S C Đăng ký {s} lưu động=Mobile {s} registration
+ khai sinh=birth; kết hôn=marriage; khai tử=death
S CD Đăng ký {s} có yếu tố nước ngoài={s} registration with foreign elements
+ khai sinh=birth; khai tử=death; nhận cha, mẹ, con=parent-child recognition; giám \
hộ=guardianship; kết hôn=marriage@D
S CD Đăng ký lại {s} có yếu tố nước ngoài=Re-registration of {s} with foreign elements
+ khai sinh=birth; kết hôn=marriage; khai tử=death
S CD Ghi vào Sổ hộ tịch việc {s} của công dân Việt Nam đã được giải quyết tại cơ quan có thẩm \
quyền của nước ngoài=Recording of a {s} of a Vietnamese citizen settled abroad
+ kết hôn=marriage; ly hôn, hủy việc kết hôn=divorce or annulment; hộ tịch khác=civil event of \
another kind
S CD Thay đổi, cải chính, bổ sung hộ tịch, xác định lại dân tộc=Correction of civil status and \
re-determination of ethnicity
== chung-thuc | Chứng thực | Authentication | so-tu-phap
~ co | 1-2 working_day | 10000 | 0.3 | 23/2015/NĐ-CP 01/2020/TT-BTP
& Bản chính giấy tờ, văn bản cần chứng thực; Dự thảo hợp đồng, giao dịch
S CD Chứng thực chữ ký trong các giấy tờ, văn bản=Authentication of signatures; Chứng thực di \
chúc=Authentication of wills; Cấp bản sao từ sổ gốc=Copies from master registers
S CD Chứng thực hợp đồng, giao dịch liên quan đến {s}=Authentication of contracts on {s}
+ tài sản là động sản=movable property; thực hiện các quyền của người sử dụng đất=land use \
rights; nhà ở=housing
S CD Chứng thực văn bản {s}=Authentication of {s}
+ từ chối nhận di sản=renunciation of inheritance; thỏa thuận phân chia di sản=inheritance \
division agreements; khai nhận di sản=declarations of inheritance
S CD Chứng thực việc sửa đổi, bổ sung, hủy bỏ hợp đồng, giao dịch=Authentication of amended or \
cancelled contracts; Sửa lỗi sai sót trong hợp đồng, giao dịch đã được chứng thực=Correction of \
errors in authenticated contracts
S CD Cấp bản sao có chứng thực từ bản chính hợp đồng, giao dịch đã được chứng thực=Certified \
copies of authenticated contracts
S CD Chứng thực chữ ký người dịch mà người dịch {s}=Authentication of translators' signatures {s}
+ là cộng tác viên dịch thuật=(registered translators); không phải là cộng tác viên dịch \
thuật=(other translators)
S CD Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan có thẩm quyền của nước ngoài \
cấp=Certified copies of papers issued by foreign authorities
== tu-phap | Bổ trợ tư pháp | Judicial support | so-tu-phap
~ co | 5-20 working_day | 200000 | 0.5 | 46/2024/QH15 65/2006/QH11 01/2016/QH14 13/2012/QH13
S P Cấp Phiếu lý lịch tư pháp cho {s}=Criminal record certificates for {s}
+ công dân Việt Nam, người nước ngoài đang cư trú tại Việt Nam=residents; cơ quan tiến hành tố \
tụng=procedural authorities; cơ quan nhà nước, tổ chức chính trị – xã hội=public bodies
G P giấy đăng ký hoạt động của {s}=operating registration of {s}
O3 P + văn phòng công chứng=notary offices; văn phòng thừa phát lại=bailiff offices; văn phòng \
giám định tư pháp=forensic examination offices; trung tâm hòa giải thương mại=mediation centres
G P giấy đăng ký hoạt động của {s}=operating registration of {s}
+ tổ chức hành nghề luật sư=law firms; doanh nghiệp đấu giá tài sản=auction firms; trung tâm tư \
vấn pháp luật=legal advice centres; chi nhánh trung tâm trọng tài=arbitration centre branches
G3 P thẻ {s}={s} card
+ công chứng viên=notary; thừa phát lại=bailiff; tư vấn viên pháp luật=legal adviser
S P + Đăng ký hành nghề công chứng=Registration to practise as a notary; Đăng ký tập sự hành nghề \
công chứng=Registration of notary apprenticeship; Bổ nhiệm giám định viên tư pháp=Appointment of \
forensic examiners; Miễn nhiệm giám định viên tư pháp=Dismissal of forensic examiners
+ Yêu cầu trợ giúp pháp lý=Request for legal aid; Đăng ký tham gia trợ giúp pháp lý=Registration \
to provide legal aid; Thay đổi người thực hiện trợ giúp pháp lý=Change of legal-aid provider
+ Công nhận hòa giải viên=Recognition of mediators@CD; Thôi làm hòa giải viên=Release of \
mediators@CD; Công nhận tổ trưởng tổ hòa giải=Recognition of mediation team leaders@CD; Thanh \
toán thù lao cho hòa giải viên=Payment of mediators' allowances@CD
+ Công nhận báo cáo viên pháp luật=Recognition of legal communicators@PD; Miễn nhiệm báo cáo viên \
pháp luật=Dismissal of legal communicators@PD
== nuoi-con-nuoi | Nuôi con nuôi | Adoption | so-tu-phap
~ cf | 20-60 day | 400000 | 0.1 | 52/2010/QH12
S CD Đăng ký việc nuôi con nuôi trong nước=Domestic adoption registration; Đăng ký lại việc nuôi \
con nuôi trong nước=Re-registration of a domestic adoption
S P Giải quyết việc người nước ngoài thường trú ở {s} nhận trẻ em Việt Nam làm con nuôi=Adoption \
of Vietnamese children by foreigners resident {s}
+ Việt Nam=in Viet Nam; nước ngoài=abroad
S P Ghi chú việc nuôi con nuôi đã được giải quyết tại cơ quan có thẩm quyền của nước \
ngoài=Recording of adoptions settled abroad
== dat-dai | Đất đai | Land | so-nong-nghiep-moi-truong
~ coe | 10-30 working_day | 100000 | 0.08 | 31/2024/QH15 101/2024/NĐ-CP 102/2024/NĐ-CP
& Giấy chứng nhận đã cấp; Mảnh trích đo bản đồ địa chính thửa đất; Giấy tờ về quyền sử dụng đất
G PCD Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất {s}=certificate of \
land use rights and attached assets {s}
+ cho tổ chức=for organisations@P; cho hộ gia đình, cá nhân=for households and individuals@CD; \
cho cộng đồng dân cư=for residential communities@CD; cho người Việt Nam định cư ở nước ngoài=for \
overseas Vietnamese@P
R3 PCD + thế chấp quyền sử dụng đất, tài sản gắn liền với đất=mortgages on land use rights; góp \
vốn bằng quyền sử dụng đất=capital contribution with land use rights; cho thuê, cho thuê lại \
quyền sử dụng đất=leases of land use rights
S PCD Tách thửa hoặc hợp thửa đất=Parcel subdivision or consolidation; Đính chính Giấy chứng nhận \
đã cấp=Correction of issued certificates; Gia hạn sử dụng đất=Extension of the land use term
S PCD Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất=Registration of \
changes in land use rights; Cung cấp thông tin, dữ liệu đất đai=Provision of land data
S CD Hòa giải tranh chấp đất đai=Land dispute mediation; Xác nhận tiếp tục sử dụng đất nông \
nghiệp khi hết thời hạn=Confirmation of continued agricultural land use
S PCD Giao đất, cho thuê đất không thông qua đấu giá {s}=Allocation or lease of land without \
auction {s}; Chuyển mục đích sử dụng đất {s}=Change of land use purpose {s}; Thu hồi đất \
{s}=Recovery of land {s}
+ đối với tổ chức=(organisations)@P; đối với hộ gia đình, cá nhân=(households and \
individuals)@CD; đối với tổ chức tôn giáo=(religious organisations)@P
A PCD + phương án sử dụng đất của công ty nông, lâm nghiệp=land use plans of agro-forestry \
companies@P; giá đất cụ thể=specific land prices@P; phương án đấu giá quyền sử dụng đất=land \
auction plans; phương án bồi thường, hỗ trợ, tái định cư=compensation and resettlement plans
S PCD Giải quyết tranh chấp đất đai=Settlement of land disputes; Cưỡng chế thực hiện quyết định \
thu hồi đất=Enforcement of land recovery decisions
== xay-dung | Xây dựng | Construction | so-xay-dung
~ coe | 7-20 working_day | 75000 | 0.35 | 50/2014/QH13 62/2020/QH14 15/2021/NĐ-CP
& Bản vẽ thiết kế xây dựng; Giấy tờ hợp pháp về đất đai; Báo cáo kết quả thẩm định thiết kế
P PCD giấy phép xây dựng {s}=construction permit for {s}
+ nhà ở riêng lẻ=detached houses@CD; công trình cấp I, cấp II=grade I-II works@P; công trình cấp \
III, cấp IV=grade III-IV works@PCD; công trình tín ngưỡng, tôn giáo=religious works@P; công trình \
quảng cáo=advertising structures@PCD; công trình theo giai đoạn=phased works@P; công trình có \
thời hạn=temporary works@CD; sửa chữa, cải tạo công trình=renovation works; công trình thuộc dự \
án=works within projects@P
A PCD + báo cáo nghiên cứu khả thi đầu tư xây dựng=construction feasibility reports@P; báo cáo \
kinh tế – kỹ thuật đầu tư xây dựng=economic-technical reports; thiết kế xây dựng triển khai sau \
thiết kế cơ sở=detailed construction designs@P; dự toán xây dựng công trình=cost estimates
G P chứng chỉ {s}={s} certificate
+ năng lực hoạt động xây dựng hạng II, hạng III=grade II-III construction capacity; hành nghề \
hoạt động xây dựng hạng II, hạng III=grade II-III construction practice; hành nghề kiến \
trúc=architecture practice; hành nghề định giá xây dựng=construction valuation practice
S PCD Kiểm tra công tác nghiệm thu hoàn thành công trình=Inspection of completion acceptance; Cho \
ý kiến về kết quả đánh giá an toàn công trình=Opinion on building safety assessments
S P Công bố hợp quy sản phẩm, hàng hóa vật liệu xây dựng=Declaration of conformity of building \
materials; Chỉ định tổ chức đánh giá sự phù hợp=Designation of conformity assessment bodies
== nha-o | Nhà ở và thị trường bất động sản | Housing and real estate | so-xay-dung
~ coe | 15-30 working_day | 0 | 0.3 | 27/2023/QH15 29/2023/QH15
A P + giá bán, giá thuê mua nhà ở xã hội=social housing prices; kế hoạch phát triển nhà ở=housing \
development plans; dự án cải tạo, xây dựng lại nhà chung cư=apartment redevelopment projects; \
phương án bố trí tái định cư nhà chung cư=apartment resettlement plans
G P chứng chỉ hành nghề môi giới bất động sản=real estate brokerage certificate
S P Thuê, thuê mua nhà ở xã hội thuộc tài sản công=Lease of public social housing; Bán nhà ở cũ \
thuộc tài sản công=Sale of old public housing; Chuyển nhượng dự án bất động sản=Transfer of a \
real estate project; Công nhận chủ đầu tư dự án nhà ở=Recognition of housing investors
S CD Xác nhận đối tượng được hưởng chính sách nhà ở xã hội=Certification of social housing \
eligibility; Hỗ trợ nhà ở cho hộ nghèo=Housing support for poor households
== quy-hoach | Quy hoạch – Kiến trúc | Planning and architecture | so-xay-dung
~ oe | 15-25 working_day | 0 | 0.2 | 47/2024/QH15 21/2017/QH14 40/2019/QH14
A PCD + nhiệm vụ quy hoạch chi tiết=detailed planning briefs; đồ án quy hoạch chi tiết=detailed \
plans; nhiệm vụ quy hoạch phân khu=zoning briefs@P; đồ án quy hoạch phân khu=zoning plans@P; quy \
hoạch tổng mặt bằng=site master plans; quy hoạch chung xã=commune master plans@CD; quy chế quản \
lý kiến trúc=architecture regulations@P; thiết kế đô thị riêng=urban designs@P
S PCD Cung cấp thông tin về quy hoạch=Provision of planning information; Giới thiệu địa điểm xây \
dựng=Site referral for construction
== giao-thong-duong-bo | Giao thông đường bộ | Road transport | so-xay-dung
~ ce | 2-10 working_day | 50000 | 0.6 | 35/2024/QH15 36/2024/QH15
& Giấy đăng ký phương tiện; Hồ sơ kỹ thuật của phương tiện
P P giấy phép {s}={s}
+ liên vận Việt Nam – Lào=Vietnam–Laos cross-border permit; liên vận Việt Nam – Lào – \
Campuchia=Vietnam–Laos–Cambodia permit; lưu hành xe quá tải trọng, xe quá khổ giới hạn=oversize \
vehicle permit; thi công công trình trên đường bộ đang khai thác=roadworks permit; kinh doanh vận \
tải bằng xe ô tô=road transport business licence; liên vận quốc tế ASEAN=ASEAN cross-border permit
G3 P phù hiệu xe ô tô kinh doanh vận tải {s}={s} transport vehicle badge
+ hành khách theo tuyến cố định=scheduled passenger; hành khách bằng xe taxi=taxi; hàng \
hóa=freight; hành khách theo hợp đồng=contract passenger
R P xe máy chuyên dùng=special-purpose vehicles
S P Công bố đưa {s} vào khai thác=Opening of {s}
+ bến xe khách=a coach station; trạm dừng nghỉ=a rest stop; bến xe hàng=a freight terminal
S P Đăng ký khai thác tuyến vận tải hành khách cố định=Registration of scheduled routes; Chấp \
thuận xây dựng công trình thiết yếu trong phạm vi bảo vệ kết cấu hạ tầng đường bộ=Approval of \
essential works in road protection zones
S CD Chấp thuận đấu nối tạm thời vào đường địa phương=Temporary connection to local roads
== duong-thuy | Đường thủy nội địa | Inland waterways | so-xay-dung
~ ce | 3-10 working_day | 70000 | 0.4 | 23/2004/QH11 48/2014/QH13
& Giấy chứng nhận an toàn kỹ thuật và bảo vệ môi trường của phương tiện
R3 PCD phương tiện thủy nội địa {s}=inland vessels {s}
+ có động cơ=(motorised)@P; không có động cơ có trọng tải toàn phần trên 1 tấn=(non-motorised, \
over 1 tonne)@CD; chở khách ngang sông=(river-crossing passenger boats)@CD
P PD giấy phép hoạt động bến {s}=operating licence for {s}
+ thủy nội địa=inland landings@P; khách ngang sông=river-crossing landings
S P Công bố hạn chế giao thông đường thủy nội địa=Announcement of waterway restrictions; Dự thi \
lấy chứng chỉ chuyên môn người lái phương tiện=Boat-driver certificate examination
S P Thỏa thuận thông số kỹ thuật xây dựng bến thủy nội địa=Agreement on landing design \
parameters; Công bố mở luồng chuyên dùng=Opening of dedicated waterways
== dang-ky-kinh-doanh | Đăng ký kinh doanh | Business registration | so-tai-chinh
~ ec | 3-5 working_day | 50000 | 0.8 | 59/2020/QH14 01/2021/NĐ-CP
& Giấy đề nghị đăng ký theo mẫu; Điều lệ hoặc danh sách thành viên
S P Đăng ký thành lập {s}=Registration of a new {s}; Đăng ký đổi tên {s}=Change of name of a {s}; \
Đăng ký thay đổi địa chỉ trụ sở chính của {s}=Change of head office of a {s}
S P Đăng ký thay đổi người đại diện theo pháp luật của {s}=Change of legal representative of a \
{s}; Đăng ký thay đổi vốn điều lệ của {s}=Change of charter capital of a {s}; Giải thể \
{s}=Dissolution of a {s}
+ doanh nghiệp tư nhân=sole proprietorship; công ty trách nhiệm hữu hạn một thành \
viên=single-member LLC; công ty trách nhiệm hữu hạn hai thành viên trở lên=multi-member LLC; công \
ty cổ phần=joint-stock company; công ty hợp danh=partnership
S CD {s} hộ kinh doanh={s} of a household business
+ Đăng ký thay đổi nội dung đăng ký=Registration of changes; Tạm ngừng kinh doanh, tiếp tục kinh \
doanh trước thời hạn của=Suspension or early resumption; Chấm dứt hoạt động=Closure; Cấp lại Giấy \
chứng nhận đăng ký=Re-issuance of the registration certificate
S P Thông báo {s}=Notification of {s}
+ lập địa điểm kinh doanh=a new business location; thay đổi ngành, nghề kinh doanh=changes to \
business lines; thay đổi thông tin cổ đông sáng lập=changes of founding shareholders; chấm dứt \
hoạt động chi nhánh, văn phòng đại diện=closure of a branch; tạm ngừng kinh doanh=temporary \
suspension of business
S P Đăng ký hoạt động chi nhánh, văn phòng đại diện=Registration of a branch; Chuyển đổi công ty \
trách nhiệm hữu hạn thành công ty cổ phần=Conversion of an LLC into a joint-stock company; Hiệu \
đính thông tin đăng ký doanh nghiệp=Correction of registration data
== hop-tac-xa | Hợp tác xã | Cooperatives | so-tai-chinh
~ oc | 3-5 working_day | 100000 | 0.5 | 17/2023/QH15
S PCD {s} hợp tác xã={s} of a cooperative; {s} liên hiệp hợp tác xã={s} of a union of cooperatives
+ Đăng ký thành lập=Registration; Đăng ký thay đổi nội dung đăng ký=Registration of changes; Tạm \
ngừng hoạt động=Suspension; Giải thể tự nguyện=Voluntary dissolution; Cấp lại giấy chứng nhận \
đăng ký=Re-issuance of certificate; Chia, tách=Division; Hợp nhất, sáp nhập=Merger; Đăng ký thành \
lập chi nhánh, văn phòng đại diện của=Registration of branches
N CD tổ hợp tác=cooperative groups
== dau-tu | Đầu tư | Investment | so-tai-chinh
~ eof | 15-35 day | 0 | 0.3 | 61/2020/QH14 31/2021/NĐ-CP
& Đề xuất dự án đầu tư; Tài liệu chứng minh năng lực tài chính của nhà đầu tư
G P Giấy chứng nhận đăng ký đầu tư {s}=investment registration certificate {s}
+ đối với dự án không thuộc diện chấp thuận chủ trương đầu tư=for projects without policy \
approval; đối với dự án thuộc diện chấp thuận chủ trương đầu tư=for projects with policy approval
S P {s} dự án đầu tư={s} an investment project; {s} dự án đầu tư trong khu công nghiệp={s} an \
industrial-zone project
+ Chấp thuận chủ trương đầu tư=Policy approval for; Điều chỉnh chủ trương đầu tư=Amendment of the \
policy for; Chuyển nhượng=Transfer of; Giãn tiến độ thực hiện=Schedule extension for; Chấm dứt \
hoạt động=Termination of; Tạm ngừng, ngừng hoạt động=Suspension of; Lựa chọn nhà đầu tư thực \
hiện=Investor selection for
S P Thành lập văn phòng điều hành của nhà đầu tư nước ngoài trong hợp đồng BCC=Opening of a BCC \
office; Góp vốn, mua cổ phần của nhà đầu tư nước ngoài=Capital contribution by foreign investors
== ke-hoach-dau-tu | Kế hoạch và Đầu tư | Planning and investment | so-tai-chinh
~ oe | 10-20 working_day | 0 | 0.4 | 22/2023/QH15 04/2017/QH14
A P + kế hoạch lựa chọn nhà thầu=contractor selection plans; hồ sơ mời thầu=bidding documents; \
kết quả lựa chọn nhà thầu=contractor selection results; chủ trương đầu tư dự án đầu tư công nhóm \
B, nhóm C=policy for group B-C public projects; báo cáo nghiên cứu khả thi dự án sử dụng vốn \
ODA=feasibility reports for ODA projects; kế hoạch đầu tư công trung hạn=medium-term public \
investment plans
S P Hỗ trợ doanh nghiệp nhỏ và vừa {s}=Support to small and medium enterprises {s}
+ chuyển đổi từ hộ kinh doanh=converted from household businesses; khởi nghiệp sáng tạo=for \
innovative start-ups; tham gia cụm liên kết ngành=in industry clusters; về tư vấn=on advisory \
services; về đào tạo=on training
== tai-chinh | Tài chính | Public finance | so-tai-chinh
~ o | 10-30 working_day | 0 | 0.3 | 15/2017/QH14 16/2023/QH15 83/2015/QH13
S PCD {s} tài sản công={s} of public assets
+ Mua sắm=Purchase; Thuê=Lease; Thanh lý=Disposal; Điều chuyển=Transfer; Bán=Sale; Tiêu \
hủy=Destruction; Xử lý=Handling; Khai thác=Exploitation
S P Xác lập quyền sở hữu toàn dân về tài sản=Establishment of state ownership of assets; Đăng ký \
mã số đơn vị có quan hệ với ngân sách=Registration of budget-unit codes; Quyết định giá thuộc \
thẩm quyền cấp tỉnh=Provincial price decisions; Đăng ký giá=Price registration; Kê khai giá=Price \
declaration
== giao-duc | Giáo dục và Đào tạo | Education and training | so-giao-duc-dao-tao
~ co | 5-20 working_day | 0 | 0.45 | 43/2019/QH14 46/2017/NĐ-CP
& Đề án thành lập hoặc hoạt động; Danh sách đội ngũ cán bộ quản lý, giáo viên
O PCD + trường mầm non=kindergartens@CD; trường tiểu học=primary schools@CD; trường trung học cơ \
sở=lower secondary schools@CD; nhà trẻ, nhóm trẻ độc lập=independent nurseries@CD; trung tâm học \
tập cộng đồng=community learning centres@CD; trường trung học phổ thông=upper secondary \
schools@P; trung tâm ngoại ngữ, tin học=language and IT centres@P; trường phổ thông dân tộc nội \
trú=ethnic boarding schools@P; trường chuyên biệt=special schools@P; trường phổ thông có nhiều \
cấp học=multi-level schools@P; trung tâm hỗ trợ phát triển giáo dục hòa nhập=inclusive education \
centres@P
K PCD {s} đạt chuẩn quốc gia={s} meeting national standards
+ trường mầm non=kindergartens@CD; trường tiểu học=primary schools@CD; trường trung học cơ \
sở=lower secondary schools@CD; trường trung học phổ thông=upper secondary schools@P
K PD + xã đạt chuẩn phổ cập giáo dục, xóa mù chữ=communes meeting universal education \
standards@D; đơn vị cấp huyện đạt chuẩn phổ cập giáo dục=districts meeting universal education \
standards@P
S PCD + Chuyển trường đối với học sinh trung học phổ thông=School transfer (upper secondary)@P; \
Chuyển trường đối với học sinh trung học cơ sở=School transfer (lower secondary)@CD; Xin học lại \
tại trường khác đối với học sinh trung học=Re-enrolment at another school
+ Cấp bản sao văn bằng, chứng chỉ từ sổ gốc=Copies of diplomas from master registers; Chỉnh sửa \
nội dung văn bằng, chứng chỉ=Correction of diplomas@P; Công nhận văn bằng tốt nghiệp phổ thông do \
cơ sở nước ngoài cấp=Recognition of foreign school diplomas@P
+ Đăng ký dự thi tốt nghiệp trung học phổ thông=Registration for the school-leaving exam@P; Phúc \
khảo bài thi tốt nghiệp trung học phổ thông=Review of school-leaving exam papers@P; Xét, duyệt \
chính sách hỗ trợ đối với học sinh bán trú=Support for semi-boarding pupils@CD
+ Hỗ trợ ăn trưa đối với trẻ em mẫu giáo=Lunch support for pre-school children@CD; Miễn, giảm học \
phí=Tuition fee exemption or reduction@CD; Xét cấp học bổng chính sách=Policy scholarships@P; Cấp \
giấy phép tổ chức dạy học thêm=Licensing of extra classes@P
== giao-duc-nghe-nghiep | Giáo dục nghề nghiệp | Vocational education | so-giao-duc-dao-tao
~ oe | 10-20 working_day | 0 | 0.3 | 74/2014/QH13
O3 P + trường trung cấp=vocational secondary schools; trung tâm giáo dục nghề nghiệp=vocational \
training centres; phân hiệu của trường trung cấp=branches of vocational schools
G P giấy chứng nhận đăng ký hoạt động giáo dục nghề nghiệp {s}=vocational education registration \
certificate {s}
+ đối với trường trung cấp=for vocational schools; đối với trung tâm giáo dục nghề nghiệp=for \
vocational centres; đối với doanh nghiệp=for enterprises
S P Công nhận giám đốc trung tâm giáo dục nghề nghiệp tư thục=Recognition of private centre \
directors; Công nhận hội đồng quản trị trường trung cấp tư thục=Recognition of boards of private \
vocational schools
== y-te | Y tế | Health | so-y-te
~ ceo | 10-30 working_day | 1000000 | 0.35 | 15/2023/QH15 105/2016/QH13 96/2023/NĐ-CP 54/2017/NĐ-CP
& Danh sách người hành nghề; Bản kê khai cơ sở vật chất, thiết bị y tế
P P giấy phép hoạt động {s}=operating licence for {s}
+ phòng khám đa khoa=general clinics; phòng khám chuyên khoa=specialist clinics; phòng chẩn trị y \
học cổ truyền=traditional medicine clinics; phòng xét nghiệm=medical laboratories; phòng chẩn \
đoán hình ảnh=diagnostic imaging units; cơ sở dịch vụ tiêm, chích, thay băng=injection and \
dressing services; cơ sở dịch vụ vận chuyển người bệnh=ambulance services; phòng khám răng hàm \
mặt=dental clinics; bệnh viện=hospitals; nhà hộ sinh=maternity homes; cơ sở dịch vụ kính \
thuốc=optical services
G P giấy chứng nhận đủ điều kiện kinh doanh dược {s}=pharmaceutical business certificate {s}
+ cho nhà thuốc=for pharmacies; cho quầy thuốc=for drug counters; cho tủ thuốc của trạm y tế \
xã=for commune health stations; cho cơ sở bán buôn thuốc=for wholesalers; cho cơ sở kinh doanh \
dược liệu=for herbal traders; cho cơ sở bán lẻ thuốc dược liệu, thuốc cổ truyền=for traditional \
medicine retailers
G P giấy phép hành nghề khám bệnh, chữa bệnh {s}=medical practice licence {s}
+ đối với chức danh bác sỹ=for doctors; đối với chức danh y sỹ=for assistant doctors; đối với \
chức danh điều dưỡng=for nurses; đối với chức danh hộ sinh=for midwives; đối với chức danh kỹ \
thuật y=for medical technicians; đối với chức danh lương y=for traditional healers; đối với người \
có bài thuốc gia truyền=for holders of family remedies
G P chứng chỉ hành nghề dược=pharmacist practice certificate; giấy xác nhận nội dung quảng cáo \
{s}=advertising approval for {s}
+ mỹ phẩm=cosmetics; trang thiết bị y tế=medical devices; dịch vụ khám bệnh, chữa bệnh=medical \
services
S P Cấp số tiếp nhận Phiếu công bố sản phẩm mỹ phẩm=Cosmetic product notification number; Công bố \
cơ sở đủ điều kiện {s}=Declaration of eligibility for {s}
+ thực hiện khám sức khỏe=health check-ups; sản xuất trang thiết bị y tế=medical device \
manufacturing; mua bán trang thiết bị y tế loại B, C, D=trading class B-D devices; tiêm \
chủng=vaccination
S CD Xác nhận đối tượng được hỗ trợ đóng bảo hiểm y tế=Certification of eligibility for \
health-insurance support; Thông báo hoạt động đối với tủ thuốc cơ sở=Notice of community drug \
cabinets
== an-toan-thuc-pham | An toàn thực phẩm | Food safety | so-y-te
~ ce | 10-20 working_day | 500000 | 0.35 | 55/2010/QH12 15/2018/NĐ-CP
& Bản thuyết minh về cơ sở vật chất, trang thiết bị, dụng cụ; Giấy xác nhận đủ sức khỏe
G PCD giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm {s}=food safety certificate {s}
+ đối với cơ sở kinh doanh dịch vụ ăn uống=for catering businesses; đối với bếp ăn tập thể=for \
canteens; đối với cơ sở sản xuất nước uống đóng chai=for bottled water producers@P; đối với cơ sở \
sản xuất, kinh doanh nông, lâm, thủy sản=for agro-fishery businesses; đối với cơ sở sản xuất thực \
phẩm do ngành công thương quản lý=for industry-managed food producers@P
G3 P giấy xác nhận nội dung quảng cáo thực phẩm=food advertising approval; giấy xác nhận kiến \
thức về an toàn thực phẩm=food safety knowledge certificate
S P Đăng ký bản công bố sản phẩm {s}=Registration of product declarations for {s}
+ dinh dưỡng y học=medical nutrition products; dùng cho chế độ ăn đặc biệt=special diet foods; \
dinh dưỡng dùng cho trẻ đến 36 tháng tuổi=foods for children up to 36 months
S P Cấp giấy chứng nhận lưu hành tự do đối với thực phẩm xuất khẩu=Free-sale certificates for \
exported food; Xác nhận thực phẩm xuất khẩu đủ điều kiện an toàn=Export food safety attestation
== cong-thuong | Công Thương | Industry and trade | so-cong-thuong
~ ec | 5-15 working_day | 400000 | 0.6 | 36/2005/QH11 61/2024/QH15 105/2017/NĐ-CP 67/2013/NĐ-CP
& Bản sao hợp đồng nguyên tắc với nhà cung cấp; Tài liệu chứng minh quyền sử dụng địa điểm
G PCD giấy phép {s}={s}
+ bán lẻ rượu=retail alcohol licence@CD; bán lẻ sản phẩm thuốc lá=retail tobacco licence@CD; sản \
xuất rượu thủ công nhằm mục đích kinh doanh=craft alcohol licence@CD; bán rượu tiêu dùng tại \
chỗ=on-premises alcohol licence@CD; bán buôn rượu=alcohol wholesale licence@P; bán buôn sản phẩm \
thuốc lá=tobacco wholesale licence@P; sản xuất rượu công nghiệp=industrial alcohol licence@P; \
thành lập văn phòng đại diện của thương nhân nước ngoài=foreign trader office licence@P
G P giấy chứng nhận đủ điều kiện {s}={s} certificate
+ cửa hàng bán lẻ xăng dầu=petrol retail; cửa hàng bán lẻ LPG chai=bottled LPG retail; trạm nạp \
LPG vào chai=LPG filling; thương nhân kinh doanh mua bán LPG=LPG trading
P P giấy phép hoạt động điện lực {s}=electricity licence {s}
+ trong lĩnh vực phát điện đối với nhà máy điện quy mô dưới 50 MW=for plants under 50 MW; trong \
lĩnh vực phân phối điện đến cấp điện áp 35 kV=for distribution up to 35 kV; trong lĩnh vực bán lẻ \
điện=for electricity retail; trong lĩnh vực tư vấn chuyên ngành điện lực=for electricity \
consultancy
S PCD + Thông báo thực hiện khuyến mại=Notice of sales promotion@P; Đăng ký thực hiện khuyến mại \
theo hình thức mang tính may rủi=Registration of lottery promotions@P; Đăng ký tổ chức hội chợ, \
triển lãm thương mại=Registration of trade fairs@P; Thẩm định thành lập, mở rộng cụm công \
nghiệp=Appraisal of industrial clusters@P; Cấp thẻ kiểm tra viên điện lực=Electricity inspector \
card@P; Đăng ký kinh doanh tại chợ=Registration of market stalls@CD; Xây dựng, chuyển đổi mô hình \
quản lý chợ=Change of market management model@CD
== khoa-hoc-cong-nghe | Khoa học và Công nghệ | Science and technology | so-khoa-hoc-cong-nghe
~ oe | 5-20 working_day | 300000 | 0.5 | 29/2013/QH13 07/2017/QH14 68/2006/QH11 04/2011/QH13
P P giấy phép tiến hành công việc bức xạ sử dụng thiết bị X-quang chẩn đoán trong y tế=licence \
for medical X-ray work
G P giấy chứng nhận {s}={s} certificate
+ đăng ký hoạt động khoa học và công nghệ=science organisation registration; doanh nghiệp khoa \
học và công nghệ=science enterprise; đăng ký chuyển giao công nghệ=technology transfer \
registration; hoạt động thử nghiệm=testing laboratory
S P + Tiếp nhận bản công bố hợp quy=Receipt of conformity declarations; Kiểm tra nhà nước về chất \
lượng hàng hóa nhập khẩu=State quality inspection of imports; Đăng ký kết quả thực hiện nhiệm vụ \
khoa học và công nghệ=Registration of research results; Cấp chứng chỉ nhân viên bức xạ=Radiation \
worker certificate; Xác định nhiệm vụ khoa học và công nghệ cấp tỉnh=Selection of provincial \
research tasks; Hỗ trợ đăng ký bảo hộ quyền sở hữu công nghiệp=Support for industrial property \
filings
== thong-tin-truyen-thong | Thông tin và Truyền thông | Information and communications | \
so-khoa-hoc-cong-nghe
~ eo | 5-15 working_day | 500000 | 0.6 | 49/2010/QH12 24/2023/QH15 103/2016/QH13
G PCD giấy phép {s}={s}; giấy chứng nhận đủ điều kiện hoạt động điểm cung cấp dịch vụ trò chơi \
điện tử công cộng=public gaming outlet certificate
+ bưu chính=postal licence@P; thiết lập trang thông tin điện tử tổng hợp=news aggregator \
licence@P; lắp đặt cáp viễn thông=telecom cable licence@P
S P Thông báo hoạt động bưu chính=Notice of postal activity; Cấp văn bản xác nhận thông báo hoạt \
động bưu chính=Postal activity confirmation
== pccc | Phòng cháy, chữa cháy và cứu nạn, cứu hộ | Fire safety and rescue | cong-an-cap-tinh
~ oec | 5-15 working_day | 0 | 0.3 | 55/2024/QH15
& Hồ sơ thiết kế về phòng cháy, chữa cháy; Biên bản kiểm tra, nghiệm thu
S PCD + Thẩm định thiết kế về phòng cháy và chữa cháy=Fire safety design appraisal@P; Kiểm tra \
kết quả nghiệm thu về phòng cháy và chữa cháy=Fire safety acceptance check@P; Phục hồi hoạt động \
của cơ sở bị tạm đình chỉ=Reopening of suspended premises; Phê duyệt phương án chữa cháy của cơ \
sở=Approval of fire-fighting plans; Cấp giấy xác nhận đủ điều kiện kinh doanh dịch vụ phòng cháy \
và chữa cháy=Fire service business certificate@P; Cấp chứng nhận huấn luyện nghiệp vụ phòng cháy \
và chữa cháy=Fire safety training certificate@P
"""
