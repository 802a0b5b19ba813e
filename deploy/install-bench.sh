#!/usr/bin/env bash
# Install the Smart Bench kiosk on a bench computer (Raspberry Pi OS 12 / Debian 12), as root:
#
#     sudo deploy/install-bench.sh smart_bench-0.2.0-py3-none-any.whl
#
# Installs the kiosk only: the wheel's [kiosk] extra at the versions of deploy/constraints-bench.txt,
# in its own virtual environment /opt/smart-bench/releases/<version>, with /opt/smart-bench/current
# pointing at it (an older release stays beside it to go back to). No server, no test tools, no
# browser. Then the system part: the Debian packages the kiosk's window and speech need, the
# `bench` user, and the systemd unit deploy/systemd/smart-bench-kiosk.service.
#
#     --prefix DIR   install under DIR instead of /opt/smart-bench
#     --no-system    only the virtual environment: no apt-get, no user, no unit (for tests, or
#                    when the system part is done already)
set -euo pipefail

DEBIAN_PACKAGES=(python3-venv libgl1 libegl1 libgles2 libgl1-mesa-dri libegl-mesa0 libmtdev1 espeak-ng)
DEFAULT_PREFIX=/opt/smart-bench

die() { echo "install-bench: $*" >&2; exit 2; }

prefix=$DEFAULT_PREFIX
system=1
wheel=
while [[ $# -gt 0 ]]; do
    case $1 in
        --prefix) [[ $# -ge 2 ]] || die "--prefix needs a folder"; prefix=$2; shift 2 ;;
        --no-system) system=0; shift ;;
        -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) die "unknown option $1 (see --help)" ;;
        *) [[ -z $wheel ]] || die "one wheel only"; wheel=$1; shift ;;
    esac
done
[[ -n $wheel ]] || die "usage: install-bench.sh [--prefix DIR] [--no-system] smart_bench-<version>-py3-none-any.whl"
[[ -f $wheel ]] || die "no such file: $wheel"
name=$(basename "$wheel")
[[ $name =~ ^smart_bench-([^-]+)-py3-none-any\.whl$ ]] || die "$name is not a Smart Bench wheel"
version=${BASH_REMATCH[1]}
wheel=$(cd "$(dirname "$wheel")" && pwd)/$name
deploy=$(cd "$(dirname "$0")" && pwd)
[[ $system == 0 || $(id -u) == 0 ]] || die "run as root (or with --no-system)"
python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' || die "Python 3.11 or newer is needed"

if [[ $system == 1 ]]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${DEBIAN_PACKAGES[@]}"
    if ! id bench >/dev/null 2>&1; then
        groups=dialout,video,input,audio
        if getent group render >/dev/null; then groups=$groups,render; fi
        useradd --system --create-home --home-dir /var/lib/smart-bench --shell /usr/sbin/nologin \
            --groups "$groups" bench
    fi
fi

release=$prefix/releases/$version
[[ ! -e $release ]] || die "$version is installed already in $release (remove it to install it again)"
mkdir -p "$prefix/releases"
python3 -m venv "$release"
if ! "$release/bin/pip" install -q --disable-pip-version-check -c "$deploy/constraints-bench.txt" "${wheel}[kiosk]"; then
    rm -rf "$release"
    die "pip could not install $name; nothing was changed"
fi
installed=$("$release/bin/smart-bench-kiosk" --version)
[[ $installed == "$version" ]] || die "the new kiosk reports version '$installed', expected $version"
# Switch in one rename, so `current` is never missing.
ln -sfn "releases/$version" "$prefix/current.new"
mv -T "$prefix/current.new" "$prefix/current"
echo "install-bench: kiosk $version in $release; $prefix/current points at it"

if [[ $system == 1 ]]; then
    sed "s|$DEFAULT_PREFIX/current|$prefix/current|g" "$deploy/systemd/smart-bench-kiosk.service" \
        > /etc/systemd/system/smart-bench-kiosk.service
    install -d -m 0750 -o root -g bench /etc/smart-bench
    systemctl daemon-reload
    systemctl disable --now getty@tty1 >/dev/null 2>&1 || true  # no login prompt behind the kiosk
    systemctl enable smart-bench-kiosk
    if [[ -f /etc/smart-bench/kiosk.toml ]]; then
        systemctl restart smart-bench-kiosk
    else
        echo "install-bench: now write /etc/smart-bench/kiosk.toml (owner bench, mode 0600; see" \
             "docs/operations.md) and run: systemctl start smart-bench-kiosk"
    fi
fi
