#!/usr/bin/env bash
# Packaging smoke test: build the lean bundle, run it offline, install the .deb, run it again,
# remove it. Needs root (apt-get, dpkg -i) and ~12 GB of free disk. Takes 6-12 minutes on 2 cores.
#
#   sudo packaging/smoke_test.sh                 install what is missing, build, then test
#   sudo SKIP_BUILD=1 packaging/smoke_test.sh    test the bundle and .deb already in packaging/dist
#   sudo packaging/smoke_test.sh --skip-build    the same
#
# It first installs the Debian packages it needs (only those missing), never the Wayland client
# libraries: it proves the app starts without them. Every check prints "ok: ..." or stops the
# script with "FAIL: ..." and exit status 1.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
DIST=packaging/dist
BUNDLE=$DIST/lean/modeldesk
SAMPLES=$BUNDLE/_internal/resources/samples
WORK=$(mktemp -d /tmp/modeldesk-smoke.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
[[ ${1:-} == --skip-build ]] && SKIP_BUILD=1

ok() { echo "ok: $*"; }
fail() { printf "FAIL: %b\n" "$*" >&2; exit 1; }
step() { echo; echo "== $*"; }

# Debian packages it needs, installed when missing: binutils (PyInstaller runs objdump); the
# libraries Qt's xcb plugin links, which PyInstaller copies into the bundle from this machine;
# Xvfb and xwininfo for the xcb start; desktop-file-validate, gio, the MIME cache, xdg-mime
# and its `mimetype` (libfile-mimeinfo-perl; without it xdg-mime asks file(1): text/plain).
PREREQUISITES=(binutils
    libgl1 libegl1 libfontconfig1 libfreetype6 libglib2.0-0 libdbus-1-3 libx11-6 libx11-xcb1
    libxcb1 libxcb-cursor0 libxcb-glx0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
    libxcb-randr0 libxcb-render0 libxcb-render-util0 libxcb-shape0 libxcb-shm0 libxcb-sync1
    libxcb-util1 libxcb-xfixes0 libxcb-xkb1 libxkbcommon0 libxkbcommon-x11-0 xkb-data
    xvfb xauth x11-utils desktop-file-utils xdg-utils libfile-mimeinfo-perl libglib2.0-bin
    shared-mime-info)
step "prerequisites"
[[ $(id -u) == 0 ]] || fail "run as root (apt-get and dpkg -i): sudo $0"
missing=()
for package in "${PREREQUISITES[@]}"; do
    [[ $(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null) == installed ]] \
        || missing+=("$package")
done
if (( ${#missing[@]} )); then
    echo "installing the missing prerequisites: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } \
        || fail "apt-get could not install: ${missing[*]}"
fi
ok "${#PREREQUISITES[@]} Debian packages present (${#missing[@]} installed now)"
[[ -x $PYTHON ]] || fail "no $PYTHON: create the project's venv first (README.md)"
if [[ -z ${SKIP_BUILD:-} ]] && ! "$PYTHON" -c 'import PyInstaller' 2>/dev/null; then
    echo "installing the packaging extra (PyInstaller): pip install -e '.[packaging]'"
    "$PYTHON" -m pip install -q -e '.[packaging]' || fail "pip install -e '.[packaging]'"
fi
ok "python: $("$PYTHON" --version)"

# No network for the app: a private network namespace where root may make one.
if unshare -n true 2>/dev/null; then
    offline() { unshare -n "$@"; }
    echo "network: the app runs in 'unshare -n' (no network at all)"
else
    offline() { "$@"; }
    echo "network: unshare -n is not available; the app runs with the network present"
fi

# A fresh user: catalog, logs and settings must land in this home, never in the bundle.
export HOME=$WORK/home XDG_CONFIG_HOME= XDG_DATA_HOME= XDG_STATE_HOME= XDG_CACHE_HOME=
unset MODELDESK_CATALOG MODELDESK_LOG_DIR XDG_CONFIG_HOME XDG_DATA_HOME XDG_STATE_HOME \
    XDG_CACHE_HOME
mkdir -p "$HOME"
export QT_QPA_PLATFORM=offscreen

if [[ -z ${SKIP_BUILD:-} ]]; then
    step "build the lean bundle, the .deb and the .tar.gz"
    started=$(date +%s)
    "$PYTHON" packaging/build.py --flavour lean --deb --tarball
    ok "built in $(( $(date +%s) - started )) s"
fi
[[ -x $BUNDLE/modeldesk ]] || fail "no bundle at $BUNDLE (build first or unset SKIP_BUILD)"
echo "bundle: $(du -sh "$BUNDLE" | cut -f1) in $BUNDLE"
touch "$WORK/before"

step "frozen binary: libraries resolve"
# packaging/linux/elf_groups.py says which ELF files are required and which optional plugins;
# elf_needs.py fails on a required library that does not resolve and reports the others.
"$PYTHON" packaging/linux/elf_needs.py "$BUNDLE" \
    || fail "a library the app needs does not resolve (the REQUIRED lines above)"
ok "every library of the required ELF files resolves"

step "frozen binary: --version"
version=$(offline "$BUNDLE/modeldesk" --version)
[[ $version == "ModelDesk "* ]] || fail "--version printed '$version'"
ok "$version"

step "frozen binary: --inspect and --batch on the bundled sample"
offline "$BUNDLE/modeldesk" --inspect "$SAMPLES/topics.csv" | head -3
offline "$BUNDLE/modeldesk" --batch "$SAMPLES/experiments.toml" \
    --catalog "$WORK/batch.sqlite" --summary-json "$WORK/summary.json" | tail -7
runs=$("$PYTHON" -c "import json,sys; r=json.load(open(sys.argv[1]))['runs']
print(sum(x['status'] == 'completed' for x in r), 'of', len(r))" "$WORK/summary.json")
ok "--batch completed $runs runs, exit 0"

step "frozen binary: --self-test without the Wayland client libraries (offscreen, xcb)"
qt=$BUNDLE/_internal/PySide6/Qt
for plugin in "$qt"/plugins/platforms/lib{qxcb,qoffscreen}.so "$qt"/plugins/xcbglintegrations/*.so
do  # with only the bundle's folders on the path: what the loader takes from the bundle
    needs=$(LD_LIBRARY_PATH=$BUNDLE/_internal:$qt/lib ldd "$plugin") || fail "ldd $plugin"
    [[ ! $needs =~ wayland ]] || fail "$plugin needs Wayland:\n$(grep wayland <<<"$needs")"
done
ok "ldd: the xcb and offscreen platform plugins need no Wayland library"
wayland=$(ldconfig -p | awk '/libwayland-(cursor|egl)\.so/ {print $NF}' | xargs -r realpath \
    | sort -u | paste -sd' ')
if [[ -z $wayland ]]; then
    ok "libwayland-cursor.so.0 and libwayland-egl.so.1 are not installed (ldconfig -p)"
    no_wayland() { offline "$@"; }
else  # hide them for these runs only: /dev/null over them in a private mount namespace
    echo "installed: $wayland; hidden from the app in a private mount namespace"
    # shellcheck disable=SC2016 - expanded by the inner bash
    no_wayland() { offline env HIDE="$wayland" unshare -m bash -c \
        'for f in $HIDE; do mount --bind /dev/null "$f"; done; exec "$@"' bash "$@"; }
fi
no_wayland "$BUNDLE/modeldesk" --self-test || fail "--self-test of the bundle"
ok "self-test of the bundle (offscreen)"
# --self-test always draws offscreen (app/selftest.py), so start the window itself on xcb.
mkdir -p "$WORK/xcb-home"
# shellcheck disable=SC2016 - expanded by the inner bash
no_wayland env HOME="$WORK/xcb-home" xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
    env -u WAYLAND_DISPLAY QT_QPA_PLATFORM=xcb "$1" >"$2" 2>&1 & app=$!
    for _ in $(seq 90); do
        if xwininfo -root -tree | grep -q "\"ModelDesk\""; then  # mapped; still up 3 s on?
            sleep 3; kill -0 $app || exit 1; kill $app; wait $app; exit 0
        fi
        kill -0 $app 2>/dev/null || exit 1
        sleep 1
    done; kill $app; exit 1' bash "$BUNDLE/modeldesk" "$WORK/xcb.log" \
    || fail "no window on the xcb platform under Xvfb:\n$(tail -20 "$WORK/xcb.log")"
ok "the window opened on the xcb platform under Xvfb"

written=$(find "$BUNDLE" -newer "$WORK/before" | head -5)
[[ -z $written ]] || fail "the app wrote inside its own folder: $written"
ok "nothing written inside the bundle"
echo "what the app wrote in the (fresh) user's home:"
find "$HOME" -type f | sed "s|^$HOME|  ~|"

step "install the .deb"
deb=$(ls -t $DIST/modeldesk_*_amd64-lean.deb | head -1)
echo "package: $(du -h "$deb" | cut -f1) $deb"
for field in Depends Recommends Suggests; do echo "  $field: $(dpkg-deb -f "$deb" "$field")"; done
[[ ! $(dpkg-deb -f "$deb" Depends) =~ libwayland-(cursor|egl) ]] \
    || fail "Depends names the Wayland plugin's libraries"
ok "Depends holds no optional plugin's library"
dpkg -i "$deb"
desktop=/usr/share/applications/modeldesk.desktop
[[ -f $desktop ]] || fail "no menu entry at $desktop"
desktop-file-validate "$desktop" || fail "desktop-file-validate $desktop"
grep -q '^Exec=/opt/modeldesk/modeldesk %f$' "$desktop" || fail "Exec line of $desktop"
ok "menu entry $desktop is valid"
[[ -f /usr/share/icons/hicolor/256x256/apps/modeldesk.png ]] || fail "icon not installed"
ok "icon installed in the hicolor theme"
[[ $(command -v modeldesk) == /usr/bin/modeldesk ]] || fail "no modeldesk command on PATH"
ok "$(modeldesk --version) from $(command -v modeldesk)"
printf '[[experiment]]\ndataset = "shapes"\nmodel = "mlp"\n' > "$WORK/runs.modeldesk.toml"
cp "$WORK/runs.modeldesk.toml" "$WORK/runs.toml"
printf '[project]\nname = "not-an-experiment"\n' > "$WORK/pyproject.toml"
mime_of() { gio info -a standard::content-type "$1" | sed -n 's/.*content-type: //p'; }
for file in "$WORK/runs.modeldesk.toml" "$WORK/runs.toml"; do  # GLib (file managers): name,
    type=$(mime_of "$file")                                   # then content
    [[ $type == application/x-modeldesk-experiment ]] || fail "$file is $type"
done
type=$(mime_of "$WORK/pyproject.toml")
[[ $type == application/toml ]] || fail "pyproject.toml is $type"
ok "experiment files are application/x-modeldesk-experiment by name and by content"
type=$(xdg-mime query filetype "$WORK/runs.modeldesk.toml")
[[ $type == application/x-modeldesk-experiment ]] || fail "xdg-mime: runs.modeldesk.toml is $type"
handler=$(xdg-mime query default application/x-modeldesk-experiment)
[[ $handler == modeldesk.desktop ]] || fail "experiment files open with '$handler'"
ok "experiment files open with $handler"

step "installed app: --self-test, then a run into the user's catalog"
offline modeldesk --self-test || fail "modeldesk --self-test after installing"
printf '[[experiment]]\ndataset = "%s"\nmodel = "mlp"\nepochs = 1\n' \
    "/opt/modeldesk/_internal/resources/samples/shapes" > "$WORK/one.toml"
offline modeldesk --batch "$WORK/one.toml" | tail -3
catalog=$HOME/.local/share/ModelDesk/catalog.sqlite
[[ -f $catalog ]] || fail "the run did not land in the user's catalog $catalog"
ok "user catalog at $catalog"

step "remove the package"
dpkg -r modeldesk
for path in /opt/modeldesk /usr/bin/modeldesk "$desktop" \
        /usr/share/icons/hicolor/256x256/apps/modeldesk.png /usr/share/mime/packages/modeldesk.xml
do
    [[ ! -e $path ]] || fail "$path is still there after dpkg -r"
done
ok "bundle, command, menu entry, icon and MIME type removed"
[[ -f $catalog ]] || fail "removing the package removed the user's catalog"
ok "the user's catalog is still there"
echo
echo "smoke test passed"
