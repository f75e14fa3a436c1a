# tests/e2e/server_common.sh: helpers shared by the server_*.sh tests.
# Source after tests/lib/harness.sh and harness_netns.
#
#   server_start CONF [ntpd args...]   start our ntpd in the foreground with
#                                      --no-adjust; sets SERVER_PID, SERVER_LOG
#   probe [ntp_probe args...] ADDR     run tests/e2e/ntp_probe (see its header)
#   wait_for_stratum ADDR N SECONDS    until a reply shows stratum N
#   flood_require                      skip unless ntpq is built; fail unless
#                                      tests/e2e/ntp_flood ($FLOOD) is

PROBE="$top_builddir/tests/e2e/ntp_probe"
FLOOD="$top_builddir/tests/e2e/ntp_flood"

server_require() {
    [ -x "$NTPD" ] || skip "ntpd is not built"
    [ -x "$PROBE" ] || skip "ntp_probe is not built (make check builds it)"
}

server_start() {
    _conf=$1
    shift
    SERVER_LOG="$HARNESS_TMP/ntpd.log"
    # A second server_start in one test must not see the first run's lines.
    rm -f "$SERVER_LOG"
    start_bg SERVER_PID "$SERVER_LOG" "$NTPD" -n --no-adjust -c "$_conf" "$@"
    wait_until 10 grep -q "Listen normally on" "$SERVER_LOG" ||
        { cat "$SERVER_LOG" >&2; fail "ntpd did not start listening"; }
}

flood_require() {
    server_require
    [ -x "$NTPQ" ] || skip "ntpq is not built"
    [ -x "$FLOOD" ] || fail "$FLOOD not built (make check builds it)"
}

probe() {
    "$PROBE" "$@"
}

wait_for_stratum() {
    wait_until "$3" sh -c "'$PROBE' '$1' | grep -q 'stratum=$2 '"
}
