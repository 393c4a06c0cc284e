; Inno Setup script: a per-user installer of the frozen folder (dist\usrg-desktop from
; `pyinstaller installer\usrg-desktop.spec` on Windows). It adds a Start menu entry and makes
; .usrgpacket files open in reviewer mode on a double-click. Built by build.ps1 beside it, which
; sets USRG_VERSION from usrg_desktop.__version__ (the one place the version is kept):
;   powershell -ExecutionPolicy Bypass -File installer\windows\build.ps1
#define AppVersion GetEnv("USRG_VERSION")
#if AppVersion == ""
  #error Set USRG_VERSION (installer\windows\build.ps1 does) to usrg_desktop.__version__.
#endif

[Setup]
AppId={{6C1E8A52-0B0B-4B7C-9E0B-55A0C3D7A1F4}
AppName=USRG Desktop
AppVersion={#AppVersion}
AppPublisher=South African Cities Network
DefaultDirName={localappdata}\Programs\USRG Desktop
DefaultGroupName=USRG Desktop
PrivilegesRequired=lowest
OutputDir=..\..\dist
OutputBaseFilename=usrg-desktop-{#AppVersion}-setup
SetupIconFile=..\..\resources\icons\usrg-desktop.ico
UninstallDisplayIcon={app}\usrg-desktop.exe
Compression=lzma2
SolidCompression=yes
ChangesAssociations=yes

[Files]
Source: "..\..\dist\usrg-desktop\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion

[Icons]
Name: "{group}\USRG Desktop"; Filename: "{app}\usrg-desktop.exe"
Name: "{group}\Uninstall USRG Desktop"; Filename: "{uninstallexe}"

[Registry]
Root: HKCU; Subkey: "Software\Classes\.usrgpacket"; ValueType: string; ValueData: "USRGDesktop.ReviewPacket"; Flags: uninsdeletevalue
Root: HKCU; Subkey: "Software\Classes\USRGDesktop.ReviewPacket"; ValueType: string; ValueData: "USRG review packet"; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\USRGDesktop.ReviewPacket\shell\open\command"; ValueType: string; ValueData: """{app}\usrg-desktop.exe"" ""%1"""
