#!/bin/sh
# Mode 6 is no amplifier: with no `restrict` line at all, as in
# classic's default, anybody may read the daemon's status with ntpq, so a
# 12-octet READVAR forged to come from a victim draws a ~500-octet reply.
# Here a flood of them from 192.0.2.2 (an address of the test's own network
# namespace, not loopback) gets at most its source's byte budget back -
# 32 kB, then 2 kB/s - while:
#   * ntpq from loopback and from another address still gets its answers;
#   * ntpd is alive and counts nothing it should not.
# Counts and durations are bounded; nothing here asserts on timings beyond
# the budget's own arithmetic.
. "$top_srcdir/tests/lib/harness.sh"
harness_netns "$@"
. "$top_srcdir/tests/e2e/server_common.sh"
flood_require

ip addr add 192.0.2.1/32 dev lo && ip addr add 192.0.2.2/32 dev lo && ip addr add 192.0.2.3/32 dev lo ||
    fail "cannot add test addresses in the namespace"
cat >"$HARNESS_TMP/ntp.conf" <<CONF
server 127.127.1.0
fudge 127.127.1.0 stratum 10
CONF
server_start "$HARNESS_TMP/ntp.conf"
wait_until 10 grep -q "Listen normally on .* 192.0.2.1:123" "$SERVER_LOG" ||
    { cat "$SERVER_LOG" >&2; fail "ntpd does not listen on 192.0.2.1"; }

# What one answer costs: the reply to `ntpq -c rv` (the flood's request).
one=$("$NTPQ" -c rv 192.0.2.1 | wc -c)
[ "$one" -gt 200 ] || fail "ntpq -c rv from 192.0.2.1 printed only $one octets"

rate=1000
seconds=3
start_bg flood_pid "$HARNESS_TMP/flood" "$FLOOD" --mode6 --rate $rate --seconds $seconds \
    --from 192.0.2.2 192.0.2.1
wait_until 5 sh -c "ss -uan | grep -q 192.0.2.2:" || fail "the flood did not start"
# During the flood: loopback and another address are not affected.
"$NTPQ" -c rv 127.0.0.1 | grep -q "stratum=" || fail "ntpq -c rv 127.0.0.1 failed during the flood"
# (ntpq's source address is the one it asks: 192.0.2.3, a budget of its own.)
"$NTPQ" -c rv 192.0.2.3 | grep -q "stratum=" || fail "ntpq -c rv 192.0.2.3 failed during the flood"
wait "$flood_pid" || fail "ntp_flood failed: $(cat "$HARNESS_TMP/flood")"
kill -0 "$SERVER_PID" 2>/dev/null || fail "ntpd died"
note "flood: $(cat "$HARNESS_TMP/flood")"

field() { sed -n "s/.*\\b$1=\\([0-9]*\\).*/\\1/p" "$HARNESS_TMP/flood"; }
sent=$(field sent) replies=$(field replies) req=$(field request_bytes) got=$(field reply_bytes)
[ "$sent" -ge $((rate * seconds / 2)) ] || fail "only $sent requests went out"
[ "$replies" -ge 1 ] || fail "not even the first requests were answered: the budget starts full"
# The budget: 32768 octets at once, 2048 a second after that, over the flood
# and the tool's half second of draining (rounded up), plus one reply.
limit=$((32768 + 2048 * (seconds + 1) + 600))
[ "$got" -le "$limit" ] || fail "$got octets came back for $req sent: more than the budget ($limit)"
note "reflection: $sent requests, $req octets sent, $got octets back ($replies replies);" \
    "unlimited it would have been about $((sent * one / 1000)) kB"

"$NTPQ" -c rv 127.0.0.1 | grep -q "stratum=" || fail "ntpq -c rv 127.0.0.1 failed after the flood"
echo "server_reflection: ok"
