# Giao diện tiếng Việt (mặc định)
skip-to-content = Chuyển đến nội dung
switch-language = English
nav-label = Điều hướng chính
nav-home = Trang chủ
nav-structure = Cơ cấu tổ chức
nav-audit = Nhật ký thay đổi
nav-users = Tài khoản
nav-logout = Đăng xuất
footer-tagline = Hệ thống thông tin đối ngoại nhân dân
back-home = Về trang chủ
save = Lưu
yes = Có
no = Không
filter-apply = Xem
period-open = nay
pager-label = Phân trang
pager-prev = ‹ Trang trước
pager-next = Trang sau ›

login-title = Đăng nhập
login-intro = Đăng nhập bằng tài khoản được cấp cho đơn vị của bạn.
login-submit = Đăng nhập
login-failed = Email hoặc mật khẩu không đúng.
login-expired = Biểu mẫu đã hết hạn. Vui lòng tải lại trang và thử lại.
login-throttled = Đăng nhập sai quá nhiều lần. Vui lòng chờ một phút rồi thử lại.

error-400 = Yêu cầu không hợp lệ
error-401 = Cần đăng nhập
error-403 = Không có quyền
error-404 = Không tìm thấy
error-404-detail = Trang bạn tìm không tồn tại.
error-409 = Xung đột dữ liệu
error-413 = Dữ liệu quá lớn
error-422 = Dữ liệu chưa hợp lệ
error-429 = Quá nhiều yêu cầu
error-500 = Lỗi hệ thống
error-internal = Đã xảy ra lỗi; lỗi đã được ghi lại.

home-welcome = Xin chào
home-scope = Phạm vi
home-units-today = Đơn vị đang hoạt động
home-accounts = Tài khoản trong phạm vi
home-children = Đơn vị trực thuộc
home-cluster-roles = Vai trò trong cụm
home-contains = Đơn vị trực thuộc hiện nay
home-no-children = Không có đơn vị trực thuộc.
scope-all = Toàn Liên hiệp
scope-units = Đơn vị của mình

search-label = Tìm kiếm
search-placeholder = Tìm đơn vị, người…
search-title = Kết quả tìm kiếm
search-submit = Tìm
search-hint = Nhập từ cần tìm; có dấu hay không dấu đều được.
search-none = Không tìm thấy kết quả nào.
search-results = kết quả

org_unit = Đơn vị
user = Tài khoản

kind-central = Trung ương
kind-member-org = Tổ chức thành viên
kind-cluster = Cụm
kind-province-union = Liên hiệp tỉnh, thành phố
kind-association = Hội hữu nghị
kind-other = Khác

role-system-admin = Quản trị hệ thống
role-central-staff = Cán bộ Trung ương
role-cluster-lead = Cụm trưởng
role-union-staff = Cán bộ Liên hiệp
role-association-staff = Cán bộ Hội
role-viewer = Chỉ xem

change-create = Thành lập
change-merge = Hợp nhất
change-split = Chia tách
change-rename = Đổi tên
change-move = Chuyển trực thuộc
change-close = Giải thể

field-email = Email
field-password = Mật khẩu
field-password-new = Mật khẩu mới (ít nhất 10 ký tự; để trống nếu không đổi)
field-code = Mã
field-name = Tên
field-short-name = Tên ngắn
field-name-en = Tên tiếng Anh
field-kind = Loại đơn vị
field-parent = Trực thuộc
field-period = Hiệu lực
field-from = Từ ngày
field-to = Đến ngày
field-as-of = Tại ngày
field-effective = Có hiệu lực từ (dd/mm/yyyy)
field-change-date = Ngày thay đổi (dd/mm/yyyy)
field-address = Địa chỉ
field-phone = Điện thoại
field-website = Trang web
field-note = Ghi chú
field-year = Năm
field-display-name = Họ tên
field-role = Vai trò
field-unit = Đơn vị
field-active = Đang hoạt động

tree-title = Cơ cấu tổ chức
tree-as-of = Tại ngày
tree-empty = Không có đơn vị nào tại ngày này.
tree-filter = Lọc theo tên hoặc mã
export-csv = Tải CSV
cluster-set-roles = Lưu cụm trưởng, cụm phó
org-new = Thêm đơn vị

unit-not-open = Đơn vị này không hoạt động tại ngày
unit-audit = Nhật ký thay đổi
unit-edit = Thay đổi tên, mã, trực thuộc
unit-details = Thông tin
unit-children = Đơn vị trực thuộc
unit-history = Lịch sử
unit-lineage = Sáp nhập, chia tách và thay đổi
unit-contact-edit = Cập nhật thông tin liên hệ
unit-close = Giải thể đơn vị
close-date = Ngày giải thể
history-names = Tên qua các thời kỳ
history-codes = Mã qua các thời kỳ
history-parents = Trực thuộc qua các thời kỳ
lineage-none = Chưa ghi nhận thay đổi cơ cấu nào.
edit-explain = Thay đổi có hiệu lực từ ngày chọn; tên, mã và trực thuộc trước đó vẫn được lưu trong lịch sử.

cluster-year = Cụm năm
cluster-lead = Cụm trưởng
cluster-deputy = Cụm phó
cluster-members = Thành viên

merge-title = Hợp nhất đơn vị
merge-explain = Các đơn vị được chọn kết thúc vào ngày trước ngày hợp nhất; dữ liệu của chúng được tính cho đơn vị kế thừa.
merge-from = Các đơn vị hợp nhất
merge-into = Hợp nhất vào
merge-into-new = Đơn vị mới (điền bên dưới)
merge-new-unit = Đơn vị mới
merge-submit = Hợp nhất

split-title = Chia tách đơn vị
split-explain = Mỗi đơn vị kế thừa nhận một tỷ lệ (tổng bằng 1). Nếu đơn vị gốc là một trong các đơn vị kế thừa, nó tiếp tục hoạt động.
split-from = Đơn vị chia tách
split-result = Đơn vị kế thừa
split-target = Đơn vị
split-share = Tỷ lệ (ví dụ 0,5)
split-submit = Chia tách

action-create = Tạo mới
action-update = Cập nhật
action-merge = Hợp nhất
action-split = Chia tách
action-close = Giải thể
action-set-cluster-roles = Chọn cụm trưởng, cụm phó
action-import-reference = Nhập dữ liệu tham chiếu
action-load-demo = Nạp dữ liệu mẫu
audit-title = Nhật ký thay đổi
audit-entity-type = Loại dữ liệu
audit-entity-id = Mã số bản ghi
audit-actor = Người thực hiện
audit-any = Tất cả
audit-none = Không có thay đổi nào.
audit-entries = mục
audit-when = Thời điểm
audit-action = Thao tác
audit-entity = Bản ghi
audit-changes = Trước → sau

user-new = Thêm tài khoản
user-edit = Sửa tài khoản
users-count = tài khoản
users-none = Không có tài khoản nào.
