#!/bin/sh
# ntpdate against our own ntpd (LOCAL-only server, --no-adjust): the classic
# query works, and while ntpd holds port 123 ntpdate's normal mode says "the
# NTP socket is in use" (ntpd must turn SO_REUSEADDR off after its setup, as
# classic ntpd does), while -q and -u still work.
. "$top_srcdir/tests/lib/harness.sh"
harness_netns "$@"
. "$top_srcdir/tests/e2e/ntpdate_common.sh"
ntpdate_require
[ -x "$NTPD" ] || skip "ntpd is not built"

cat >"$HARNESS_TMP/ntp.conf" <<CONF
server 127.127.1.0
fudge 127.127.1.0 stratum 10
restrict default kod nomodify notrap nopeer noquery
restrict 127.0.0.1
restrict ::1
CONF
start_bg ntpd_pid "$HARNESS_TMP/ntpd.log" "$NTPD" -n --no-adjust -c "$HARNESS_TMP/ntp.conf"
wait_until 10 grep -q "Listen normally on" "$HARNESS_TMP/ntpd.log" ||
    { cat "$HARNESS_TMP/ntpd.log" >&2; skip "our ntpd did not start serving"; }

# Until ntpd is synchronised to LOCAL it answers stratum 16, which ntpdate
# ignores; then stratum 11.
synced() {
    nd probe -q -p 1 -t 1 127.0.0.1
    grep -q "server 127.0.0.1, stratum 11, " "$HARNESS_TMP/probe.out"
}
wait_until 20 synced || { show probe; cat "$HARNESS_TMP/ntpd.log" >&2; fail "ntpd never served stratum 11"; }

nd query -q 127.0.0.1
expect_rc query 0
expect_out query "server 127.0.0.1, stratum 11, offset "
expect_out query "]: adjust time server 127.0.0.1 offset "

nd debug -d -p 2 127.0.0.1
expect_rc debug 0
expect_out debug "refid [127.0.0.1], delay "
expect_out debug "transmitted 2, in filter 2"

nd inuse --clock=null 127.0.0.1
expect_rc inuse 1
expect_err inuse "]: the NTP socket is in use, exiting"

nd unpriv --clock=null -u -p 1 127.0.0.1
expect_rc unpriv 0
expect_out unpriv "]: adjust time server 127.0.0.1 offset "
exit 0
