#!/bin/sh
# A FIFO at the drift file path (nobody writing to it): ntpd does not block
# opening it; it says the file is not a regular file, starts with no
# frequency from it, answers queries, and leaves the FIFO in place.
. "$top_srcdir/tests/lib/harness.sh"
harness_netns "$@"
. "$top_srcdir/tests/e2e/server_common.sh"
server_require

drift="$HARNESS_TMP/ntp.drift"
mkfifo "$drift" || fail "cannot make a fifo"
cat >"$HARNESS_TMP/ntp.conf" <<CONF
server 127.127.1.0
fudge 127.127.1.0 stratum 10
driftfile $drift
CONF
server_start "$HARNESS_TMP/ntp.conf"
probe 127.0.0.1 | grep -q "^reply .* mode=4 " || fail "ntpd not answering with a FIFO as drift file"
wait_until 10 grep -q "frequency file $drift: not a regular file, ignored" "$SERVER_LOG" ||
    { cat "$SERVER_LOG" >&2; fail "no message about the FIFO"; }
note "$(grep "not a regular file" "$SERVER_LOG")"
[ -p "$drift" ] || fail "the FIFO was replaced"
kill -0 "$SERVER_PID" 2>/dev/null || fail "ntpd died"
echo "fault_drift_fifo: ok"
