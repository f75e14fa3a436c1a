#!/bin/sh
# Signals a running ntpd (server_daemon.sh covers SIGTERM of a detached one):
#   SIGHUP keeps it running, reopens the log file (logrotate renames it, a new
#   one appears) and re-reads the keys file: the new key works from then on,
#   not before, and a broken keys file is refused whole, the previous keys
#   kept. SIGTERM: exit status 0 well within a second, the classic exit line;
#   as in classic ntpd (ntpd.md §10) the pid file stays and the drift file is
#   not rewritten, so it is whole and unchanged.
. "$top_srcdir/tests/lib/harness.sh"
harness_netns "$@"
. "$top_srcdir/tests/e2e/server_common.sh"
server_require
[ -x "$NTPQ" ] || skip "ntpq is not built"

log="$HARNESS_TMP/ntpd.logfile"
keys="$HARNESS_TMP/ntp.keys"
drift="$HARNESS_TMP/ntp.drift"
printf '1 MD5 oldsecret\n' >"$keys"
printf '%s\n' 3.125 >"$drift"
cat >"$HARNESS_TMP/ntp.conf" <<CONF
server 127.127.1.0
fudge 127.127.1.0 stratum 10
keys $keys
trustedkey 1
controlkey 1
logfile $log
pidfile $HARNESS_TMP/ntpd.pid
driftfile $drift
CONF
server_start "$HARNESS_TMP/ntp.conf"
pid=$SERVER_PID
wait_until 5 grep -q "Listen normally on" "$log" || fail "the logfile was not written"

# reslist is an authenticated mode 6 request (READ_ORDLIST_A): it succeeds
# only when the MAC verifies with controlkey 1 as ntpd currently knows it.
authorised() {
    out=$("$NTPQ" -c "keyid 1" -c "passwd $1" -c reslist 127.0.0.1 2>&1)
    case "$out" in
    *"0.0.0.0/0"*) return 0 ;;
    *) return 1 ;;
    esac
}
authorised oldsecret || fail "the configured key is not accepted: $out"
authorised newsecret && fail "a key that was never configured is accepted"

note "a new keys file is used only after SIGHUP"
printf '1 MD5 newsecret\n' >"$keys"
authorised newsecret && fail "the new key was used before SIGHUP"
mv "$log" "$log.1"
kill -HUP "$pid"
wait_until 5 grep -q "Received SIGHUP: reopening the log file and re-reading the keys file" "$log.1" ||
    fail "no SIGHUP line in the old log file"
wait_until 5 test -e "$log" || fail "the log file was not reopened after SIGHUP"
kill -0 "$pid" 2>/dev/null || fail "ntpd died on SIGHUP"
authorised newsecret || fail "the new key is not accepted after SIGHUP: $out"
authorised oldsecret && fail "the old key is still accepted after SIGHUP"

note "a broken keys file is refused and the previous keys kept"
printf '1 MD5 \n' >"$keys"
kill -HUP "$pid"
wait_until 5 grep -q "Received SIGHUP" "$log" || fail "no SIGHUP line in the new log file"
wait_until 5 grep -q "$keys" "$log" || fail "no diagnostic for the broken keys file: $(cat "$log")"
authorised newsecret || fail "the previous keys were dropped with a broken keys file: $out"
probe 127.0.0.1 | grep -q "^reply .* mode=4 " || fail "ntpd stopped answering after SIGHUP"

note "SIGTERM"
kill -TERM "$pid"
wait_until 1 sh -c "! kill -0 $pid 2>/dev/null" || fail "ntpd still running a second after SIGTERM"
wait "$pid"
status=$?
[ "$status" -eq 0 ] || fail "exit status $status after SIGTERM"
grep -q "ntpd exiting on signal 15 (Terminated)" "$log" || fail "no exit line in the log file"
[ "$(cat "$HARNESS_TMP/ntpd.pid" 2>/dev/null)" = "$pid" ] || fail "the pid file was removed or changed (classic keeps it)"
[ "$(cat "$drift")" = 3.125 ] || fail "the drift file changed on SIGTERM: $(od -c "$drift" | head -2)"
[ ! -e "$drift.TEMP" ] || fail "a temporary drift file was left"
echo "fault_signals: ok"
