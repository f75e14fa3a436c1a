#!/bin/sh
# Configuration errors at daemon start (configtest_errors.sh checks the exact
# texts of `ntpd --configtest`; this checks what the running daemon does):
# every broken line is reported with FILE:LINE:COL and dropped alone (a
# server line loses only its unknown options), the
# rest of the file is used and ntpd keeps serving; a missing configuration
# file is not fatal: ntpd runs with no associations as an unsynchronised
# server (ntpd.8, -c).
. "$top_srcdir/tests/lib/harness.sh"
harness_netns "$@"
. "$top_srcdir/tests/e2e/server_common.sh"
server_require
[ -x "$NTPQ" ] || skip "ntpq is not built"

# stop: SIGTERM the running server and await its exit (port 123 is free then).
stop() {
    kill -TERM "$SERVER_PID"
    wait "$SERVER_PID"
    _rc=$?
    [ "$_rc" -eq 0 ] || fail "$1: exit status $_rc after SIGTERM"
    # server_start waits for "Listen normally" in this file: a fresh one.
    rm -f "$SERVER_LOG"
}
peers() { "$NTPQ" -pn 127.0.0.1 2>&1; }
has_peer() { peers | awk -v a="$1" '{r = $1; sub(/^[-+*#xo. ]/, "", r)} r == a {f = 1} END {exit !f}'; }

note "broken lines are dropped one by one"
conf="$HARNESS_TMP/broken.conf"
long=$(printf '%01100d' 0)
cat >"$conf" <<CONF
server 127.127.1.0
fudge 127.127.1.0 stratum 10
foo 1
server 127.0.0.3 iburst fast
server 127.0.0.4 iburst
restrict default bogus
Server 127.0.0.5
server 127.0.0.6 $long
restrict 127.0.0.1
CONF
server_start "$conf"
log=$SERVER_LOG
for want in \
    "$conf:3:1: error: unknown directive 'foo'" \
    "$conf:4:25: error: unknown option 'fast' for 'server'" \
    "$conf:6:18: error: unknown option 'bogus' for 'restrict'" \
    "$conf:7:1: error: unknown directive 'Server' (keywords are lower case)" \
    "$conf:8:18: error: item longer than 1024 characters"; do
    [ "$(grep -cxF "$want" "$log")" -eq 1 ] || { cat "$log" >&2; fail "expected once in the log: $want"; }
done
[ "$(grep -c "$conf:" "$log")" -eq 5 ] || { cat "$log" >&2; fail "unexpected diagnostics"; }
has_peer 127.0.0.4 || fail "the good server line after the broken ones was not used: $(peers)"
has_peer 127.127.1.0 || fail "the LOCAL clock was not configured: $(peers)"
# An unknown option is skipped and the server kept, as classic keeps it;
# classic's "syntax error in FILE line L, column C" is logged as well.
has_peer 127.0.0.3 || fail "the server with an unknown option was dropped: $(peers)"
grep -qxF "syntax error in $conf line 4, column 25" "$log" || { cat "$log" >&2; fail "no classic syntax error line"; }
for a in 127.0.0.5 127.0.0.6; do
    has_peer $a && fail "$a from a broken line was configured: $(peers)"
done
probe 127.0.0.1 | grep -q "^reply .* mode=4 " || fail "ntpd does not serve with a broken configuration"
stop broken

note "a missing configuration file"
server_start "$HARNESS_TMP/missing.conf"
grep -qxF "getconfig: Couldn't open <$HARNESS_TMP/missing.conf>: No such file or directory" "$SERVER_LOG" ||
    { cat "$SERVER_LOG" >&2; fail "no getconfig line"; }
[ -z "$(peers | awk 'NR > 2')" ] || fail "associations without a configuration: $(peers)"
probe 127.0.0.1 | grep -q "^reply .* li=3 vn=4 mode=4 stratum=0 " ||
    fail "not serving as unsynchronised without a configuration: $(probe 127.0.0.1)"
stop missing

note "a configuration with nothing usable"
printf 'junk\n\001\nserver\n' >"$HARNESS_TMP/junk.conf"
server_start "$HARNESS_TMP/junk.conf"
[ "$(grep -c "$HARNESS_TMP/junk.conf:" "$SERVER_LOG")" -eq 3 ] || { cat "$SERVER_LOG" >&2; fail "expected three diagnostics"; }
probe 127.0.0.1 | grep -q "^reply .* li=3 vn=4 mode=4 stratum=0 " || fail "not serving: $(probe 127.0.0.1)"
stop junk
echo "fault_config: ok"
