#!/bin/sh
# quickstart.sh: from a fresh clone to a running demo or a full test run.
#
#   ./quickstart.sh demo     install missing build dependencies (apt-get), build,
#                            and run `make demo` (ntpd on loopback, queried)
#   ./quickstart.sh check    the same, then build and run every test (`make check`)
#
# Extra ./configure options can be passed in CONFIGURE_FLAGS (CI uses
# --enable-werror). Re-running is cheap: configure runs only once.
set -eu
cd "$(dirname "$0")"

what=${1:-demo}
case "$what" in
    demo | check | build) ;;
    *) echo "usage: $0 demo|check|build" >&2; exit 2 ;;
esac

# Debian packages needed to build and test. Checked one by one so a machine
# that has them all never calls apt-get.
deps="build-essential autoconf automake libtool pkg-config libevent-dev libssl-dev \
catch2 libcap-dev libcap2-bin iproute2 util-linux libseccomp-dev"
missing=""
for p in $deps; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "quickstart: installing:$missing"
    sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing
fi

[ -x configure ] || autoreconf -fi
[ -f Makefile ] || ./configure ${CONFIGURE_FLAGS:-}

jobs=$(nproc 2>/dev/null || echo 2)
make -j"$jobs"

case "$what" in
    demo) make demo ;;
    check)
        status=0
        make -j"$jobs" check || status=$?
        # One plain summary line for humans and CI.
        if [ -f test-suite.log ]; then
            total=$(sed -n 's/^# TOTAL: *//p' test-suite.log | head -n1)
            pass=$(sed -n 's/^# PASS: *//p' test-suite.log | head -n1)
            skip=$(sed -n 's/^# SKIP: *//p' test-suite.log | head -n1)
            xfail=$(sed -n 's/^# XFAIL: *//p' test-suite.log | head -n1)
            bad=$(( ${total:-0} - ${pass:-0} - ${skip:-0} - ${xfail:-0} ))
            echo "check: ${pass:-0} passed, $bad failed, ${skip:-0} skipped"
        fi
        exit "$status"
        ;;
esac
