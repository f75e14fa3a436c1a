#!/bin/sh
# Our ntpd as a LOCAL-only server on loopback: classic reply fields, the
# synchronised state within 10 s, version echo, no mode 7, pid file, the
# classic log lines, SIGHUP survives, SIGTERM exits cleanly within a second.
. "$top_srcdir/tests/lib/harness.sh"
harness_netns "$@"
. "$top_srcdir/tests/e2e/server_common.sh"
server_require

cat >"$HARNESS_TMP/ntp.conf" <<CONF
server 127.127.1.0
fudge 127.127.1.0 stratum 10
restrict default kod nomodify notrap nopeer noquery
restrict 127.0.0.1
restrict ::1
CONF
server_start "$HARNESS_TMP/ntp.conf" -p "$HARNESS_TMP/ntpd.pid"

# Unsynchronised or synchronised, every reply must be well formed.
out=$(probe 127.0.0.1)
echo "$out" | grep -q "^reply len=48 .* mode=4 .*origin=ok rec<xmt=yes" || fail "bad first reply: $out"

# LOCAL-only: synchronised at stratum 11 within 10 s.
wait_for_stratum 127.0.0.1 11 10 || fail "not synchronised to LOCAL within 10 s: $(probe 127.0.0.1)"
out=$(probe 127.0.0.1)
# The refid names the system peer by address, LOCAL included (classic).
echo "$out" | grep -q "li=0 vn=4 mode=4 stratum=11 .*refid=127.127.1.0 " || fail "unexpected synchronised reply: $out"

# IPv6 loopback too.
out=$(probe ::1)
echo "$out" | grep -q "mode=4 stratum=11 " || fail "no reply over IPv6: $out"

# The request version is echoed; the poll is at least 3 (discard average).
probe --version 3 --poll 1 127.0.0.1 | grep -q "vn=3 mode=4 .* poll=3 " || fail "v3 request not echoed as v3 / poll"
probe --version 1 127.0.0.1 | grep -q "vn=1 mode=4 " || fail "v1 request not answered"

# Never answered: mode 7, version 0 and 5, short packets.
probe --mode 7 --version 2 --timeout-ms 300 127.0.0.1 | grep -q "^timeout" || fail "mode 7 answered"
probe --version 5 --timeout-ms 300 127.0.0.1 | grep -q "^timeout" || fail "version 5 answered"
probe --version 0 --timeout-ms 300 127.0.0.1 | grep -q "^timeout" || fail "version 0 answered"
probe --raw 2300000000 --timeout-ms 300 127.0.0.1 | grep -q "^timeout" || fail "short packet answered"
# A request with a (valid, unknown) extension field is answered with 48
# octets: extension fields are never echoed. Zero padding is not a valid
# extension field, so that request is dropped.
hdr=23000620$(printf '%088d' 0)
ef=0200001c$(printf '%048d' 0)
probe --raw "$hdr$ef" 127.0.0.1 | grep -q "^reply len=48 " || fail "request with an extension field not answered with 48 octets"
probe --size 96 --timeout-ms 300 127.0.0.1 | grep -q "^timeout" || fail "zero-padded request answered"

# Pid file: the number, no newline.
[ "$(cat "$HARNESS_TMP/ntpd.pid")" = "$SERVER_PID" ] || fail "pid file does not hold $SERVER_PID"
[ "$(wc -l <"$HARNESS_TMP/ntpd.pid")" -eq 0 ] || fail "pid file ends with a newline"

# Classic log lines.
for line in ": Starting" "Command line: " "proto: precision = " \
    "Listen and drop on 0 v6wildcard \[::\]:123" "Listen and drop on 1 v4wildcard 0.0.0.0:123" \
    "Listen normally on 2 lo 127.0.0.1:123"; do
    grep -q "$line" "$SERVER_LOG" || fail "log lacks '$line'"
done

# SIGHUP does not stop it.
kill -HUP "$SERVER_PID"
wait_until 5 grep -q "Received SIGHUP" "$SERVER_LOG" || fail "SIGHUP not noticed"
probe 127.0.0.1 | grep -q "^reply" || fail "no reply after SIGHUP"

# SIGTERM: clean exit within a second, with the classic line.
kill -TERM "$SERVER_PID"
wait_until 1 sh -c "! kill -0 $SERVER_PID 2>/dev/null" || fail "still running 1 s after SIGTERM"
grep -q "ntpd exiting on signal 15 (Terminated)" "$SERVER_LOG" || fail "no exit line"
echo "server_basic: ok"
