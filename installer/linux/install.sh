#!/bin/sh
# Install the frozen folder (dist/usrg-desktop from `make installer`) for the current user:
# the programs under ~/.local/lib, links in ~/.local/bin, the menu entry and the file type of
# review packets, so a reviewer double-clicks a packet to open it in reviewer mode.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dist=${1:-"$here/../../dist/usrg-desktop"}
prefix=${PREFIX:-"$HOME/.local"}
[ -x "$dist/usrg-desktop" ] || { echo "No frozen program in $dist: run 'make installer' first." >&2; exit 1; }
icons="$prefix/share/icons/hicolor"
mkdir -p "$prefix/lib" "$prefix/bin" "$prefix/share/applications" "$prefix/share/mime/packages" \
         "$icons/256x256/apps" "$icons/scalable/apps"
rm -rf "$prefix/lib/usrg-desktop"
cp -R "$dist" "$prefix/lib/usrg-desktop"
ln -sf "$prefix/lib/usrg-desktop/usrg-desktop" "$prefix/bin/usrg-desktop"
ln -sf "$prefix/lib/usrg-desktop/usrg" "$prefix/bin/usrg"
cp "$here/usrg-desktop.desktop" "$prefix/share/applications/"
cp "$here/usrg-review-packet.xml" "$prefix/share/mime/packages/"
cp "$dist/_internal/usrg_desktop/_shipped/resources/icons/usrg-desktop.png" "$icons/256x256/apps/"
cp "$dist/_internal/usrg_desktop/_shipped/resources/icons/usrg-desktop.svg" "$icons/scalable/apps/"
command -v update-mime-database >/dev/null && update-mime-database "$prefix/share/mime" || true
command -v update-desktop-database >/dev/null && update-desktop-database "$prefix/share/applications" || true
echo "USRG Desktop installed in $prefix/lib/usrg-desktop; run usrg-desktop or open a .usrgpacket file."
