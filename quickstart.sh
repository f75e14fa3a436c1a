#!/bin/sh
# quickstart.sh: from a fresh clone to a running demo or a full test run.
#
#   ./quickstart.sh demo     install missing build dependencies (apt-get), build,
#                            and run `make demo` (ntpd on loopback, queried)
#   ./quickstart.sh check    the same, then build and run every test (`make check`),
#                            then the sanitizer stage (below)
#
# Builds go to build/ (and build-sanitizers/), out of the source tree. Extra
# ./configure options can be passed in CONFIGURE_FLAGS (CI uses --enable-werror).
# Re-running is cheap: configure runs only once per build directory.
#
# Sanitizer stage of `check` (skip it with QUICKSTART_SKIP_SANITIZERS=1): a
# second build in build-sanitizers/ with clang, AddressSanitizer + UBSan and
# the libFuzzer targets (CXX=clang++ --enable-sanitizers --enable-fuzzers),
# its whole `make check`, then `make fuzz` (each fuzz target for FUZZ_SECONDS,
# default 30). One summary line per stage; non-zero exit if any stage fails.
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
# Classic ntp, built from its source for side-by-side tests (tests/lib/classic.sh).
if [ "$what" = check ]; then
    deps="$deps bison perl"
    # The package test (tests/package/deb.sh) builds and verifies the .debs.
    deps="$deps dpkg-dev debhelper systemd git"
fi
# The sanitizer stage: clang with its compiler-rt (ASan, UBSan, libFuzzer).
if [ "$what" = check ] && [ "${QUICKSTART_SKIP_SANITIZERS:-0}" != 1 ]; then
    deps="$deps clang libclang-rt-14-dev"
fi
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

jobs=$(nproc 2>/dev/null || echo 2)
# A tree configured in place (an older quickstart, or ./configure by hand) is
# used as it is; otherwise the build goes to build/, which keeps the source
# tree clean for the VPATH sanitizer build.
if [ -f config.status ]; then
    build=.
else
    build=build
    mkdir -p "$build"
    [ -f "$build/Makefile" ] || (cd "$build" && ../configure ${CONFIGURE_FLAGS:-})
fi
make -C "$build" -j"$jobs"

# "LABEL: N passed, N failed, N skipped" from an automake test-suite.log.
check_summary() {
    _log=$2/test-suite.log
    if [ ! -f "$_log" ]; then
        echo "$1: no test-suite.log (the build failed)"
        return
    fi
    _total=$(sed -n 's/^# TOTAL: *//p' "$_log" | head -n1)
    _pass=$(sed -n 's/^# PASS: *//p' "$_log" | head -n1)
    _skip=$(sed -n 's/^# SKIP: *//p' "$_log" | head -n1)
    _xfail=$(sed -n 's/^# XFAIL: *//p' "$_log" | head -n1)
    _bad=$(( ${_total:-0} - ${_pass:-0} - ${_skip:-0} - ${_xfail:-0} ))
    echo "$1: ${_pass:-0} passed, $_bad failed, ${_skip:-0} skipped"
}

# The last lines of each failed test's log, so a CI report shows why.
show_failures() {
    [ -f "$1/test-suite.log" ] || return 0
    for _t in $(sed -n 's/^\(FAIL\|ERROR\): //p' "$1/test-suite.log" | sort -u); do
        _l="$1/${_t%.sh}.log"
        [ -f "$_l" ] || _l="$1/$_t.log"
        [ -f "$_l" ] || continue
        echo "== $1: $_t failed; the end of its log =="
        tail -n 25 "$_l"
    done
}

case "$what" in
    demo) make -C "$build" demo ;;
    check)
        status=0
        make -C "$build" -j"$jobs" check || { status=1; show_failures "$build"; }
        summary=$(check_summary check "$build")
        echo "$summary"

        if [ "${QUICKSTART_SKIP_SANITIZERS:-0}" != 1 ]; then
            started=$(date +%s)
            san=build-sanitizers
            if [ "$build" = . ]; then
                line="check (asan+ubsan): not run: the source tree is configured in place (make distclean, then re-run)"
                echo "$line"
                summary="$summary
$line"
                status=1
            else
                mkdir -p "$san"
                san_ok=1
                if [ ! -f "$san/Makefile" ]; then
                    (cd "$san" && CXX=clang++ ../configure --enable-sanitizers --enable-fuzzers \
                        ${CONFIGURE_FLAGS:-}) || san_ok=0
                fi
                [ "$san_ok" = 1 ] && { make -C "$san" -j"$jobs" || san_ok=0; }
                [ "$san_ok" = 1 ] && { make -C "$san" -j"$jobs" check || { status=1; show_failures "$san"; }; }
                [ "$san_ok" = 1 ] || status=1
                line=$(check_summary "check (asan+ubsan)" "$san")
                echo "$line"
                summary="$summary
$line"
                if [ "$san_ok" = 1 ]; then
                    make -C "$san" fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-30}" >"$san/fuzz.log" 2>&1 || status=1
                    cat "$san/fuzz.log"
                    line=$(grep -E '^fuzz(_[a-z_]+)?: ' "$san/fuzz.log" || true)
                    [ -n "$line" ] || line="fuzz: did not run (see $san/fuzz.log)"
                else
                    line="fuzz: not run (the sanitizer build failed)"
                fi
                summary="$summary
$line"
            fi
            echo "quickstart: sanitizer stage took $(( $(date +%s) - started )) s"
        fi
        # One plain summary block for humans and CI.
        echo "== summary =="
        echo "$summary"
        exit "$status"
        ;;
esac
