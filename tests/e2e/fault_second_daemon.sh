#!/bin/sh
# A second ntpd while one already holds port 123: like classic ntpd, the
# second cannot bind the wildcard address, says so in classic's words and
# exits with status 1 at once; the first keeps serving. Classic ntpd, built
# from source, is run the same way in the same namespace and must say and
# do the same.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/lib/classic.sh"
classic_prefetch
harness_netns "$@"
. "$top_srcdir/tests/e2e/server_common.sh"
server_require

cat >"$HARNESS_TMP/ntp.conf" <<CONF
server 127.127.1.0
fudge 127.127.1.0 stratum 10
disable ntp
CONF

# second NAME NTPD ARGS...: run a second daemon in the foreground (bounded by
# timeout), leaving its log in $HARNESS_TMP/NAME.log and status in $rc.
second() {
    _name=$1
    shift
    run_nocap timeout 20 "$@" >"$HARNESS_TMP/$_name.log" 2>&1
    rc=$?
}
expect_refused() {
    [ "$rc" = 1 ] || { cat "$HARNESS_TMP/$1.log" >&2; fail "$1: exit status $rc, not 1 (124 = still running)"; }
    grep -q "unable to bind to wildcard address :: - another process may be running - EXITING" \
        "$HARNESS_TMP/$1.log" || { cat "$HARNESS_TMP/$1.log" >&2; fail "$1: classic's message is missing"; }
}

server_start "$HARNESS_TMP/ntp.conf"
second ours "$NTPD" -n --no-adjust -c "$HARNESS_TMP/ntp.conf"
expect_refused ours
note "ours: exit $rc: $(grep EXITING "$HARNESS_TMP/ours.log")"
kill -0 "$SERVER_PID" 2>/dev/null || fail "the first ntpd died"
probe 127.0.0.1 | grep -q "^reply .* mode=4 " || fail "the first ntpd stopped answering"

classic_ntpd=$(classic_path sbin/ntpd) || { note "classic ntpd not available: comparison skipped"; echo "fault_second_daemon: ok"; exit 0; }
second classic "$classic_ntpd" -n -c "$HARNESS_TMP/ntp.conf"
expect_refused classic
note "classic: exit $rc: $(grep EXITING "$HARNESS_TMP/classic.log")"
echo "fault_second_daemon: ok"
