#!/bin/sh
# Daemon operation: without -n ntpd goes to the background and its parent
# exits 0 once serving; the pid file names the daemon; -u drops root keeping
# no more than CAP_SYS_TIME (here none: the harness already removed it);
# logfile receives the classic lines; SIGTERM stops it.
. "$top_srcdir/tests/lib/harness.sh"
harness_netns "$@"
. "$top_srcdir/tests/e2e/server_common.sh"
server_require
id nobody >/dev/null 2>&1 || skip "no user nobody"

cat >"$HARNESS_TMP/ntp.conf" <<CONF
server 127.127.1.0
fudge 127.127.1.0 stratum 10
logfile $HARNESS_TMP/ntpd.log
pidfile $HARNESS_TMP/ntpd.pid
CONF
chmod 755 "$HARNESS_TMP"
run_nocap "$NTPD" --no-adjust -u nobody -c "$HARNESS_TMP/ntp.conf" || fail "ntpd start-up failed ($?)"
[ -s "$HARNESS_TMP/ntpd.pid" ] || fail "no pid file"
pid=$(cat "$HARNESS_TMP/ntpd.pid")
HARNESS_PIDS="$HARNESS_PIDS $pid"
kill -0 "$pid" || fail "daemon $pid is not running"
# Serving by the time the parent returned.
probe 127.0.0.1 | grep -q "^reply" || fail "daemon not answering right after start"

uid=$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")
[ "$uid" = "$(id -u nobody)" ] || fail "daemon runs as uid $uid, not nobody"
eff=$(awk '/^CapEff:/ {print $2}' "/proc/$pid/status")
prm=$(awk '/^CapPrm:/ {print $2}' "/proc/$pid/status")
# CAP_SYS_TIME (25) at most, and CAP_NET_BIND_SERVICE (10) to bind port 123
# on addresses that appear later (interface tracking, -U).
[ $((0x$eff & ~(1 << 25 | 1 << 10))) -eq 0 ] || fail "daemon keeps capabilities $eff"
[ $((0x$prm & ~(1 << 25 | 1 << 10))) -eq 0 ] || fail "daemon keeps permitted capabilities $prm"
# Detached: its own session.
sid=$(awk '{print $6}' "/proc/$pid/stat")
[ "$sid" = "$pid" ] || fail "daemon did not start a session (sid $sid)"

grep -q "ntpd .*: Starting" "$HARNESS_TMP/ntpd.log" || fail "logfile lacks the Starting line"
grep -q "Listen normally on" "$HARNESS_TMP/ntpd.log" || fail "logfile lacks the Listen lines"

kill -TERM "$pid"
wait_until 2 sh -c "! kill -0 $pid 2>/dev/null" || fail "daemon did not exit on SIGTERM"
grep -q "ntpd exiting on signal 15 (Terminated)" "$HARNESS_TMP/ntpd.log" || fail "no exit line in logfile"

echo "server_daemon: ok"
