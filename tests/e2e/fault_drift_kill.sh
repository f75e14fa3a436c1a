#!/bin/sh
# kill -9 and the drift file: whenever a writer dies, the drift file is whole
# (the old value or the new one, never empty, partial or missing), and what a
# killed writer leaves behind (a half-written ntp.drift.TEMP, a stale pid file)
# does not stop the next write or the next start of ntpd.
#
# ntpd writes the drift file only from its hourly check (the first an hour
# after start; there is no knob to make it sooner, and no test-only backdoor),
# so the mid-write kills hit tests/e2e/drift_write_tool, which writes through
# the same library call (write_drift_file) in a loop. ntpd itself is then
# SIGKILLed at random points of its start-up and run, and must come back
# with the frequency from the file each time.
. "$top_srcdir/tests/lib/harness.sh"
harness_netns "$@"
. "$top_srcdir/tests/e2e/server_common.sh"
server_require
tool="$top_builddir/tests/e2e/drift_write_tool"
[ -x "$tool" ] || fail "$tool not built (make check builds it)"

state="$HARNESS_TMP/state"
mkdir "$state" || fail "cannot create $state"
drift="$state/ntp.drift"
fifo="$HARNESS_TMP/ready"
mkfifo "$fifo" || fail "cannot make a fifo"

iterations=${FAULT_DRIFT_ITERATIONS:-200}
# One random octet per iteration: the extra delay (0-19 ms) before the kill.
delays=$(od -An -v -tu1 -N"$iterations" /dev/urandom)

# The file must hold exactly one of the values a writer could have put there.
check_whole() {
    [ -e "$drift" ] || fail "$1: drift file missing"
    content=$(cat "$drift")
    case "$content" in
    11.111 | -22.222) ;;
    *) fail "$1: drift file is not whole: $(od -c "$drift" | head -3)" ;;
    esac
    value=$(run_nocap "$tool" read "$drift") || fail "$1: drift file does not parse: $value"
    [ "$value" = "$content" ] || fail "$1: read back $value from a file holding $content"
}

run_nocap "$tool" write "$drift" 11.111 >/dev/null || fail "first write failed"
kept_pids=$HARNESS_PIDS
temp_left=0
i=0
for d in $delays; do
    i=$((i + 1))
    start_bg writer "$fifo" "$tool" write-loop "$drift" -22.222 11.111
    # Blocks until the writer has finished its first write (or died).
    read -r line <"$fifo"
    [ "$line" = ready ] || fail "iteration $i: writer did not start: $line"
    [ $((d % 4)) -eq 0 ] || sleep "0.0$((d % 20 / 10))$((d % 10))"
    kill -KILL "$writer" 2>/dev/null
    wait "$writer" 2>/dev/null
    HARNESS_PIDS=$kept_pids
    check_whole "iteration $i"
    if [ -e "$drift.TEMP" ]; then temp_left=$((temp_left + 1)); fi
done
note "$i kills of a writer in a loop: drift file always whole; $temp_left killed between creating and renaming $drift.TEMP"
# A kill between creating and renaming the temporary file is the case that
# matters; if none of the kills landed there the test proved nothing.
[ "$temp_left" -gt 0 ] || fail "no kill landed inside a write (no $drift.TEMP ever left)"

# A leftover temporary file, even a partial one, never stops a write.
printf '99' >"$drift.TEMP"
run_nocap "$tool" write "$drift" -22.222 >"$HARNESS_TMP/out" || fail "write with a stale TEMP failed: $(cat "$HARNESS_TMP/out")"
check_whole "after a stale TEMP"
[ ! -e "$drift.TEMP" ] || fail "the temporary file is still there after a good write"

# ntpd SIGKILLed at random points, each time with a stale pid file and a
# partial TEMP beside the drift file; it must start with the file's value.
cat >"$HARNESS_TMP/ntp.conf" <<CONF
server 127.127.1.0
fudge 127.127.1.0 stratum 10
driftfile $drift
pidfile $state/ntpd.pid
CONF
runs=0
for d in $(od -An -v -tu1 -N5 /dev/urandom); do
    runs=$((runs + 1))
    printf '1' >"$drift.TEMP"
    want=$(cat "$drift")
    server_start "$HARNESS_TMP/ntp.conf"
    got=$("$NTPQ" -c "rv 0 frequency" 127.0.0.1 2>&1)
    [ "$got" = "frequency=$want" ] || fail "run $runs: ntpd started with '$got', drift file holds $want"
    [ "$(cat "$state/ntpd.pid")" = "$SERVER_PID" ] || fail "run $runs: pid file does not name ntpd"
    probe 127.0.0.1 | grep -q "^reply .* mode=4 " || fail "run $runs: ntpd not answering"
    # Kill it 0-255 ms into its run.
    sleep "$(awk -v d="$d" 'BEGIN { printf "%.3f", d / 1000 }')"
    kill -KILL "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null
    HARNESS_PIDS=$kept_pids
    # server_start waits for "Listen normally" in this file: a fresh one.
    rm -f "$SERVER_LOG"
    check_whole "ntpd run $runs"
    [ "$(cat "$drift")" = "$want" ] || fail "run $runs: drift file changed from $want to $(cat "$drift")"
    [ -e "$state/ntpd.pid" ] || fail "run $runs: expected the stale pid file to remain after kill -9"
done
note "$runs ntpd runs SIGKILLed: each restarted with frequency=$(cat "$drift") despite a stale pid file and TEMP"
echo "fault_drift_kill: ok"
