#!/bin/sh
# tests/lib/classic.sh: classic ntp (ntpd 4.2.8's code line) for side-by-side tests.
#
# Builds the classic source tarball once into a cache directory with the build
# script that comes with it (`$shared_dir/classic-ntp/build.sh PREFIX`: ntpd,
# ntpq, ntpdc, ntpdate, sntp, ntptime, ntp-keygen, ntp-wait, ntptrace; LOCAL,
# SHM, NMEA and PPS drivers) and prints the paths of its programs.
#
#   sourced, from a test (after tests/lib/harness.sh):
#       . "$top_srcdir/tests/lib/classic.sh"
#       classic_prefetch                 # before harness_netns (a build can take minutes)
#       harness_netns "$@"
#       classic_ntpd=$(classic_path sbin/ntpd) || exit $?   # 77 = skip
#       classic_ntpq=$(classic_path bin/ntpq) || exit $?
#
#   called:
#       sh tests/lib/classic.sh              # build, print the prefix
#
# Classic ntpd adjusts the clock: start it only through the harness (start_bg,
# run_nocap), which drops CAP_SYS_TIME, and with `disable ntp` in its config.
#
# Environment:
#   NTP_CLASSIC_CACHE   install prefix (default $HOME/.cache/ntp-suite-classic)
#   shared_dir          where classic-ntp/ lives (set by make check)

classic_prefix() {
    echo "${NTP_CLASSIC_CACHE:-${HOME:-/tmp}/.cache/ntp-suite-classic}"
}

# Builds classic ntp into the cache unless it is there. Parallel tests wait on
# a lock in the cache's parent directory; a failed build is remembered (a
# stamp with its log) so every test does not retry it.
classic_build() {
    _cp=$(classic_prefix)
    [ -x "$_cp/sbin/ntpd" ] && return 0
    _script="${shared_dir:-}/classic-ntp/build.sh"
    [ -f "$_script" ] || { echo "classic.sh: $_script not found" >&2; return 77; }
    mkdir -p "$(dirname "$_cp")" || return 77
    _lock="$_cp.lock"
    (
        if command -v flock >/dev/null 2>&1; then flock 9 || exit 77; fi
        [ -x "$_cp/sbin/ntpd" ] && exit 0
        if [ -f "$_cp.failed" ]; then
            echo "classic.sh: an earlier build failed (see $_cp.failed; remove it to retry)" >&2
            exit 77
        fi
        if ! bash "$_script" "$_cp" >"$_cp.log" 2>&1; then
            mv "$_cp.log" "$_cp.failed"
            echo "classic.sh: building classic ntp failed (see $_cp.failed)" >&2
            exit 77
        fi
    ) 9>"$_lock"
}

# Outside a test namespace, build now (the build needs no network, but it is
# slow and better done once before the parallel tests that need it).
classic_prefetch() {
    [ -n "${HARNESS_IN_NETNS:-}" ] && return 0
    classic_build 2>/dev/null || true
}

# Prints PREFIX/$1 (e.g. sbin/ntpd, bin/ntpq) or returns 77 with the reason.
classic_path() {
    classic_build || return 77
    _p="$(classic_prefix)/$1"
    [ -x "$_p" ] && { echo "$_p"; return 0; }
    echo "classic.sh: $_p is missing after the build" >&2
    return 77
}

case "${0##*/}" in
classic.sh)
    set -u
    classic_build || exit 77
    classic_prefix
    ;;
esac
