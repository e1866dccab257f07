#!/usr/bin/env bash
# Install the system packages the test suite needs (Debian, run as root).
#
#   - virtuoso-opensource-7-bin / -common: provide `virtuoso-t` and `isql-vt`.
#     The tests start their OWN Virtuoso (tests/support/virtuoso.py) on free
#     127.0.0.1 ports in a temporary folder; they never use a system-wide server.
#     The -bin package ships no init script / service, so nothing grabs
#     8890/1111; we still install under a policy-rc.d that denies service
#     starts, as a belt-and-braces measure.
#   - chromium: for the headless-browser test.
#
# Idempotent: if all binaries are already present, it does nothing (fast).
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive

PACKAGES=(virtuoso-opensource-7-bin virtuoso-opensource-7-common chromium)

have_all() {
    command -v virtuoso-t >/dev/null 2>&1 &&
    command -v isql-vt >/dev/null 2>&1 &&
    command -v chromium >/dev/null 2>&1
}

if have_all; then
    echo "install-system-deps: virtuoso-t, isql-vt and chromium already present; nothing to do."
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo -E"
    else
        echo "install-system-deps: must run as root (or with sudo available)." >&2
        exit 1
    fi
fi

# Deny service starts during the install (restored afterwards if we created it).
POLICY=/usr/sbin/policy-rc.d
CREATED_POLICY=0
if [ ! -e "$POLICY" ]; then
    $SUDO sh -c "printf '#!/bin/sh\nexit 101\n' > $POLICY && chmod 755 $POLICY"
    CREATED_POLICY=1
fi
cleanup() {
    if [ "$CREATED_POLICY" = 1 ]; then
        $SUDO rm -f "$POLICY"
    fi
}
trap cleanup EXIT

$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    "${PACKAGES[@]}"

# Should a system-wide Virtuoso service exist anyway (e.g. the full
# virtuoso-opensource-7 package got pulled in), make sure it is not running.
if command -v service >/dev/null 2>&1 && [ -e /etc/init.d/virtuoso-opensource-7 ]; then
    $SUDO service virtuoso-opensource-7 stop >/dev/null 2>&1 || true
fi

for bin in virtuoso-t isql-vt chromium; do
    if ! command -v "$bin" >/dev/null 2>&1; then
        echo "install-system-deps: '$bin' still missing after install" >&2
        exit 1
    fi
done
vver=$( { virtuoso-t -? 2>&1 || true; } | grep -m1 -i '^version' || true)
cver=$(chromium --version 2>/dev/null || true)
echo "install-system-deps: OK (virtuoso-t ${vver:-present}; ${cver:-chromium present})"
