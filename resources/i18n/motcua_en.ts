<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="vi_VN">
<context>
    <name>AccountsDialog</name>
    <message>
        <source>Tài khoản cán bộ</source>
        <translation>Staff accounts</translation>
    </message>
    <message>
        <source>Tên đăng nhập</source>
        <translation>User name</translation>
    </message>
    <message>
        <source>Họ và tên</source>
        <translation>Full name</translation>
    </message>
    <message>
        <source>Vai trò</source>
        <translation>Role</translation>
    </message>
    <message>
        <source>Trạng thái</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Đăng nhập lần cuối</source>
        <translation>Last sign-in</translation>
    </message>
    <message>
        <source>Tài khoản đang chọn</source>
        <translation>Selected account</translation>
    </message>
    <message>
        <source>Đặt lại mật khẩu</source>
        <translation>Reset password</translation>
    </message>
    <message>
        <source>Mật khẩu mới</source>
        <translation>New password</translation>
    </message>
    <message>
        <source>Đặt mã PIN</source>
        <translation>Set PIN</translation>
    </message>
    <message>
        <source>Mã PIN mới</source>
        <translation>New PIN</translation>
    </message>
    <message>
        <source>Đổi vai trò</source>
        <translation>Change role</translation>
    </message>
    <message>
        <source>Vô hiệu hóa</source>
        <translation>Disable</translation>
    </message>
    <message>
        <source>Mở khóa đăng nhập</source>
        <translation>Unlock sign-in</translation>
    </message>
    <message>
        <source>Thêm tài khoản</source>
        <translation>Add account</translation>
    </message>
    <message>
        <source>không bắt buộc, 6–12 chữ số</source>
        <translation>optional, 6–12 digits</translation>
    </message>
    <message>
        <source>Tạo tài khoản</source>
        <translation>Create account</translation>
    </message>
    <message>
        <source>Mật khẩu</source>
        <translation>Password</translation>
    </message>
    <message>
        <source>Mã PIN</source>
        <translation>PIN</translation>
    </message>
    <message>
        <source>Đóng</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>Đã vô hiệu hóa</source>
        <translation>Disabled</translation>
    </message>
    <message>
        <source>Tạm khóa đến {t}</source>
        <translation>Locked until {t}</translation>
    </message>
    <message>
        <source>Đang dùng</source>
        <translation>Active</translation>
    </message>
    <message>
        <source>Kích hoạt lại</source>
        <translation>Re-enable</translation>
    </message>
    <message>
        <source>Đang lưu…</source>
        <translation>Saving…</translation>
    </message>
    <message>
        <source>Đã lưu.</source>
        <translation>Saved.</translation>
    </message>
    <message>
        <source>Chọn một tài khoản trong danh sách.</source>
        <translation>Choose an account from the list.</translation>
    </message>
</context>
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
    <name>AdminFlow</name>
    <message>
        <source>Dành cho cán bộ: chọn tên và nhập mã PIN hoặc mật khẩu</source>
        <translation>For staff: choose your name and enter your PIN or password</translation>
    </message>
    <message>
        <source>Thoát chế độ kiosk</source>
        <translation>Leave kiosk mode</translation>
    </message>
    <message>
        <source>Thoát</source>
        <translation>Exit</translation>
    </message>
    <message>
        <source>Chưa có tài khoản lãnh đạo hoặc quản trị trên máy này.</source>
        <translation>There is no manager or administrator account on this PC.</translation>
    </message>
    <message>
        <source>Chọn tên và nhập mã PIN hoặc mật khẩu.</source>
        <translation>Choose your name and enter your PIN or password.</translation>
    </message>
    <message>
        <source>Sai mã PIN.</source>
        <translation>Wrong PIN.</translation>
    </message>
</context>
<context>
    <name>AftercareDialog</name>
    <message>
        <source>Xác nhận</source>
        <translation>Confirm</translation>
    </message>
    <message>
        <source>Hủy</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>ApologyDialog</name>
    <message>
        <source>Xin lỗi và hẹn lại ngày trả kết quả — {code}</source>
        <translation>Apologise and set a new result date — {code}</translation>
    </message>
    <message>
        <source>Hồ sơ hẹn trả {old} nhưng chưa có kết quả.</source>
        <translation>The dossier was due {old} but the result is not ready.</translation>
    </message>
    <message>
        <source>Bắt buộc: vì sao chưa trả được kết quả</source>
        <translation>Required: why the result could not be handed over</translation>
    </message>
    <message>
        <source>Lý do trễ hẹn</source>
        <translation>Reason for the delay</translation>
    </message>
    <message>
        <source>Hẹn trả mới</source>
        <translation>New due date</translation>
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
    <name>CheckFlow</name>
    <message>
        <source>Nhập mã hồ sơ in trên phiếu</source>
        <translation>Enter the dossier code printed on your slip</translation>
    </message>
    <message>
        <source>Chỉ cần phần cuối, ví dụ 250312-1001. Hoặc đưa mã QR trên phiếu vào máy quét.</source>
        <translation>Only the last part is needed, for example 250312-1001. Or hold the QR code on your slip under the scanner.</translation>
    </message>
    <message>
        <source>Quét mã QR bằng máy ảnh</source>
        <translation>Scan the QR code with the camera</translation>
    </message>
    <message>
        <source>Đưa mã QR in trên phiếu hẹn vào trước máy ảnh, cách khoảng một gang tay.</source>
        <translation>Hold the QR code printed on your appointment slip in front of the camera, about a hand's width away.</translation>
    </message>
    <message>
        <source>Mã QR này không phải mã trên phiếu hẹn của bộ phận một cửa. Hãy đưa mã QR in trên phiếu, hoặc bấm “Quay lại” để nhập mã hồ sơ.</source>
        <translation>This QR code is not from a one-stop office appointment slip. Show the QR code printed on your slip, or press “Back” to type the dossier code.</translation>
    </message>
    <message>
        <source>Hãy nhập mã hồ sơ.</source>
        <translation>Please enter the dossier code.</translation>
    </message>
    <message>
        <source>Không đọc được mã QR này. Hãy thử lại hoặc nhập mã hồ sơ.</source>
        <translation>This QR code could not be read. Please try again or enter the dossier code.</translation>
    </message>
    <message>
        <source>Mã hồ sơ chưa đúng. Ví dụ đúng: 250312-1001.</source>
        <translation>This dossier code is not right. Example: 250312-1001.</translation>
    </message>
    <message>
        <source>Không tìm thấy hồ sơ %1. Hãy kiểm tra lại mã trên phiếu.</source>
        <translation>Dossier %1 was not found. Please check the code on your slip.</translation>
    </message>
    <message>
        <source>Mã hồ sơ: %1</source>
        <translation>Dossier code: %1</translation>
    </message>
    <message>
        <source>Nộp lúc: %1</source>
        <translation>Submitted: %1</translation>
    </message>
    <message>
        <source>Hẹn trả kết quả: %1</source>
        <translation>Results ready: %1</translation>
    </message>
    <message>
        <source>Hồ sơ %1</source>
        <translation>Dossier: %1</translation>
    </message>
    <message>
        <source>Mời bạn mang giấy tờ đến quầy một cửa để cán bộ kiểm tra và hẹn ngày.</source>
        <translation>Please bring your papers to the one-stop desk. Staff will check them and give you a date.</translation>
    </message>
    <message>
        <source>Hồ sơ đã được tiếp nhận. Mời bạn quay lại đúng ngày hẹn.</source>
        <translation>Your dossier has been received. Please come back on the appointment date.</translation>
    </message>
    <message>
        <source>Hồ sơ đang được giải quyết. Mời bạn quay lại đúng ngày hẹn.</source>
        <translation>Your dossier is being processed. Please come back on the appointment date.</translation>
    </message>
    <message>
        <source>Cần bổ sung giấy tờ: mời bạn đến quầy một cửa để được hướng dẫn.</source>
        <translation>More papers are needed: please go to the one-stop desk for help.</translation>
    </message>
    <message>
        <source>Cần nộp phí, lệ phí: mời bạn đến quầy một cửa.</source>
        <translation>Fees must be paid: please go to the one-stop desk.</translation>
    </message>
    <message>
        <source>Đã có kết quả. Mời bạn mang phiếu và giấy tờ tùy thân đến nhận.</source>
        <translation>The result is ready. Please bring your slip and your ID to collect it.</translation>
    </message>
    <message>
        <source>Kết quả đã được trả.</source>
        <translation>The result has been handed over.</translation>
    </message>
    <message>
        <source>Mời bạn hỏi cán bộ ở quầy một cửa.</source>
        <translation>Please ask the staff at the one-stop desk.</translation>
    </message>
    <message>
        <source>Quét mã QR trên phiếu</source>
        <translation>Scan the QR code on your slip</translation>
    </message>
    <message>
        <source>Tra cứu hồ sơ</source>
        <translation>Check a dossier</translation>
    </message>
    <message>
        <source>Tra cứu →</source>
        <translation>Check →</translation>
    </message>
    <message>
        <source>Tình trạng hồ sơ</source>
        <translation>Dossier status</translation>
    </message>
    <message>
        <source>Xong</source>
        <translation>Done</translation>
    </message>
    <message>
        <source>Nhập mã hồ sơ in trên phiếu, hoặc đưa mã QR trên phiếu vào máy quét.</source>
        <translation>Enter the dossier code printed on your slip, or hold the QR code on your slip under the scanner.</translation>
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
        <source>Ctrl+N hồ sơ mới · Ctrl+F tra cứu · Esc quay lại · Ctrl+P in · Ctrl+L khóa</source>
        <translation>Ctrl+N new dossier · Ctrl+F look up · Esc back · Ctrl+P print · Ctrl+L lock</translation>
    </message>
    <message>
        <source>Thống kê</source>
        <translation>Statistics</translation>
    </message>
    <message>
        <source>Tài khoản</source>
        <translation>Accounts</translation>
    </message>
    <message>
        <source>Khóa máy</source>
        <translation>Lock</translation>
    </message>
    <message>
        <source>Đăng xuất</source>
        <translation>Sign out</translation>
    </message>
    <message>
        <source>{name} · {role}</source>
        <translation>{name} · {role}</translation>
    </message>
    <message>
        <source>Chỉ quản trị được quản lý tài khoản</source>
        <translation>Only an administrator can manage accounts</translation>
    </message>
    <message>
        <source>Chỉ lãnh đạo được xem báo cáo thống kê</source>
        <translation>Only a manager can view statistics reports</translation>
    </message>
    <message>
        <source>Thống kê kết quả giải quyết thủ tục hành chính</source>
        <translation>Statistics on administrative procedure results</translation>
    </message>
    <message>
        <source>Tài khoản này không xem hồ sơ của công dân</source>
        <translation>This account cannot view citizens' dossiers</translation>
    </message>
    <message>
        <source>Tài khoản này không tiếp nhận hồ sơ (đăng nhập bằng tài khoản cán bộ)</source>
        <translation>This account cannot receive dossiers (sign in with a clerk account)</translation>
    </message>
    <message>
        <source>Chỉ quản trị được thay đổi thiết lập</source>
        <translation>Only an administrator can change settings</translation>
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
        <source>Đang đồng bộ với tỉnh…</source>
        <translation>Syncing with the province…</translation>
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
        <source>Mời công dân đánh giá</source>
        <translation>Ask the citizen to rate</translation>
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
        <source>Xin lỗi, hẹn lại ngày trả kết quả</source>
        <translation>Apologise, set a new result date</translation>
    </message>
    <message>
        <source>Cần bổ sung: {items}</source>
        <translation>Supplement needed: {items}</translation>
    </message>
    <message>
        <source>Lý do: {r}</source>
        <translation>Reason: {r}</translation>
    </message>
    <message>
        <source>Đã nhận: {items}</source>
        <translation>Received: {items}</translation>
    </message>
    <message>
        <source>Người nhận: {n}</source>
        <translation>Collected by: {n}</translation>
    </message>
    <message>
        <source>CCCD {n}</source>
        <translation>ID card {n}</translation>
    </message>
    <message>
        <source>Có bản scan kết quả</source>
        <translation>Result scan attached</translation>
    </message>
    <message>
        <source>Hẹn trả: {old} → {new}</source>
        <translation>Due: {old} → {new}</translation>
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
        <source>Mã QR thanh toán (VietQR)</source>
        <translation>Payment QR code (VietQR)</translation>
    </message>
    <message>
        <source>Lệ phí: %1</source>
        <translation>Fee: %1</translation>
    </message>
    <message>
        <source>mã hồ sơ (cấp khi nộp hồ sơ)</source>
        <translation>the dossier code (given on submission)</translation>
    </message>
    <message>
        <source>Chủ tài khoản: %1
Ngân hàng: %2
Số tài khoản: %3
Số tiền: %4
Nội dung: %5</source>
        <translation>Account holder: %1
Bank: %2
Account number: %3
Amount: %4
Transfer note: %5</translation>
    </message>
    <message>
        <source>Mã QR có mã hồ sơ: hiện sau khi nộp hồ sơ và in trên giấy tiếp nhận</source>
        <translation>The QR carries the dossier code: it appears after submission and is printed on the receipt</translation>
    </message>
    <message>
        <source>Đang tạo mã QR…</source>
        <translation>Making the QR code…</translation>
    </message>
    <message>
        <source>Không tạo được mã QR: %1</source>
        <translation>Could not make the QR code: %1</translation>
    </message>
</context>
<context>
    <name>Gate</name>
    <message>
        <source>không bắt buộc, 6–12 chữ số</source>
        <translation>optional, 6–12 digits</translation>
    </message>
    <message>
        <source>Tên đăng nhập</source>
        <translation>User name</translation>
    </message>
    <message>
        <source>Họ và tên</source>
        <translation>Full name</translation>
    </message>
    <message>
        <source>Mật khẩu (ít nhất 8 ký tự)</source>
        <translation>Password (at least 8 characters)</translation>
    </message>
    <message>
        <source>Nhập lại mật khẩu</source>
        <translation>Repeat password</translation>
    </message>
    <message>
        <source>Mã PIN</source>
        <translation>PIN</translation>
    </message>
    <message>
        <source>Tạo tài khoản quản trị</source>
        <translation>Create administrator account</translation>
    </message>
    <message>
        <source>Mật khẩu / mã PIN</source>
        <translation>Password / PIN</translation>
    </message>
    <message>
        <source>Đăng nhập</source>
        <translation>Sign in</translation>
    </message>
    <message>
        <source>Mở khóa</source>
        <translation>Unlock</translation>
    </message>
    <message>
        <source>Đổi người dùng</source>
        <translation>Switch user</translation>
    </message>
    <message>
        <source>Máy chưa có tài khoản nào. Tạo tài khoản quản trị trước; sau đó quản trị tạo tài khoản cho từng cán bộ (Tài khoản).</source>
        <translation>This PC has no accounts yet. Create an administrator account first; the administrator then creates an account for each staff member (Accounts).</translation>
    </message>
    <message>
        <source>Mỗi cán bộ đăng nhập bằng tài khoản của mình; mọi thao tác được ghi lại.</source>
        <translation>Each staff member signs in with their own account; every action is recorded.</translation>
    </message>
    <message>
        <source>Máy đang khóa</source>
        <translation>This PC is locked</translation>
    </message>
    <message>
        <source>{name} ({role}) đang làm việc. Nhập mật khẩu hoặc mã PIN để mở khóa.</source>
        <translation>{name} ({role}) is working. Enter the password or PIN to unlock.</translation>
    </message>
    <message>
        <source>Hai lần nhập mật khẩu không giống nhau.</source>
        <translation>The two passwords do not match.</translation>
    </message>
    <message>
        <source>Đang kiểm tra…</source>
        <translation>Checking…</translation>
    </message>
</context>
<context>
    <name>HandOverDialog</name>
    <message>
        <source>Trả kết quả hồ sơ {code}</source>
        <translation>Hand over the result of dossier {code}</translation>
    </message>
    <message>
        <source>Ghi người đến nhận kết quả (mặc định: người nộp hồ sơ).</source>
        <translation>Enter who is collecting the result (default: the applicant).</translation>
    </message>
    <message>
        <source>Người nhận kết quả</source>
        <translation>Result collected by</translation>
    </message>
    <message>
        <source>Không bắt buộc: 9 hoặc 12 chữ số</source>
        <translation>Optional: 9 or 12 digits</translation>
    </message>
    <message>
        <source>Số CCCD/CMND người nhận</source>
        <translation>Collector's ID card number</translation>
    </message>
    <message>
        <source>Khi người khác nhận thay</source>
        <translation>When someone else collects it</translation>
    </message>
    <message>
        <source>Quan hệ với người nộp</source>
        <translation>Relationship to the applicant</translation>
    </message>
    <message>
        <source>Bản scan kết quả</source>
        <translation>Result scan</translation>
    </message>
    <message>
        <source>Đang lưu tệp scan, xin chờ giây lát</source>
        <translation>Saving the scan, please wait a moment</translation>
    </message>
</context>
<context>
    <name>IdleOverlay</name>
    <message>
        <source>Bạn còn ở đây không?</source>
        <translation>Are you still there?</translation>
    </message>
    <message>
        <source>Tôi vẫn đang dùng</source>
        <translation>I am still here</translation>
    </message>
    <message>
        <source>Nếu không ai chạm vào màn hình, mọi thông tin đã nhập sẽ bị xóa sau:</source>
        <translation>If no one touches the screen, everything you entered will be erased in:</translation>
    </message>
    <message>
        <source>%1 giây</source>
        <translation>%1 seconds</translation>
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
    <name>KeyPad</name>
    <message>
        <source>⌫ Xóa</source>
        <translation>⌫ Delete</translation>
    </message>
    <message>
        <source>Xóa hết</source>
        <translation>Clear all</translation>
    </message>
    <message>
        <source>ABC</source>
        <translation>ABC</translation>
    </message>
    <message>
        <source>123</source>
        <translation>123</translation>
    </message>
</context>
<context>
    <name>KioskPlain</name>
    <message>
        <source>Làm giấy khai sinh cho con</source>
        <translation>Get a birth certificate for your child</translation>
    </message>
    <message>
        <source>Đăng ký kết hôn</source>
        <translation>Register a marriage</translation>
    </message>
    <message>
        <source>Báo tử cho người đã mất (khai tử)</source>
        <translation>Report a death (death registration)</translation>
    </message>
    <message>
        <source>Xin giấy xác nhận độc thân (tình trạng hôn nhân)</source>
        <translation>Get a certificate that you are single (marital status)</translation>
    </message>
    <message>
        <source>Chứng thực bản sao giấy tờ (sao y)</source>
        <translation>Certify copies of papers (true copies)</translation>
    </message>
    <message>
        <source>Chứng thực chữ ký</source>
        <translation>Certify a signature</translation>
    </message>
    <message>
        <source>Sửa, thay đổi thông tin hộ tịch (tên, ngày sinh…)</source>
        <translation>Correct or change civil records (name, date of birth…)</translation>
    </message>
    <message>
        <source>Xin bản sao giấy khai sinh, kết hôn… (trích lục)</source>
        <translation>Get a copy of a birth or marriage certificate… (extract)</translation>
    </message>
    <message>
        <source>Đăng ký nhận cha, mẹ, con</source>
        <translation>Register a parent or child (recognition)</translation>
    </message>
    <message>
        <source>Miễn phí</source>
        <translation>Free</translation>
    </message>
    <message>
        <source>Cán bộ sẽ báo khi nhận hồ sơ</source>
        <translation>Staff will tell you when they receive your dossier</translation>
    </message>
    <message>
        <source>bản</source>
        <translation>copy(ies)</translation>
    </message>
    <message>
        <source>(mang theo để cán bộ xem, không nộp)</source>
        <translation>(bring it to show staff, you keep it)</translation>
    </message>
    <message>
        <source>(nếu có)</source>
        <translation>(if you have it)</translation>
    </message>
    <message>
        <source>(tùy trường hợp)</source>
        <translation>(in some cases)</translation>
    </message>
</context>
<context>
    <name>KioskWindow</name>
    <message>
        <source>Chữ to</source>
        <translation>Large text</translation>
    </message>
    <message>
        <source>Đọc to</source>
        <translation>Read aloud</translation>
    </message>
    <message>
        <source>← Quay lại</source>
        <translation>← Back</translation>
    </message>
    <message>
        <source>Làm lại từ đầu</source>
        <translation>Start over</translation>
    </message>
    <message>
        <source>Tiếp →</source>
        <translation>Next →</translation>
    </message>
    <message>
        <source>Không đọc to được</source>
        <translation>Cannot read aloud</translation>
    </message>
    <message>
        <source>Máy này chưa đọc to được. Mời bạn hỏi cán bộ ở quầy nếu cần giúp.</source>
        <translation>This kiosk cannot read aloud yet. Please ask the staff at the desk if you need help.</translation>
    </message>
    <message>
        <source>Bước %1 / %2</source>
        <translation>Step %1 / %2</translation>
    </message>
    <message>
        <source>Bạn còn ở đây không? Chạm vào màn hình để tiếp tục.</source>
        <translation>Are you still there? Touch the screen to continue.</translation>
    </message>
</context>
<context>
    <name>LearnFlow</name>
    <message>
        <source>In danh sách này</source>
        <translation>Print this list</translation>
    </message>
    <message>
        <source>Giấy tờ cần mang</source>
        <translation>Papers to bring</translation>
    </message>
    <message>
        <source>Thời gian giải quyết</source>
        <translation>Processing time</translation>
    </message>
    <message>
        <source>Lệ phí</source>
        <translation>Fee</translation>
    </message>
    <message>
        <source>Đang in…</source>
        <translation>Printing…</translation>
    </message>
    <message>
        <source>Đã in xong. Mời bạn lấy phiếu ở khe máy in.</source>
        <translation>Printed. Please take the paper from the printer slot.</translation>
    </message>
    <message>
        <source>Không in được: %1. Bạn có thể chụp ảnh màn hình này.</source>
        <translation>Could not print: %1. You can take a photo of this screen.</translation>
    </message>
    <message>
        <source>Tìm hiểu thủ tục: chọn việc bạn cần làm</source>
        <translation>Learn about a procedure: choose what you need to do</translation>
    </message>
    <message>
        <source>Cần chuẩn bị gì?</source>
        <translation>What do you need?</translation>
    </message>
    <message>
        <source>Nộp hồ sơ này →</source>
        <translation>Submit this dossier →</translation>
    </message>
    <message>
        <source>Hãy chạm vào việc bạn cần làm để xem cần mang giấy tờ gì.</source>
        <translation>Touch what you need to do to see which papers to bring.</translation>
    </message>
</context>
<context>
    <name>ListChoiceEditor</name>
    <message>
        <source>Gõ vài chữ để tìm…</source>
        <translation>Type a few letters to search…</translation>
    </message>
</context>
<context>
    <name>QrScanPanel</name>
    <message>
        <source>Đang mở máy ảnh…</source>
        <extracomment>Empty decodes in a row before the hint (4 decodes a second: about 3 s).</extracomment>
        <translation>Opening the camera…</translation>
    </message>
    <message>
        <source>Chưa thấy mã QR. Hãy giữ giấy cách máy ảnh khoảng một gang tay, mã QR hướng vào máy ảnh, và giữ yên một lúc.</source>
        <translation>No QR code seen yet. Hold the paper about a hand's width from the camera, QR code facing the camera, and keep it still for a moment.</translation>
    </message>
    <message>
        <source>Không đọc được hình từ máy ảnh (%1). Hãy thử lại.</source>
        <translation>Could not read a picture from the camera (%1). Please try again.</translation>
    </message>
    <message>
        <source>Máy ảnh báo lỗi: %1. Hãy nhập bằng bàn phím trên màn hình.</source>
        <translation>Camera error: %1. Please type it on the on-screen keyboard.</translation>
    </message>
</context>
<context>
    <name>RateFlow</name>
    <message>
        <source>Rất hài lòng</source>
        <translation>Very satisfied</translation>
    </message>
    <message>
        <source>Hài lòng</source>
        <translation>Satisfied</translation>
    </message>
    <message>
        <source>Bình thường</source>
        <translation>Neutral</translation>
    </message>
    <message>
        <source>Không hài lòng</source>
        <translation>Dissatisfied</translation>
    </message>
    <message>
        <source>Rất không hài lòng</source>
        <translation>Very dissatisfied</translation>
    </message>
    <message>
        <source>Bạn có hài lòng với dịch vụ hôm nay không?</source>
        <translation>Are you happy with our service today?</translation>
    </message>
    <message>
        <source>Vì sao? (chọn nếu muốn, không bắt buộc)</source>
        <translation>Why? (choose if you like, not required)</translation>
    </message>
    <message>
        <source>Cán bộ tận tình, chu đáo</source>
        <translation>Staff were helpful and caring</translation>
    </message>
    <message>
        <source>Nhanh, đúng hẹn</source>
        <translation>Fast, on time</translation>
    </message>
    <message>
        <source>Máy dễ dùng</source>
        <translation>Kiosk was easy to use</translation>
    </message>
    <message>
        <source>Hướng dẫn dễ hiểu</source>
        <translation>Instructions were clear</translation>
    </message>
    <message>
        <source>Phải chờ lâu</source>
        <translation>Long wait</translation>
    </message>
    <message>
        <source>Thủ tục khó hiểu, nhiều giấy tờ</source>
        <translation>Procedure was confusing, too many papers</translation>
    </message>
    <message>
        <source>Máy khó dùng</source>
        <translation>Kiosk was hard to use</translation>
    </message>
    <message>
        <source>Phí, lệ phí chưa rõ</source>
        <translation>Fees were unclear</translation>
    </message>
    <message>
        <source>Thái độ cán bộ chưa tốt</source>
        <translation>Staff were not polite</translation>
    </message>
    <message>
        <source>Cảm ơn bạn đã đánh giá!</source>
        <translation>Thank you for your rating!</translation>
    </message>
    <message>
        <source>Ý kiến của bạn giúp xã phục vụ tốt hơn.</source>
        <translation>Your opinion helps the commune serve you better.</translation>
    </message>
    <message>
        <source>Đánh giá sự hài lòng</source>
        <translation>Rate our service</translation>
    </message>
    <message>
        <source>Gửi đánh giá ✓</source>
        <translation>Send rating ✓</translation>
    </message>
    <message>
        <source>Cảm ơn</source>
        <translation>Thank you</translation>
    </message>
    <message>
        <source>Xong</source>
        <translation>Done</translation>
    </message>
    <message>
        <source>Bạn có hài lòng với dịch vụ hôm nay không? Rất hài lòng, hài lòng, bình thường, không hài lòng, hay rất không hài lòng?</source>
        <translation>Are you happy with our service today? Very satisfied, satisfied, neutral, dissatisfied, or very dissatisfied?</translation>
    </message>
    <message>
        <source>Vì sao? Chọn lý do nếu muốn, rồi bấm Gửi đánh giá.</source>
        <translation>Why? Choose a reason if you like, then press Send rating.</translation>
    </message>
</context>
<context>
    <name>RatingDialog</name>
    <message>
        <source>Đánh giá sự hài lòng — hồ sơ %1</source>
        <translation>Satisfaction rating — dossier %1</translation>
    </message>
    <message>
        <source>Ông/bà có hài lòng với việc giải quyết hồ sơ hôm nay không?</source>
        <translation>Are you satisfied with how your dossier was handled today?</translation>
    </message>
    <message>
        <source>Rất hài lòng</source>
        <translation>Very satisfied</translation>
    </message>
    <message>
        <source>Hài lòng</source>
        <translation>Satisfied</translation>
    </message>
    <message>
        <source>Bình thường</source>
        <translation>Neutral</translation>
    </message>
    <message>
        <source>Không hài lòng</source>
        <translation>Dissatisfied</translation>
    </message>
    <message>
        <source>Rất không hài lòng</source>
        <translation>Very dissatisfied</translation>
    </message>
    <message>
        <source>Vì sao? (chọn nếu muốn, không bắt buộc)</source>
        <translation>Why? (optional)</translation>
    </message>
    <message>
        <source>Cán bộ tận tình, chu đáo</source>
        <translation>Helpful staff</translation>
    </message>
    <message>
        <source>Nhanh, đúng hẹn</source>
        <translation>Fast, on time</translation>
    </message>
    <message>
        <source>Hướng dẫn dễ hiểu</source>
        <translation>Clear information</translation>
    </message>
    <message>
        <source>Phải chờ lâu</source>
        <translation>Long wait</translation>
    </message>
    <message>
        <source>Thủ tục khó hiểu, nhiều giấy tờ</source>
        <translation>Confusing procedure, many papers</translation>
    </message>
    <message>
        <source>Phí, lệ phí chưa rõ</source>
        <translation>Unclear fees</translation>
    </message>
    <message>
        <source>Thái độ cán bộ chưa tốt</source>
        <translation>Unfriendly staff</translation>
    </message>
    <message>
        <source>Bỏ qua</source>
        <translation>Skip</translation>
    </message>
    <message>
        <source>Gửi đánh giá</source>
        <translation>Send rating</translation>
    </message>
    <message>
        <source>Hồ sơ %1 đã được đánh giá tại quầy; mỗi hồ sơ chỉ được đánh giá một lần.</source>
        <translation>Dossier %1 was already rated at the desk; each dossier can be rated once.</translation>
    </message>
    <message>
        <source>Đóng</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>Cảm ơn ông/bà đã đánh giá!</source>
        <translation>Thank you for your rating!</translation>
    </message>
</context>
<context>
    <name>ReasonDialog</name>
    <message>
        <source>Từ chối tiếp nhận hồ sơ {code}</source>
        <translation>Refuse to receive dossier {code}</translation>
    </message>
    <message>
        <source>Rút hồ sơ {code}</source>
        <translation>Withdraw dossier {code}</translation>
    </message>
    <message>
        <source>Phiếu từ chối tiếp nhận (Mẫu 03) sẽ được in sau khi xác nhận.</source>
        <translation>The refusal slip (Form 03) will be printed after you confirm.</translation>
    </message>
    <message>
        <source>Công dân có đơn xin rút hồ sơ. Hồ sơ sẽ dừng xử lý.</source>
        <translation>The citizen has applied to withdraw the dossier. Processing will stop.</translation>
    </message>
    <message>
        <source>Bắt buộc</source>
        <translation>Required</translation>
    </message>
    <message>
        <source>Lý do từ chối</source>
        <translation>Reason for refusal</translation>
    </message>
    <message>
        <source>Lý do rút hồ sơ</source>
        <translation>Reason for withdrawal</translation>
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
        <source>Mời công dân đánh giá</source>
        <translation>Ask the citizen to rate</translation>
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
    <name>RefusedDialog</name>
    <message>
        <source>Mục bị tỉnh từ chối</source>
        <translation>Items refused by the province</translation>
    </message>
    <message>
        <source>Các mục này vẫn lưu trên máy. Khắc phục nguyên nhân (hoặc liên hệ tỉnh), rồi bấm Gửi lại.</source>
        <translation>These items are still kept on this PC. Fix the cause (or contact the province), then press Send again.</translation>
    </message>
    <message>
        <source>Mã hồ sơ</source>
        <translation>Dossier code</translation>
    </message>
    <message>
        <source>Loại</source>
        <translation>Kind</translation>
    </message>
    <message>
        <source>Lúc</source>
        <translation>At</translation>
    </message>
    <message>
        <source>Lý do của tỉnh</source>
        <translation>The province's reason</translation>
    </message>
    <message>
        <source>Gửi lại tất cả</source>
        <translation>Send all again</translation>
    </message>
    <message>
        <source>Đóng</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>{n} mục</source>
        <translation>{n} item(s)</translation>
    </message>
    <message>
        <source>Không đọc được danh sách: {e}</source>
        <translation>Could not read the list: {e}</translation>
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
    <name>ScanPicker</name>
    <message>
        <source>(chưa có)</source>
        <translation>(none)</translation>
    </message>
    <message>
        <source>Chọn tệp scan…</source>
        <translation>Choose scan file…</translation>
    </message>
    <message>
        <source>Chụp ảnh…</source>
        <translation>Take photo…</translation>
    </message>
    <message>
        <source>Bỏ tệp</source>
        <translation>Remove file</translation>
    </message>
    <message>
        <source>Chọn tệp scan</source>
        <translation>Choose scan file</translation>
    </message>
    <message>
        <source>Ảnh hoặc PDF (*.pdf *.jpg *.jpeg *.png *.tif *.tiff);;Mọi tệp (*)</source>
        <translation>Images or PDF (*.pdf *.jpg *.jpeg *.png *.tif *.tiff);;All files (*)</translation>
    </message>
    <message>
        <source>Đang lưu tệp…</source>
        <translation>Saving file…</translation>
    </message>
    <message>
        <source>Không lưu được tệp: {e}</source>
        <translation>Could not save the file: {e}</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
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
        <source>(máy in mặc định)</source>
        <translation>(default printer)</translation>
    </message>
    <message>
        <source>(không nhận chuyển khoản)</source>
        <translation>(no bank transfers)</translation>
    </message>
    <message>
        <source>VD: UBND XA NAM DONG</source>
        <translation>e.g. UBND XA NAM DONG</translation>
    </message>
    <message>
        <source> phút</source>
        <translation> min</translation>
    </message>
    <message>
        <source>VD: /media/usb/motcua hoặc E:\SaoLuu</source>
        <translation>e.g. /media/usb/motcua or E:\Backups</translation>
    </message>
    <message>
        <source>Khởi động ở chế độ kiosk tự phục vụ</source>
        <translation>Start in self-service kiosk mode</translation>
    </message>
    <message>
        <source>Tự động (theo màn hình)</source>
        <translation>Automatic (follow the screen)</translation>
    </message>
    <message>
        <source>Dọc</source>
        <translation>Portrait</translation>
    </message>
    <message>
        <source>Ngang</source>
        <translation>Landscape</translation>
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
        <source>Ngân hàng nhận phí (mã BIN)</source>
        <translation>Bank receiving fees (BIN)</translation>
    </message>
    <message>
        <source>Số tài khoản nhận phí</source>
        <translation>Fee account number</translation>
    </message>
    <message>
        <source>Tên chủ tài khoản</source>
        <translation>Account holder's name</translation>
    </message>
    <message>
        <source>Tự khóa máy sau khi không dùng</source>
        <translation>Lock automatically when idle for</translation>
    </message>
    <message>
        <source>Thư mục sao lưu tự động</source>
        <translation>Scheduled backup folder</translation>
    </message>
    <message>
        <source>Hướng màn hình kiosk</source>
        <translation>Kiosk screen orientation</translation>
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
    <name>SetupWizard</name>
    <message>
        <source>Cài đặt máy cho bộ phận một cửa</source>
        <translation>Set up this PC for the one-stop office</translation>
    </message>
    <message>
        <source>&lt; Quay lại</source>
        <translation>&lt; Back</translation>
    </message>
    <message>
        <source>Tiếp &gt;</source>
        <translation>Next &gt;</translation>
    </message>
    <message>
        <source>Hoàn tất</source>
        <translation>Finish</translation>
    </message>
    <message>
        <source>Để sau</source>
        <translation>Later</translation>
    </message>
    <message>
        <source>Cơ quan</source>
        <translation>Agency</translation>
    </message>
    <message>
        <source>Mã định danh cơ quan in trên mọi mã hồ sơ; mỗi máy trong xã dùng một khe số thứ tự riêng (0–9).</source>
        <translation>The agency identifier is printed in every dossier code; each PC in the commune uses its own sequence-number slot (0–9).</translation>
    </message>
    <message>
        <source>Mã định danh cơ quan</source>
        <translation>Agency identifier</translation>
    </message>
    <message>
        <source>Mã xã/phường (5 chữ số)</source>
        <translation>Commune/ward code (5 digits)</translation>
    </message>
    <message>
        <source>Tên cơ quan in trên phiếu</source>
        <translation>Agency name printed on slips</translation>
    </message>
    <message>
        <source>UBND xã …</source>
        <translation>People's Committee of … commune</translation>
    </message>
    <message>
        <source>Khe số thứ tự của máy này</source>
        <translation>This PC's sequence-number slot</translation>
    </message>
    <message>
        <source>Đường dây nóng (không bắt buộc)</source>
        <translation>Hotline (optional)</translation>
    </message>
    <message>
        <source>Máy in phiếu</source>
        <translation>Slip printer</translation>
    </message>
    <message>
        <source>Máy in dùng cho phiếu hẹn; để trống là máy in mặc định.</source>
        <translation>Printer for appointment slips; leave empty for the default printer.</translation>
    </message>
    <message>
        <source>(máy in mặc định)</source>
        <translation>(default printer)</translation>
    </message>
    <message>
        <source>Máy in</source>
        <translation>Printer</translation>
    </message>
    <message>
        <source>Máy chủ của tỉnh</source>
        <translation>Province server</translation>
    </message>
    <message>
        <source>Mã đăng ký một lần do bộ phận CNTT của tỉnh cấp. Không có mạng lúc này thì bỏ chọn và đăng ký sau (motcua enrol).</source>
        <translation>One-time enrolment code issued by the province's IT department. If there is no network now, untick this and enrol later (motcua enrol).</translation>
    </message>
    <message>
        <source>Đăng ký với máy chủ tỉnh ngay bây giờ</source>
        <translation>Enrol with the province server now</translation>
    </message>
    <message>
        <source>Địa chỉ máy chủ</source>
        <translation>Server address</translation>
    </message>
    <message>
        <source>Mã đăng ký</source>
        <translation>Enrolment code</translation>
    </message>
    <message>
        <source>Tên máy (không bắt buộc)</source>
        <translation>PC name (optional)</translation>
    </message>
    <message>
        <source>Đang cài đặt…</source>
        <translation>Setting up…</translation>
    </message>
    <message>
        <source>Chưa cài đặt: kiểm tra các ô báo lỗi.</source>
        <translation>Not set up: check the fields marked with errors.</translation>
    </message>
    <message>
        <source>Đã lưu thông tin cơ quan, nhưng chưa kết nối được máy chủ tỉnh. Bấm Hoàn tất để thử lại, hoặc bỏ chọn đăng ký để làm sau.</source>
        <translation>Agency details saved, but the province server could not be reached. Press Finish to try again, or untick enrolment to do it later.</translation>
    </message>
    <message>
        <source>Máy chủ tỉnh từ chối đăng ký: </source>
        <translation>The province server refused enrolment: </translation>
    </message>
    <message>
        <source>Chưa cài đặt được: </source>
        <translation>Could not set up: </translation>
    </message>
</context>
<context>
    <name>SlipDialog</name>
    <message>
        <source>Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02) — {code}</source>
        <translation>Supplement request slip (Form 02) — {code}</translation>
    </message>
    <message>
        <source>Phiếu từ chối tiếp nhận hồ sơ (Mẫu 03) — {code}</source>
        <translation>Dossier refusal slip (Form 03) — {code}</translation>
    </message>
    <message>
        <source>Phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04) — {code}</source>
        <translation>Apology and new result date slip (Form 04) — {code}</translation>
    </message>
    <message>
        <source>Đang tạo phiếu…</source>
        <translation>Making the slip…</translation>
    </message>
    <message>
        <source>Khổ A4</source>
        <translation>A4 size</translation>
    </message>
    <message>
        <source>Khổ A5</source>
        <translation>A5 size</translation>
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
        <source>Mã hồ sơ: {code}</source>
        <translation>Dossier code: {code}</translation>
    </message>
    <message>
        <source>Không tạo được phiếu: {e}</source>
        <translation>Could not make the slip: {e}</translation>
    </message>
    <message>
        <source>Đã gửi {n} trang tới máy in</source>
        <translation>Sent {n} page(s) to the printer</translation>
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
        <source>Nộp tại kiosk — chờ kiểm tra giấy tờ</source>
        <translation>Submitted at the kiosk — papers to check</translation>
    </message>
    <message>
        <source>Sắp đến hạn / quá hạn</source>
        <translation>Due soon / overdue</translation>
    </message>
    <message>
        <source>Có kết quả — chờ trả</source>
        <translation>Result ready — to hand over</translation>
    </message>
    <message>
        <source>Không có hồ sơ sắp đến hạn</source>
        <translation>No dossiers due soon</translation>
    </message>
    <message>
        <source>Sắp đến hạn / quá hạn ({n})</source>
        <translation>Due soon / overdue ({n})</translation>
    </message>
    <message>
        <source>{code} · {name} · {proc} · có kết quả {at}</source>
        <translation>{code} · {name} · {proc} · result ready {at}</translation>
    </message>
    <message>
        <source>Không có kết quả đang chờ trả</source>
        <translation>No results waiting to be handed over</translation>
    </message>
    <message>
        <source>Có kết quả — chờ trả ({n})</source>
        <translation>Result ready — to hand over ({n})</translation>
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
        <source>Sắp đến hạn</source>
        <translation>Due soon</translation>
    </message>
    <message>
        <source>hẹn {at}</source>
        <translation>due {at}</translation>
    </message>
    <message>
        <source>Không có hồ sơ nộp tại kiosk đang chờ</source>
        <translation>No kiosk dossiers waiting</translation>
    </message>
    <message>
        <source>Nộp tại kiosk — chờ kiểm tra giấy tờ ({n})</source>
        <translation>Submitted at the kiosk — papers to check ({n})</translation>
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
    <name>StatsView</name>
    <message>
        <source>Tháng</source>
        <translation>Month</translation>
    </message>
    <message>
        <source>Quý</source>
        <translation>Quarter</translation>
    </message>
    <message>
        <source>Năm</source>
        <translation>Year</translation>
    </message>
    <message>
        <source>Xem số liệu</source>
        <translation>Show figures</translation>
    </message>
    <message>
        <source>Kỳ báo cáo:</source>
        <translation>Reporting period:</translation>
    </message>
    <message>
        <source>Xuất CSV</source>
        <translation>Export CSV</translation>
    </message>
    <message>
        <source>Xuất Excel</source>
        <translation>Export Excel</translation>
    </message>
    <message>
        <source>Báo cáo PDF</source>
        <translation>PDF report</translation>
    </message>
    <message>
        <source>Toàn đơn vị</source>
        <translation>Whole office</translation>
    </message>
    <message>
        <source>Theo lĩnh vực</source>
        <translation>By field</translation>
    </message>
    <message>
        <source>Theo thủ tục</source>
        <translation>By procedure</translation>
    </message>
    <message>
        <source>Đang tính số liệu…</source>
        <translation>Calculating figures…</translation>
    </message>
    <message>
        <source>Kỳ {0}: {1} hồ sơ tiếp nhận, {2} đã giải quyết ({3} đúng hạn), {4} quá hạn</source>
        <translation>Period {0}: {1} dossiers received, {2} resolved ({3} on time), {4} overdue</translation>
    </message>
    <message>
        <source>Không tính được số liệu: </source>
        <translation>Could not calculate figures: </translation>
    </message>
    <message>
        <source>Tỷ lệ (%)</source>
        <translation>Rate (%)</translation>
    </message>
    <message>
        <source>Lưu báo cáo</source>
        <translation>Save report</translation>
    </message>
    <message>
        <source>Đã lưu báo cáo: </source>
        <translation>Report saved: </translation>
    </message>
</context>
<context>
    <name>SubmitFlow</name>
    <message>
        <source>Về: %1</source>
        <translation>About: %1</translation>
    </message>
    <message>
        <source>Không bắt buộc: nếu không có, bấm “Tiếp”.</source>
        <translation>Not required: if you don't have it, press “Next”.</translation>
    </message>
    <message>
        <source>Có thẻ căn cước gắn chip? Đưa mã QR trên thẻ vào máy quét.</source>
        <translation>Have a chip ID card? Hold the QR code on the card under the scanner.</translation>
    </message>
    <message>
        <source>Quét mã QR trên thẻ căn cước</source>
        <translation>Scan the QR code on your ID card</translation>
    </message>
    <message>
        <source>Mang theo các giấy tờ sau đến quầy một cửa:</source>
        <translation>Bring these papers to the one-stop desk:</translation>
    </message>
    <message>
        <source>Cán bộ sẽ kiểm tra giấy tờ rồi hẹn ngày trả kết quả.</source>
        <translation>Staff will check your papers and give you a date for the result.</translation>
    </message>
    <message>
        <source>Xem lại trước khi gửi</source>
        <translation>Check before sending</translation>
    </message>
    <message>
        <source>Lệ phí</source>
        <translation>Fee</translation>
    </message>
    <message>
        <source>Đã gửi hồ sơ. Mã hồ sơ của bạn:</source>
        <translation>Dossier sent. Your dossier code:</translation>
    </message>
    <message>
        <source>Đang in phiếu…</source>
        <translation>Printing your slip…</translation>
    </message>
    <message>
        <source>Mời bạn mang phiếu và giấy tờ đến quầy một cửa. Cán bộ kiểm tra giấy tờ rồi hẹn ngày trả kết quả.</source>
        <translation>Please bring your slip and papers to the one-stop desk. Staff will check your papers and give you a date for the result.</translation>
    </message>
    <message>
        <source>Đánh giá sự hài lòng</source>
        <translation>Rate our service</translation>
    </message>
    <message>
        <source>Đã in phiếu. Mời bạn lấy phiếu ở khe máy in.</source>
        <translation>Slip printed. Please take it from the printer slot.</translation>
    </message>
    <message>
        <source>Máy in chưa in được phiếu (%1). Hãy ghi lại mã hồ sơ ở trên, hoặc nhờ cán bộ in lại phiếu.</source>
        <translation>The printer could not print your slip (%1). Please write down the dossier code above, or ask staff to print the slip again.</translation>
    </message>
    <message>
        <source>Đưa mã QR trên thẻ căn cước (mặt trước) vào trước máy ảnh.</source>
        <translation>Hold the QR code on the front of your ID card in front of the camera.</translation>
    </message>
    <message>
        <source>Đã đọc thẻ căn cước.</source>
        <translation>ID card read.</translation>
    </message>
    <message>
        <source>Nộp hồ sơ: chọn việc bạn cần làm</source>
        <translation>Submit a dossier: choose what you need to do</translation>
    </message>
    <message>
        <source>Quét thẻ căn cước</source>
        <translation>Scan ID card</translation>
    </message>
    <message>
        <source>Tiếp →</source>
        <translation>Next →</translation>
    </message>
    <message>
        <source>Gửi hồ sơ ✓</source>
        <translation>Send dossier ✓</translation>
    </message>
    <message>
        <source>Xong</source>
        <translation>Done</translation>
    </message>
    <message>
        <source>Hãy chạm vào việc bạn cần làm.</source>
        <translation>Touch what you need to do.</translation>
    </message>
    <message>
        <source>Xem lại thông tin. Nếu đúng, bấm Gửi hồ sơ.</source>
        <translation>Check your information. If it is right, press Send dossier.</translation>
    </message>
    <message>
        <source>Đã gửi hồ sơ. Mã hồ sơ của bạn là %1.</source>
        <translation>Dossier sent. Your dossier code is %1.</translation>
    </message>
</context>
<context>
    <name>SupplementReceiveDialog</name>
    <message>
        <source>Nhận hồ sơ bổ sung {code}</source>
        <translation>Receive supplement for dossier {code}</translation>
    </message>
    <message>
        <source>Ghi các giấy tờ công dân mang đến. Thời hạn giải quyết tính tiếp từ bây giờ; ngày hẹn trả lùi thêm đúng thời gian đã tạm dừng.</source>
        <translation>List the papers the citizen brought. The processing time resumes now; the due date moves back by exactly the time it was paused.</translation>
    </message>
    <message>
        <source>Tên giấy tờ</source>
        <translation>Document name</translation>
    </message>
    <message>
        <source>Hình thức</source>
        <translation>Form</translation>
    </message>
    <message>
        <source>Số lượng</source>
        <translation>Quantity</translation>
    </message>
    <message>
        <source>Thêm dòng</source>
        <translation>Add row</translation>
    </message>
    <message>
        <source>Xóa dòng đã chọn</source>
        <translation>Remove selected row</translation>
    </message>
    <message>
        <source>Giấy tờ đã nhận</source>
        <translation>Documents received</translation>
    </message>
    <message>
        <source>Bản scan</source>
        <translation>Scan</translation>
    </message>
    <message>
        <source>Không bắt buộc</source>
        <translation>Optional</translation>
    </message>
    <message>
        <source>Ghi chú</source>
        <translation>Note</translation>
    </message>
    <message>
        <source>Đang lưu tệp scan, xin chờ giây lát</source>
        <translation>Saving the scan, please wait a moment</translation>
    </message>
    <message>
        <source>Đã nhận hồ sơ bổ sung. Ngày hẹn trả kết quả mới: {at}</source>
        <translation>Supplement received. New due date for the result: {at}</translation>
    </message>
    <message>
        <source>Đóng</source>
        <translation>Close</translation>
    </message>
</context>
<context>
    <name>SupplementRequestDialog</name>
    <message>
        <source>Yêu cầu bổ sung hồ sơ {code}</source>
        <translation>Request a supplement for dossier {code}</translation>
    </message>
    <message>
        <source>Ghi từng giấy tờ hoặc nội dung công dân cần bổ sung. Thời hạn giải quyết tạm dừng từ lúc yêu cầu đến khi nhận đủ bổ sung.</source>
        <translation>List each document or item the citizen must supply. The processing time is paused from the request until the full supplement is received.</translation>
    </message>
    <message>
        <source>Giấy tờ cần bổ sung, rồi Enter</source>
        <translation>Document to supply, then Enter</translation>
    </message>
    <message>
        <source>Thêm</source>
        <translation>Add</translation>
    </message>
    <message>
        <source>Giấy tờ cần bổ sung</source>
        <translation>Documents to supply</translation>
    </message>
    <message>
        <source>Xóa dòng đã chọn</source>
        <translation>Remove selected row</translation>
    </message>
    <message>
        <source>Không bắt buộc</source>
        <translation>Optional</translation>
    </message>
    <message>
        <source>Lý do</source>
        <translation>Reason</translation>
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
        <source>{n} mục bị tỉnh từ chối</source>
        <translation>{n} item(s) refused by the province</translation>
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
    <message>
        <source>Xem</source>
        <translation>Show</translation>
    </message>
    <message>
        <source>Đồng bộ ngay</source>
        <translation>Sync now</translation>
    </message>
</context>
<context>
    <name>WelcomeScreen</name>
    <message>
        <source>Xin chào! Bạn cần làm gì?</source>
        <translation>Hello! What do you need to do?</translation>
    </message>
    <message>
        <source>Chạm vào một ô bên dưới. Bấm nút “Đọc to” ở trên để nghe hướng dẫn.</source>
        <translation>Touch a box below. Press the “Read aloud” button at the top to hear the instructions.</translation>
    </message>
    <message>
        <source>Nộp hồ sơ</source>
        <translation>Submit a dossier</translation>
    </message>
    <message>
        <source>Khai thông tin, in phiếu hẹn</source>
        <translation>Fill in your details, print an appointment slip</translation>
    </message>
    <message>
        <source>Tìm hiểu thủ tục</source>
        <translation>Learn about procedures</translation>
    </message>
    <message>
        <source>Cần giấy tờ gì, bao lâu, bao nhiêu tiền</source>
        <translation>Which papers, how long, how much</translation>
    </message>
    <message>
        <source>Tra cứu hồ sơ</source>
        <translation>Check a dossier</translation>
    </message>
    <message>
        <source>Xem hồ sơ đã nộp đến đâu</source>
        <translation>See how your dossier is going</translation>
    </message>
    <message>
        <source>Đánh giá</source>
        <translation>Rate</translation>
    </message>
    <message>
        <source>Bạn có hài lòng không?</source>
        <translation>Are you happy with us?</translation>
    </message>
    <message>
        <source>Cần giúp? Gọi %1 hoặc hỏi cán bộ ở quầy.</source>
        <translation>Need help? Call %1 or ask the staff at the desk.</translation>
    </message>
    <message>
        <source>Xin chào! Bạn cần làm gì? Nộp hồ sơ. Tìm hiểu thủ tục. Tra cứu hồ sơ. Hoặc đánh giá.</source>
        <translation>Hello! What do you need to do? Submit a dossier. Learn about procedures. Check a dossier. Or rate our service.</translation>
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
<context>
    <name>YesNoEditor</name>
    <message>
        <source>Có</source>
        <translation>Yes</translation>
    </message>
    <message>
        <source>Không</source>
        <translation>No</translation>
    </message>
</context>
<context>
    <name>_Method</name>
    <message>
        <source>Mật khẩu</source>
        <translation>Password</translation>
    </message>
    <message>
        <source>Mã PIN</source>
        <translation>PIN</translation>
    </message>
</context>
</TS>
