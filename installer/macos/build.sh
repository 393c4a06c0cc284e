#!/bin/sh
# The whole macOS build in one command, on a Mac with Python 3.11+ (python.org or Homebrew):
#
#   sh installer/macos/build.sh
#
# 1. a build environment in .venv-macos (pip install of the program and PyInstaller),
# 2. PyInstaller freezes both programs (installer/usrg-desktop.spec) and, on macOS, wraps them
#    in "dist/USRG Desktop.app" (BUNDLE in the spec: icon, version, .usrgpacket documents),
# 3. installer/smoke_test.py runs the programs inside the bundle (version, demo, letters,
#    self-test),
# 4. hdiutil makes dist/usrg-desktop-<version>-macos.dmg with the app and a link to
#    /Applications; a user without administrator rights drags it to ~/Applications instead.
# The app is not signed: set CODESIGN_IDENTITY to sign it with `codesign` (notarising is separate).
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
python=${PYTHON:-python3}
venv="$root/.venv-macos"

[ "$(uname -s)" = Darwin ] || { echo "installer/macos/build.sh runs on macOS only." >&2; exit 1; }
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet ".[installer]"
version=$("$venv/bin/python" -c "import usrg_desktop; print(usrg_desktop.__version__)")
echo "== USRG Desktop $version"

"$venv/bin/pyinstaller" --noconfirm --clean --distpath dist --workpath build/pyinstaller \
    installer/usrg-desktop.spec
app="dist/USRG Desktop.app"
[ -d "$app" ] || { echo "PyInstaller made no $app" >&2; exit 1; }
if [ -n "${CODESIGN_IDENTITY:-}" ]; then
    codesign --deep --force --options runtime --sign "$CODESIGN_IDENTITY" "$app"
fi
QT_QPA_PLATFORM=offscreen "$venv/bin/python" installer/smoke_test.py "$app/Contents/MacOS"

dmg="dist/usrg-desktop-$version-macos.dmg"
staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
cp -R "$app" "$staging/"
ln -s /Applications "$staging/Applications"
rm -f "$dmg"
hdiutil create -volname "USRG Desktop $version" -srcfolder "$staging" -format UDZO "$dmg"
echo "Built $app and $dmg"
