; Inno Setup script for ModelDesk on Windows (Inno Setup 6). Not built on Linux CI.
; 1. On Windows, in the project's virtual environment:  python packaging\build.py --flavour gpu
;    (or --flavour lean for workstations without an NVIDIA GPU)
; 2. "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" /DFlavour=gpu packaging\windows\modeldesk.iss
; Output: packaging\dist\ModelDesk-<version>-<flavour>-setup.exe

#ifndef Flavour
  #define Flavour "lean"
#endif
#define AppVersion "0.1.0"
#define Bundle "..\dist\" + Flavour + "\modeldesk"

[Setup]
AppId={{5E0C8F7B-3C1E-4E8F-9B53-6D0D3A1C7E42}
AppName=ModelDesk
AppVersion={#AppVersion}
AppPublisher=ModelDesk team
DefaultDirName={autopf}\ModelDesk
DefaultGroupName=ModelDesk
DisableProgramGroupPage=yes
; Per-user install needs no administrator; the catalog lives in %LOCALAPPDATA% either way.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\dist
OutputBaseFilename=ModelDesk-{#AppVersion}-{#Flavour}-setup
SetupIconFile=..\..\resources\icons\modeldesk.ico
UninstallDisplayIcon={app}\modeldesk.exe
Compression=lzma2/fast
SolidCompression=no
WizardStyle=modern
ChangesAssociations=yes

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"
Name: "associate"; Description: "Offer ModelDesk under Open with for experiment files (*.toml)"; GroupDescription: "File types:"

[Files]
Source: "{#Bundle}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\ModelDesk"; Filename: "{app}\modeldesk.exe"
Name: "{autodesktop}\ModelDesk"; Filename: "{app}\modeldesk.exe"; Tasks: desktopicon

[Registry]
; Windows associates files by their last extension only (".toml", not ".modeldesk.toml"), so
; ModelDesk is offered under "Open with" for .toml files without taking them over.
Root: HKA; Subkey: "Software\Classes\.toml\OpenWithProgids"; ValueType: string; ValueName: "ModelDesk.Experiment"; ValueData: ""; Flags: uninsdeletevalue; Tasks: associate
Root: HKA; Subkey: "Software\Classes\ModelDesk.Experiment"; ValueType: string; ValueName: ""; ValueData: "ModelDesk experiment file"; Flags: uninsdeletekey; Tasks: associate
Root: HKA; Subkey: "Software\Classes\ModelDesk.Experiment\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\modeldesk.exe,0"; Tasks: associate
Root: HKA; Subkey: "Software\Classes\ModelDesk.Experiment\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\modeldesk.exe"" ""%1"""; Tasks: associate
Root: HKA; Subkey: "Software\Classes\Applications\modeldesk.exe\SupportedTypes"; ValueType: string; ValueName: ".toml"; ValueData: ""; Flags: uninsdeletekey

[Run]
Filename: "{app}\modeldesk.exe"; Description: "{cm:LaunchProgram,ModelDesk}"; Flags: nowait postinstall skipifsilent

; Uninstalling removes {app} only: the catalog, logs and settings in the user's profile stay.
