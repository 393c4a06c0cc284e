# The whole Windows build in one command, on a Windows machine with Python 3.11+ and Inno Setup 6:
#
#   powershell -ExecutionPolicy Bypass -File installer\windows\build.ps1
#
# 1. a build environment in .venv-windows (pip install of the program and PyInstaller),
# 2. PyInstaller freezes both programs into dist\usrg-desktop (installer\usrg-desktop.spec),
# 3. installer\smoke_test.py runs them from there (version, demo database, letters, self-test),
# 4. Inno Setup makes dist\usrg-desktop-<version>-setup.exe, a per-user installer (no
#    administrator rights), with the version read from usrg_desktop.__version__.
# Set $env:ISCC to the full path of ISCC.exe if Inno Setup is not in its usual folder.
[CmdletBinding()]
param(
    [string]$Python = "py",
    [switch]$SkipSmokeTest
)
$ErrorActionPreference = "Stop"
$Root = Resolve-Path (Join-Path $PSScriptRoot "..\..")
Set-Location $Root

function Invoke-Step([string]$What, [scriptblock]$Command) {
    Write-Host "== $What"
    & $Command
    if ($LASTEXITCODE -ne 0) { throw "$What failed (exit code $LASTEXITCODE)." }
}

$Venv = Join-Path $Root ".venv-windows"
$VenvPython = Join-Path $Venv "Scripts\python.exe"
if (-not (Test-Path $VenvPython)) {
    Invoke-Step "Creating the build environment $Venv" { & $Python -m venv $Venv }
}
Invoke-Step "Installing USRG Desktop and PyInstaller" {
    & $VenvPython -m pip install --quiet --upgrade pip
    & $VenvPython -m pip install --quiet ".[installer]"
}
$Version = (& $VenvPython -c "import usrg_desktop; print(usrg_desktop.__version__)").Trim()
Write-Host "== USRG Desktop $Version"

Invoke-Step "Freezing with PyInstaller" {
    & (Join-Path $Venv "Scripts\pyinstaller.exe") --noconfirm --clean --distpath dist `
        --workpath build\pyinstaller installer\usrg-desktop.spec
}
if (-not $SkipSmokeTest) {
    Invoke-Step "Smoke test of the frozen folder" {
        $env:QT_QPA_PLATFORM = "offscreen"
        & $VenvPython installer\smoke_test.py dist\usrg-desktop
        Remove-Item Env:QT_QPA_PLATFORM
    }
}

$Iscc = $env:ISCC
if (-not $Iscc) {
    $Iscc = @(
        "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe",
        "$env:ProgramFiles\Inno Setup 6\ISCC.exe",
        "$env:LOCALAPPDATA\Programs\Inno Setup 6\ISCC.exe"
    ) | Where-Object { Test-Path $_ } | Select-Object -First 1
}
if (-not $Iscc) { throw "Inno Setup 6 (ISCC.exe) was not found: install it or set `$env:ISCC." }
$env:USRG_VERSION = $Version
Invoke-Step "Building the installer with Inno Setup" { & $Iscc installer\windows\usrg-desktop.iss }
Write-Host "Built dist\usrg-desktop-$Version-setup.exe"
