<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="vi_VN">
<context>
    <name>ActionDialog</name>
    <message>
        <source>Hồ sơ {code}: {action}?</source>
        <translation>Dossier {code}: {action}?</translation>
    </message>
    <message>
        <source>Người nhận kết quả</source>
        <translation>Result collected by</translation>
    </message>
    <message>
        <source>Số CCCD người nhận</source>
        <translation>Collector's ID card number</translation>
    </message>
    <message>
        <source>Lý do</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>Ghi chú</source>
        <translation>Note</translation>
    </message>
    <message>
        <source>Xác nhận</source>
        <translation>Confirm</translation>
    </message>
    <message>
        <source>Hủy</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Cần ghi tên người nhận kết quả</source>
        <translation>Enter the name of the person collecting the result</translation>
    </message>
    <message>
        <source>Cần ghi lý do</source>
        <translation>Enter a reason</translation>
    </message>
</context>
<context>
    <name>ApplicantPage</name>
    <message>
        <source>Người nộp hồ sơ</source>
        <translation>Applicant</translation>
    </message>
    <message>
        <source>Số CCCD/định danh:</source>
        <translation>ID card / personal ID number:</translation>
    </message>
    <message>
        <source>Nhập 12 số hoặc quét mã QR trên thẻ CCCD</source>
        <translation>Type the 12 digits or scan the QR code on the ID card</translation>
    </message>
    <message>
        <source>Tìm</source>
        <translation>Search</translation>
    </message>
    <message>
        <source>Có thể quét mã QR trên thẻ CCCD bằng máy quét.</source>
        <translation>You can scan the QR code on the ID card with the scanner.</translation>
    </message>
    <message>
        <source>Dùng lại thông tin</source>
        <translation>Reuse details</translation>
    </message>
    <message>
        <source>Người này đã nộp hồ sơ trước đây: %1. Dùng lại thông tin đã lưu?</source>
        <translation>This person has applied before: %1. Reuse the saved details?</translation>
    </message>
</context>
<context>
    <name>ApplicantSteps</name>
    <message>
        <source>Đã đọc thẻ CCCD của %1 vào mục “%2”</source>
        <translation>Read the ID card of %1 into “%2”</translation>
    </message>
    <message>
        <source>Đã đọc thẻ CCCD của %1</source>
        <translation>Read the ID card of %1</translation>
    </message>
</context>
<context>
    <name>AttachmentEditor</name>
    <message>
        <source>Chọn tệp…</source>
        <translation>Choose file…</translation>
    </message>
    <message>
        <source>Bỏ tệp</source>
        <translation>Remove file</translation>
    </message>
    <message>
        <source>Chưa bật lưu tệp đính kèm</source>
        <translation>Saving attachments is not enabled</translation>
    </message>
    <message>
        <source>Chọn tệp</source>
        <translation>Choose file</translation>
    </message>
    <message>
        <source>Mọi tệp (*)</source>
        <translation>All files (*)</translation>
    </message>
    <message>
        <source>(chưa có tệp)</source>
        <translation>(no file)</translation>
    </message>
</context>
<context>
    <name>CameraDialog</name>
    <message>
        <source>Chụp ảnh giấy tờ</source>
        <translation>Photograph a paper</translation>
    </message>
    <message>
        <source>Chụp (Space)</source>
        <translation>Take (Space)</translation>
    </message>
    <message>
        <source>Chụp lại</source>
        <translation>Retake</translation>
    </message>
    <message>
        <source>Dùng ảnh này</source>
        <translation>Use this photo</translation>
    </message>
    <message>
        <source>Hủy</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Không tìm thấy máy ảnh. Hãy cắm máy ảnh hoặc dùng nút Đính kèm tệp.</source>
        <translation>No camera found. Plug one in, or use the Attach button.</translation>
    </message>
    <message>
        <source>Máy ảnh báo lỗi: {text}</source>
        <translation>Camera error: {text}</translation>
    </message>
    <message>
        <source>Máy ảnh chưa sẵn sàng, xin chờ một chút rồi chụp lại.</source>
        <translation>The camera is not ready yet; wait a moment and take it again.</translation>
    </message>
    <message>
        <source>ảnh trống</source>
        <translation>empty picture</translation>
    </message>
</context>
<context>
    <name>ClerkShell</name>
    <message>
        <source>MotCua Kiosk — {office}</source>
        <translation>MotCua Kiosk — {office}</translation>
    </message>
    <message>
        <source>{name} · mã cơ quan {agency} · máy số {slot}</source>
        <translation>{name} · agency code {agency} · machine no. {slot}</translation>
    </message>
    <message>
        <source>VĂN PHÒNG MẪU — chưa cấu hình (motcua init)</source>
        <translation>SAMPLE OFFICE — not configured (motcua init)</translation>
    </message>
    <message>
        <source>Ctrl+N hồ sơ mới · Ctrl+F tra cứu · Esc quay lại · Ctrl+P in</source>
        <translation>Ctrl+N new dossier · Ctrl+F look up · Esc back · Ctrl+P print</translation>
    </message>
    <message>
        <source>Rời hồ sơ đang nhập?</source>
        <translation>Leave the dossier being entered?</translation>
    </message>
    <message>
        <source>Hồ sơ đang nhập còn thay đổi chưa lưu. Rời màn hình này? (Phần đã lưu vẫn còn trong mục hồ sơ đang nhập dở.)</source>
        <translation>The dossier being entered has unsaved changes. Leave this screen? (What was saved stays under unfinished dossiers.)</translation>
    </message>
    <message>
        <source>Sai mã PIN quản trị</source>
        <translation>Wrong admin PIN</translation>
    </message>
    <message>
        <source>Đã lưu thiết lập; khởi động lại chương trình để áp dụng.</source>
        <translation>Settings saved; restart the program to apply them.</translation>
    </message>
</context>
<context>
    <name>DocForm</name>
    <message>
        <source>bản chính</source>
        <translation>original</translation>
    </message>
    <message>
        <source>bản sao chứng thực</source>
        <translation>certified copy</translation>
    </message>
    <message>
        <source>bản photo</source>
        <translation>photocopy</translation>
    </message>
</context>
<context>
    <name>DocumentsPage</name>
    <message>
        <source>Thành phần hồ sơ</source>
        <translation>Dossier documents</translation>
    </message>
    <message>
        <source>Đánh dấu giấy tờ công dân đã nộp hoặc xuất trình; (*) là bắt buộc.</source>
        <translation>Tick the papers the citizen handed in or showed; (*) is required.</translation>
    </message>
    <message>
        <source>Giấy tờ</source>
        <translation>Document</translation>
    </message>
    <message>
        <source>Hình thức</source>
        <translation>Form</translation>
    </message>
    <message>
        <source>Số lượng</source>
        <translation>Copies</translation>
    </message>
    <message>
        <source>Tệp</source>
        <translation>File</translation>
    </message>
    <message>
        <source>Đính kèm…</source>
        <translation>Attach…</translation>
    </message>
    <message>
        <source>Chụp ảnh…</source>
        <translation>Photo…</translation>
    </message>
    <message>
        <source> — xuất trình</source>
        <translation> — shown</translation>
    </message>
    <message>
        <source>chưa nộp</source>
        <translation>not handed in</translation>
    </message>
    <message>
        <source>chưa xuất trình</source>
        <translation>not shown</translation>
    </message>
    <message>
        <source>Còn thiếu giấy tờ bắt buộc:</source>
        <translation>Required documents still missing:</translation>
    </message>
    <message>
        <source>Chọn tệp scan giấy tờ</source>
        <translation>Choose the scanned document file</translation>
    </message>
    <message>
        <source>Ảnh hoặc PDF (*.pdf *.jpg *.jpeg *.png *.tif *.tiff);;Mọi tệp (*)</source>
        <translation>Images or PDF (*.pdf *.jpg *.jpeg *.png *.tif *.tiff);;All files (*)</translation>
    </message>
</context>
<context>
    <name>DossierDesk</name>
    <message>
        <source>Tra cứu hồ sơ</source>
        <translation>Look up dossiers</translation>
    </message>
    <message>
        <source>Tìm theo tên, số CCCD, mã hồ sơ hoặc số điện thoại (Ctrl+F)…</source>
        <translation>Search by name, ID card number, dossier code or phone number (Ctrl+F)…</translation>
    </message>
    <message>
        <source>Mọi trạng thái</source>
        <translation>All statuses</translation>
    </message>
    <message>
        <source>Mọi thủ tục</source>
        <translation>All procedures</translation>
    </message>
    <message>
        <source>Mọi hạn</source>
        <translation>Any due date</translation>
    </message>
    <message>
        <source>Đến hạn hôm nay</source>
        <translation>Due today</translation>
    </message>
    <message>
        <source>Quá hạn</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <source>Nhận từ</source>
        <translation>Received from</translation>
    </message>
    <message>
        <source>đến</source>
        <translation>to</translation>
    </message>
    <message>
        <source>Mã hồ sơ</source>
        <translation>Dossier code</translation>
    </message>
    <message>
        <source>Người nộp</source>
        <translation>Applicant</translation>
    </message>
    <message>
        <source>Thủ tục</source>
        <translation>Procedure</translation>
    </message>
    <message>
        <source>Nhận lúc</source>
        <translation>Received</translation>
    </message>
    <message>
        <source>Hẹn trả</source>
        <translation>Due</translation>
    </message>
    <message>
        <source>Trạng thái</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Lỗi tra cứu: {e}</source>
        <translation>Lookup error: {e}</translation>
    </message>
    <message>
        <source>{n} hồ sơ</source>
        <translation>{n} dossier(s)</translation>
    </message>
</context>
<context>
    <name>DossierPage</name>
    <message>
        <source>← Danh sách (Esc)</source>
        <translation>← List (Esc)</translation>
    </message>
    <message>
        <source>Tiến trình</source>
        <translation>History</translation>
    </message>
    <message>
        <source>In lại phiếu hẹn (Ctrl+P)</source>
        <translation>Reprint the appointment slip (Ctrl+P)</translation>
    </message>
    <message>
        <source>Không tìm thấy hồ sơ {code}</source>
        <translation>Dossier {code} not found</translation>
    </message>
    <message>
        <source>{proc} · Người nộp: {name} · Nhận lúc {received} · Hẹn trả {due}</source>
        <translation>{proc} · Applicant: {name} · Received {received} · Due {due}</translation>
    </message>
    <message>
        <source>Lệ phí: {fee} · Nhận kết quả: {delivery}</source>
        <translation>Fee: {fee} · Result delivery: {delivery}</translation>
    </message>
    <message>
        <source>tại bộ phận một cửa</source>
        <translation>at the one-stop desk</translation>
    </message>
    <message>
        <source>qua bưu chính</source>
        <translation>by post</translation>
    </message>
    <message>
        <source>Lý do: {r}</source>
        <translation>Reason: {r}</translation>
    </message>
    <message>
        <source>Người nhận: {n}</source>
        <translation>Collected by: {n}</translation>
    </message>
    <message>
        <source>Không thực hiện được</source>
        <translation>Could not be done</translation>
    </message>
</context>
<context>
    <name>Fee</name>
    <message>
        <source>Miễn phí</source>
        <translation>Free</translation>
    </message>
</context>
<context>
    <name>FeePage</name>
    <message>
        <source>Lệ phí và nơi trả kết quả</source>
        <translation>Fee and where to collect the result</translation>
    </message>
    <message>
        <source>Tiền mặt</source>
        <translation>Cash</translation>
    </message>
    <message>
        <source>Chuyển khoản</source>
        <translation>Bank transfer</translation>
    </message>
    <message>
        <source>Thanh toán trực tuyến</source>
        <translation>Online payment</translation>
    </message>
    <message>
        <source>Tại bộ phận một cửa</source>
        <translation>At the one-stop desk</translation>
    </message>
    <message>
        <source>Qua dịch vụ bưu chính</source>
        <translation>By postal service</translation>
    </message>
    <message>
        <source>Hình thức nộp lệ phí</source>
        <translation>Fee payment method</translation>
    </message>
    <message>
        <source>Nơi trả kết quả</source>
        <translation>Where to collect the result</translation>
    </message>
    <message>
        <source>Lệ phí: %1</source>
        <translation>Fee: %1</translation>
    </message>
</context>
<context>
    <name>IntakeWizard</name>
    <message>
        <source>Chưa lưu được bản nháp: %1</source>
        <translation>Could not save the draft: %1</translation>
    </message>
    <message>
        <source>Đang mở hồ sơ…</source>
        <translation>Opening dossier…</translation>
    </message>
    <message>
        <source>← Quay lại</source>
        <translation>← Back</translation>
    </message>
    <message>
        <source>Tiếp →</source>
        <translation>Next →</translation>
    </message>
    <message>
        <source>Nộp hồ sơ</source>
        <translation>Submit dossier</translation>
    </message>
    <message>
        <source>Hoàn tất</source>
        <translation>Finish</translation>
    </message>
    <message>
        <source>In giấy tiếp nhận</source>
        <translation>Print receipt</translation>
    </message>
    <message>
        <source>Hủy</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Người nộp hồ sơ</source>
        <translation>Applicant</translation>
    </message>
    <message>
        <source>Thành phần hồ sơ</source>
        <translation>Dossier documents</translation>
    </message>
    <message>
        <source>Lệ phí, trả kết quả</source>
        <translation>Fee, result delivery</translation>
    </message>
    <message>
        <source>Kiểm tra và nộp</source>
        <translation>Review and submit</translation>
    </message>
    <message>
        <source>Giấy tiếp nhận</source>
        <translation>Receipt</translation>
    </message>
    <message>
        <source>Không tìm thấy hồ sơ nháp</source>
        <translation>Draft dossier not found</translation>
    </message>
    <message>
        <source>Chưa có phiếu để in: hãy tiếp nhận hồ sơ trước</source>
        <translation>Nothing to print yet: submit the dossier first</translation>
    </message>
    <message>
        <source>Còn thiếu giấy tờ bắt buộc: %1</source>
        <translation>Required documents still missing: %1</translation>
    </message>
    <message>
        <source>Đã tiếp nhận hồ sơ %1</source>
        <translation>Dossier %1 received</translation>
    </message>
    <message>
        <source>đã xuất trình</source>
        <translation>shown</translation>
    </message>
    <message>
        <source>Tệp đính kèm</source>
        <translation>Attached file</translation>
    </message>
    <message>
        <source>(không có giấy tờ nào được đánh dấu)</source>
        <translation>(no documents ticked)</translation>
    </message>
    <message>
        <source>Lệ phí</source>
        <translation>Fee</translation>
    </message>
    <message>
        <source>Hình thức nộp</source>
        <translation>Payment method</translation>
    </message>
    <message>
        <source>Nơi trả kết quả</source>
        <translation>Where to collect the result</translation>
    </message>
</context>
<context>
    <name>ReceiptDialog</name>
    <message>
        <source>Giấy tiếp nhận hồ sơ %1</source>
        <translation>Receipt for dossier %1</translation>
    </message>
    <message>
        <source>Đang tạo giấy tiếp nhận…</source>
        <translation>Creating the receipt…</translation>
    </message>
    <message>
        <source>Mẫu 01 — A4 (2 liên)</source>
        <translation>Form 01 — A4 (2 copies)</translation>
    </message>
    <message>
        <source>Mẫu 01 — A5 (2 liên)</source>
        <translation>Form 01 — A5 (2 copies)</translation>
    </message>
    <message>
        <source>Phiếu 80 mm (máy in nhiệt)</source>
        <translation>80 mm slip (thermal printer)</translation>
    </message>
    <message>
        <source>In…</source>
        <translation>Print…</translation>
    </message>
    <message>
        <source>Đóng</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>Không đọc được tệp PDF giấy tiếp nhận</source>
        <translation>Could not read the receipt PDF</translation>
    </message>
    <message>
        <source>Mã hồ sơ: %1</source>
        <translation>Dossier code: %1</translation>
    </message>
    <message>
        <source>Không tạo được giấy tiếp nhận: %1</source>
        <translation>Could not create the receipt: %1</translation>
    </message>
    <message>
        <source>Đã gửi %1 trang tới máy in</source>
        <translation>Sent %1 page(s) to the printer</translation>
    </message>
    <message>
        <source>Giấy tiếp nhận chưa sẵn sàng để in</source>
        <translation>The receipt is not ready to print yet</translation>
    </message>
</context>
<context>
    <name>RepeatEditor</name>
    <message>
        <source>+ Thêm</source>
        <translation>+ Add</translation>
    </message>
    <message>
        <source>Xóa</source>
        <translation>Remove</translation>
    </message>
    <message>
        <source>Xóa mục này</source>
        <translation>Remove this item</translation>
    </message>
    <message>
        <source>Mục {0}</source>
        <translation>Item {0}</translation>
    </message>
</context>
<context>
    <name>ReviewPage</name>
    <message>
        <source>Kiểm tra trước khi nộp</source>
        <translation>Review before submitting</translation>
    </message>
    <message>
        <source>Sửa</source>
        <translation>Edit</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Thiết lập</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>Mã PIN quản trị:</source>
        <translation>Admin PIN:</translation>
    </message>
    <message>
        <source>Thiết lập văn phòng</source>
        <translation>Office settings</translation>
    </message>
    <message>
        <source>Thay đổi có hiệu lực khi khởi động lại chương trình.</source>
        <translation>Changes take effect when the program restarts.</translation>
    </message>
    <message>
        <source>Tiếp nhận sáng thứ Bảy</source>
        <translation>Intake on Saturday mornings</translation>
    </message>
    <message>
        <source>Mã định danh cơ quan</source>
        <translation>Agency identifier</translation>
    </message>
    <message>
        <source>Tên cơ quan (in trên phiếu)</source>
        <translation>Agency name (printed on slips)</translation>
    </message>
    <message>
        <source>Mã xã/phường</source>
        <translation>Commune/ward code</translation>
    </message>
    <message>
        <source>Khe số thứ tự của máy</source>
        <translation>Machine's sequence-number slot</translation>
    </message>
    <message>
        <source>Đường dây nóng</source>
        <translation>Hotline</translation>
    </message>
    <message>
        <source>Giờ làm việc buổi sáng</source>
        <translation>Morning working hours</translation>
    </message>
    <message>
        <source>Giờ làm việc buổi chiều</source>
        <translation>Afternoon working hours</translation>
    </message>
    <message>
        <source>Giờ chốt nhận trong ngày</source>
        <translation>Daily intake cut-off time</translation>
    </message>
    <message>
        <source>Máy in phiếu</source>
        <translation>Slip printer</translation>
    </message>
    <message>
        <source>Lưu</source>
        <translation>Save</translation>
    </message>
    <message>
        <source>Hủy</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Chưa lưu: kiểm tra các ô báo lỗi.</source>
        <translation>Not saved: check the fields marked with errors.</translation>
    </message>
</context>
<context>
    <name>StartScreen</name>
    <message>
        <source>Tiếp nhận hồ sơ mới (Ctrl+N)</source>
        <translation>Receive a new dossier (Ctrl+N)</translation>
    </message>
    <message>
        <source>Tìm thủ tục (gõ có dấu hoặc không dấu)…</source>
        <translation>Find a procedure (with or without diacritics)…</translation>
    </message>
    <message>
        <source>Thủ tục</source>
        <translation>Procedure</translation>
    </message>
    <message>
        <source>Mã</source>
        <translation>Code</translation>
    </message>
    <message>
        <source>Thời hạn</source>
        <translation>Time limit</translation>
    </message>
    <message>
        <source>Tra cứu hồ sơ (Ctrl+F)</source>
        <translation>Look up dossiers (Ctrl+F)</translation>
    </message>
    <message>
        <source>Thiết lập</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>Hồ sơ đang nhập dở</source>
        <translation>Unfinished dossiers</translation>
    </message>
    <message>
        <source>Đến hạn hôm nay / quá hạn</source>
        <translation>Due today / overdue</translation>
    </message>
    <message>
        <source>Tiếp nhận hôm nay</source>
        <translation>Received today</translation>
    </message>
    <message>
        <source>Danh mục phiên bản {v} · {n} thủ tục</source>
        <translation>Catalogue version {v} · {n} procedures</translation>
    </message>
    <message>
        <source>Không tải được danh sách hồ sơ: {e}</source>
        <translation>Could not load the dossier lists: {e}</translation>
    </message>
    <message>
        <source>{proc} — sửa lần cuối {at}</source>
        <translation>{proc} — last edited {at}</translation>
    </message>
    <message>
        <source>Không có hồ sơ nhập dở</source>
        <translation>No unfinished dossiers</translation>
    </message>
    <message>
        <source>QUÁ HẠN</source>
        <translation>OVERDUE</translation>
    </message>
    <message>
        <source>Hôm nay</source>
        <translation>Today</translation>
    </message>
    <message>
        <source>hẹn {at}</source>
        <translation>due {at}</translation>
    </message>
    <message>
        <source>Không có hồ sơ đến hạn</source>
        <translation>No dossiers due</translation>
    </message>
    <message>
        <source>Đến hạn hôm nay / quá hạn ({n})</source>
        <translation>Due today / overdue ({n})</translation>
    </message>
    <message>
        <source>Chưa tiếp nhận hồ sơ nào hôm nay</source>
        <translation>No dossiers received today</translation>
    </message>
    <message>
        <source>Tiếp nhận hôm nay ({n})</source>
        <translation>Received today ({n})</translation>
    </message>
</context>
<context>
    <name>SyncIndicator</name>
    <message>
        <source>Chưa đăng ký đồng bộ với tỉnh — hồ sơ vẫn lưu an toàn trên máy này</source>
        <translation>Not enrolled with the province — dossiers are kept safe on this PC</translation>
    </message>
    <message>
        <source>{n} mục chờ gửi (đã lưu trên máy)</source>
        <translation>{n} item(s) waiting to be sent (saved on this PC)</translation>
    </message>
    <message>
        <source>{n} mục bị tỉnh từ chối — xem lý do: motcua sync status</source>
        <translation>{n} item(s) refused by the province — see why: motcua sync status</translation>
    </message>
    <message>
        <source>Mất kết nối với tỉnh, sẽ tự thử lại</source>
        <translation>No link to the province; will retry by itself</translation>
    </message>
    <message>
        <source>Tỉnh không chấp nhận máy này — cần đăng ký lại (motcua enrol)</source>
        <translation>The province does not accept this PC — enrol it again (motcua enrol)</translation>
    </message>
    <message>
        <source>Đã đồng bộ với tỉnh lúc {at}</source>
        <translation>Synced with the province at {at}</translation>
    </message>
    <message>
        <source>Chưa đồng bộ lần nào</source>
        <translation>Not synced yet</translation>
    </message>
</context>
<context>
    <name>WizardNavigation</name>
    <message>
        <source>Thông tin người nộp còn lỗi</source>
        <translation>The applicant's details still have errors</translation>
    </message>
    <message>
        <source>Trang này còn lỗi, xem thông báo bên cạnh từng ô</source>
        <translation>This page still has errors; see the messages beside the fields</translation>
    </message>
    <message>
        <source>Còn %1 giấy tờ bắt buộc chưa đánh dấu — xem danh sách ở trên</source>
        <translation>%1 required paper(s) not ticked — see the list above</translation>
    </message>
</context>
</TS>
