#!/usr/bin/env bash
# Screenshot of the installed app started from its menu entry, under Xvfb.
# Needs the .deb installed, xvfb-run (xvfb, xauth), gio (libglib2.0-bin), ImageMagick.
#   packaging/linux/screenshot.sh [OUT.png]      default: docs/screenshots/installed.png
set -euo pipefail
out=${1:-docs/screenshots/installed.png}
mkdir -p "$(dirname "$out")"
export MODELDESK_SHOT_OUT=$(realpath "$out")
# A first start for a new user: the bundled sample, the default catalog, default geometry.
HOME=$(mktemp -d /tmp/modeldesk-shot-home.XXXXXX)
export HOME
# shellcheck disable=SC2016 - expanded inside the Xvfb session
xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
    unset QT_QPA_PLATFORM
    gio launch /usr/share/applications/modeldesk.desktop
    for _ in $(seq 60); do  # wait for the window to be mapped
        xwininfo -root -tree 2>/dev/null | grep -q "\"ModelDesk\"" && break
        sleep 1
    done
    sleep 8  # the sample dataset loads and the page fills in
    /usr/bin/import -window root "$MODELDESK_SHOT_OUT"
'
rm -rf "$HOME"
echo "wrote $out"
