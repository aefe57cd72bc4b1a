#!/usr/bin/env bash
# Packaging smoke test: build the lean bundle, run it offline, install the .deb, run it again,
# remove it. Needs root (dpkg -i), dpkg-deb, and ~8 GB of free disk. Takes 10-20 minutes.
#
#   sudo packaging/smoke_test.sh            build, then test
#   SKIP_BUILD=1 packaging/smoke_test.sh    test the bundle and .deb already in packaging/dist
#
# Every check prints "ok: ..." or stops the script with "FAIL: ..." and exit status 1.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
DIST=packaging/dist
BUNDLE=$DIST/lean/modeldesk
SAMPLES=$BUNDLE/_internal/resources/samples
WORK=$(mktemp -d /tmp/modeldesk-smoke.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

ok() { echo "ok: $*"; }
fail() { printf "FAIL: %b\n" "$*" >&2; exit 1; }
step() { echo; echo "== $*"; }

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
missing=$(find "$BUNDLE" -name '*.so*' -type f -print0 \
    | LD_LIBRARY_PATH=$(find "$BUNDLE" -name '*.so*' -printf '%h\n' | sort -u | paste -sd:) \
      xargs -0 -n 50 ldd 2>/dev/null | grep 'not found' | sort -u \
    | grep -v -E 'lib(gtk|gdk)-3\.so' || true)  # Qt's GTK theme plugin: loads only on GTK desktops
[[ -z $missing ]] || fail "libraries the bundle needs are missing:\n$missing"
ok "every NEEDED library of the bundle's ELF files resolves"

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

step "frozen binary: --self-test"
offline "$BUNDLE/modeldesk" --self-test || fail "--self-test of the bundle"
ok "self-test of the bundle"

written=$(find "$BUNDLE" -newer "$WORK/before" | head -5)
[[ -z $written ]] || fail "the app wrote inside its own folder: $written"
ok "nothing written inside the bundle"
echo "what the app wrote in the (fresh) user's home:"
find "$HOME" -type f | sed "s|^$HOME|  ~|"

step "install the .deb"
deb=$(ls -t $DIST/modeldesk_*_amd64-lean.deb | head -1)
echo "package: $(du -h "$deb" | cut -f1) $deb"
dpkg -i "$deb"
desktop=/usr/share/applications/modeldesk.desktop
[[ -f $desktop ]] || fail "no menu entry at $desktop"
if command -v desktop-file-validate >/dev/null; then
    desktop-file-validate "$desktop" || fail "desktop-file-validate $desktop"
fi
grep -q '^Exec=/opt/modeldesk/modeldesk %f$' "$desktop" || fail "Exec line of $desktop"
ok "menu entry $desktop is valid"
[[ -f /usr/share/icons/hicolor/256x256/apps/modeldesk.png ]] || fail "icon not installed"
ok "icon installed in the hicolor theme"
[[ $(command -v modeldesk) == /usr/bin/modeldesk ]] || fail "no modeldesk command on PATH"
ok "$(modeldesk --version) from $(command -v modeldesk)"
printf '[[experiment]]\ndataset = "shapes"\nmodel = "mlp"\n' > "$WORK/runs.modeldesk.toml"
cp "$WORK/runs.modeldesk.toml" "$WORK/runs.toml"
printf '[project]\nname = "not-an-experiment"\n' > "$WORK/pyproject.toml"
if command -v gio >/dev/null; then  # GLib's detection (file managers): name, then content
    mime_of() { gio info -a standard::content-type "$1" | sed -n 's/.*content-type: //p'; }
    for file in "$WORK/runs.modeldesk.toml" "$WORK/runs.toml"; do
        type=$(mime_of "$file")
        [[ $type == application/x-modeldesk-experiment ]] || fail "$file is $type"
    done
    type=$(mime_of "$WORK/pyproject.toml")
    [[ $type == application/toml ]] || fail "pyproject.toml is $type"
    ok "experiment files are application/x-modeldesk-experiment by name and by content"
fi
if command -v xdg-mime >/dev/null; then
    type=$(xdg-mime query filetype "$WORK/runs.modeldesk.toml")
    [[ $type == application/x-modeldesk-experiment ]] || fail "xdg-mime: runs.modeldesk.toml is $type"
    handler=$(xdg-mime query default application/x-modeldesk-experiment)
    [[ $handler == modeldesk.desktop ]] || fail "experiment files open with '$handler'"
    ok "experiment files open with $handler"
fi

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
