; Inno Setup 6 script for MotCua Kiosk on Windows 10/11 (64-bit).
;
; Build on a Windows builder, after building the bundle there with
;   py -3.11 installer\build_bundle.py --dist dist
; then
;   iscc /DAppVersion=0.1.0 /DBundleDir=..\..\dist\motcua-kiosk installer\windows\motcua-kiosk.iss
;
; It cannot be built on Linux (Inno Setup is a Windows program); docs/install-windows.md says how
; it was reviewed and what to check on the first real build.
;
; What it does:
; - installs the one-folder bundle under Program Files (per machine, needs an administrator);
; - Start-menu entries for the desk and the self-service kiosk;
; - registers the background sync as a scheduled task for the logged-on users (every 5 minutes
;   and at logon), running motcua-sync.exe (built without a console window);
; - optionally starts the kiosk in self-service mode at logon (a task too, so it restarts the
;   program if the user logs off and on);
; - upgrades in place: same AppId, the old files are replaced, the data folder
;   (%LOCALAPPDATA%\motcua-kiosk) is never touched; the store migrates itself at the next start,
;   after copying the database aside;
; - uninstall removes the program and the tasks and keeps the data unless the person ticks
;   "also delete the dossiers" — after a warning to back up first.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#ifndef BundleDir
  #define BundleDir "..\..\dist\motcua-kiosk"
#endif

[Setup]
AppId={{6C1E3B2A-4F0D-4B7E-9E1A-2D5C8B7F3A10}
AppName=MotCua Kiosk
AppVersion={#AppVersion}
AppVerName=MotCua Kiosk {#AppVersion}
AppPublisher=MotCua Kiosk developers
DefaultDirName={autopf}\MotCua Kiosk
DefaultGroupName=MotCua Kiosk
DisableProgramGroupPage=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequired=admin
MinVersion=10.0
OutputBaseFilename=motcua-kiosk-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
UninstallDisplayIcon={app}\motcua-kiosk.exe
CloseApplications=yes
RestartApplications=no
; an upgrade must not leave half-replaced files if the desk is open: ask to close it
CloseApplicationsFilter=*.exe

[Languages]
Name: "vi"; MessagesFile: "compiler:Languages\Vietnamese.isl"
Name: "en"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
vi.KioskAutostart=Tự khởi động kiosk tự phục vụ khi đăng nhập (máy đặt ở sảnh cho người dân)
en.KioskAutostart=Start the self-service kiosk at logon (a PC in the hall for citizens)
vi.DeleteData=Xóa luôn toàn bộ hồ sơ trên máy này (chỉ khi đã sao lưu!)
en.DeleteData=Also delete every dossier on this PC (only after a backup!)
vi.DeleteDataConfirm=Xóa vĩnh viễn mọi hồ sơ, bản quét và hàng chờ đồng bộ trên máy này? Hồ sơ chưa gửi lên tỉnh sẽ mất.
en.DeleteDataConfirm=Permanently delete every dossier, scan and unsynced item on this PC? Dossiers not yet sent to the province will be lost.
vi.DeskName=Một cửa — tiếp nhận hồ sơ
en.DeskName=MotCua Kiosk desk
vi.KioskName=Một cửa — kiosk tự phục vụ
en.KioskName=MotCua Kiosk self-service

[Tasks]
Name: "kioskautostart"; Description: "{cm:KioskAutostart}"; Flags: unchecked

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; files of the previous version that this one no longer ships (a stale Qt plugin would load)
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{group}\{cm:DeskName}"; Filename: "{app}\motcua-kiosk.exe"
Name: "{group}\{cm:KioskName}"; Filename: "{app}\motcua-kiosk.exe"; Parameters: "--kiosk"

[Run]
; background sync: every 5 minutes for whoever is logged on (the desk syncs by itself while open;
; both share a lock file, so they never sync at once)
Filename: "{sys}\schtasks.exe"; \
  Parameters: "/Create /F /TN ""MotCua Kiosk\Sync"" /SC MINUTE /MO 5 /RU INTERACTIVE /TR ""\""{app}\motcua-sync.exe\"" --once"""; \
  Flags: runhidden; StatusMsg: "Đăng ký đồng bộ nền…"
; scheduled backup to the office's backup folder (setting backup_dir; nothing when unset)
Filename: "{sys}\schtasks.exe"; \
  Parameters: "/Create /F /TN ""MotCua Kiosk\Backup"" /SC DAILY /ST 11:40 /RU INTERACTIVE /TR ""\""{app}\motcua.exe\"" backup --scheduled"""; \
  Flags: runhidden
Filename: "{sys}\schtasks.exe"; \
  Parameters: "/Create /F /TN ""MotCua Kiosk\Kiosk"" /SC ONLOGON /RU INTERACTIVE /TR ""\""{app}\motcua-kiosk.exe\"" --kiosk"""; \
  Flags: runhidden; Tasks: kioskautostart
Filename: "{app}\motcua-kiosk.exe"; Description: "{cm:DeskName}"; \
  Flags: nowait postinstall skipifsilent unchecked

[UninstallRun]
Filename: "{sys}\schtasks.exe"; Parameters: "/Delete /F /TN ""MotCua Kiosk\Sync"""; \
  Flags: runhidden; RunOnceId: "DelSyncTask"
Filename: "{sys}\schtasks.exe"; Parameters: "/Delete /F /TN ""MotCua Kiosk\Kiosk"""; \
  Flags: runhidden; RunOnceId: "DelKioskTask"
Filename: "{sys}\schtasks.exe"; Parameters: "/Delete /F /TN ""MotCua Kiosk\Backup"""; \
  Flags: runhidden; RunOnceId: "DelBackupTask"

[Code]
var
  DeleteDataCheck: Boolean;

function InitializeUninstall(): Boolean;
begin
  DeleteDataCheck := False;
  if not UninstallSilent then
    DeleteDataCheck := MsgBox(ExpandConstant('{cm:DeleteData}'), mbConfirmation, MB_YESNO or MB_DEFBUTTON2) = IDYES;
  if DeleteDataCheck then
    DeleteDataCheck := MsgBox(ExpandConstant('{cm:DeleteDataConfirm}'), mbCriticalError, MB_YESNO or MB_DEFBUTTON2) = IDYES;
  Result := True;
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  { Only the account running the uninstaller: other accounts' data folders stay. }
  if (CurUninstallStep = usPostUninstall) and DeleteDataCheck then
    DelTree(ExpandConstant('{localappdata}\motcua-kiosk'), True, True, True);
end;
