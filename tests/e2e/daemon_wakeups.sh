#!/bin/sh
# An idle ntpd sleeps: at most 1.5 wake-ups a second (the one-second clock
# tick, nothing polling flags in between), counted with strace over a few
# seconds; and a SIGTERM is acted on by the wait it interrupts, not by a later
# timer: between the signal and exit_group no wait ends by timing out, and the
# exit follows within 100 ms. Both with libevent's default backend and with
# the poll backend (EVENT_NOEPOLL=1) the clock simulator needs.
. "$top_srcdir/tests/lib/harness.sh"
harness_netns "$@"
. "$top_srcdir/tests/e2e/server_common.sh"
server_require
command -v strace >/dev/null || skip "strace not found"
# In an --enable-sanitizers build, LeakSanitizer's exit-time check attaches to
# the daemon's threads with ptrace, which fails while strace holds them, and
# the exit status becomes 1. Leaks are checked by every other test.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
export ASAN_OPTIONS

window_s=${WAKEUP_WINDOW_S:-6}
cat >"$HARNESS_TMP/ntp.conf" <<CONF
server 127.127.1.0
fudge 127.127.1.0 stratum 10
driftfile $HARNESS_TMP/ntp.drift
CONF

# Sum of the "calls" column for the waiting system calls in an strace -c file.
wait_calls() {
    awk '$NF ~ /^(epoll_wait|epoll_pwait|poll|ppoll|select|pselect6)$/ { n += $4 } END { print n + 0 }' "$1"
}

check_backend() {
    name=$1
    server_start "$HARNESS_TMP/ntp.conf"
    pid=$SERVER_PID
    # Let start-up finish (the first tick has run) before counting.
    sleep 1

    timeout -s INT "$window_s" strace -f -c -o "$HARNESS_TMP/count.$name" -p "$pid" 2>/dev/null
    calls=$(wait_calls "$HARNESS_TMP/count.$name")
    note "$name: $calls waits in $window_s s"
    [ "$calls" -ge 1 ] || fail "$name: strace saw no wait at all: $(cat "$HARNESS_TMP/count.$name")"
    [ $((calls * 2)) -le $((window_s * 3)) ] ||
        fail "$name: $calls wake-ups in $window_s s idle (more than 1.5 a second): $(cat "$HARNESS_TMP/count.$name")"

    trace="$HARNESS_TMP/trace.$name"
    strace -f -tt -o "$trace" -p "$pid" 2>/dev/null &
    tracer=$!
    traced() { awk '/^TracerPid:/ { exit !($2 != 0) }' "/proc/$pid/status"; }
    wait_until 5 traced || fail "$name: strace did not attach"
    kill -TERM "$pid"
    wait_until 5 sh -c "! kill -0 $pid 2>/dev/null" || fail "$name: ntpd still running 5 s after SIGTERM"
    wait "$tracer" 2>/dev/null
    grep -q -- "--- SIGTERM" "$trace" || fail "$name: the trace has no SIGTERM: $(tail -5 "$trace")"
    # After the signal: no wait that ended by timing out ("= 0"), then the exit.
    after=$(sed -n '/--- SIGTERM/,$p' "$trace")
    echo "$after" | grep -E "(epoll_wait|epoll_pwait|poll|ppoll|select)\(.*= 0$" &&
        fail "$name: a wait timed out between SIGTERM and the exit (the signal waited for a timer)"
    echo "$after" | grep -q "exit_group(0)" || fail "$name: no exit_group(0) after SIGTERM: $after"
    ms=$(echo "$after" | awk '
        function t(s,  a) { split(s, a, ":"); return (a[1] * 3600 + a[2] * 60 + a[3]) * 1000 }
        /--- SIGTERM/ && !start { start = t($2) }
        /exit_group/ { end = t($2) }
        END { printf "%d", end - start }')
    note "$name: SIGTERM to exit_group in $ms ms"
    [ "$ms" -le 100 ] || fail "$name: SIGTERM to exit took $ms ms (more than 100 ms)"
    wait "$pid"
    status=$?
    [ "$status" -eq 0 ] || fail "$name: exit status $status after SIGTERM"
}

check_backend default
EVENT_NOEPOLL=1
export EVENT_NOEPOLL
check_backend poll
echo "daemon_wakeups: ok"
