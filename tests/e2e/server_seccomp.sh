#!/bin/sh
# ntpd --seccomp (ntpd/seccomp.hh): with the system-call allow-list in force
# the daemon serves clients, answers ntpq (peers, rv, sysstats), tries to
# resolve a name that does not exist, writes statistics, reopens its log
# file on SIGHUP and exits cleanly on SIGTERM; once with libevent's default
# backend (epoll) and once with EVENT_NOEPOLL=1 (poll) and -u nobody, the
# production combination (checking that -u leaves no capability but
# CAP_SYS_TIME in the effective, permitted and bounding sets). Skipped when ntpd was built without libseccomp.
# (The drift file is written hourly; ntpd/seccomp_tests writes one under the
# filter instead.)
. "$top_srcdir/tests/lib/harness.sh"
harness_netns "$@"
. "$top_srcdir/tests/e2e/server_common.sh"
server_require
[ -x "$NTPQ" ] || skip "ntpq is not built"
# In an --enable-sanitizers build, LeakSanitizer's exit-time check stops the
# process's threads with prctl/ptrace, which the allow-list rightly forbids:
# leaks are checked by every other test, not under the filter.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
export ASAN_OPTIONS

chmod 777 "$HARNESS_TMP"
start_bg probe_pid "$HARNESS_TMP/probe.log" "$NTPD" -n --no-adjust --seccomp -c /dev/null
wait_until 10 grep -q "seccomp" "$HARNESS_TMP/probe.log" || fail "no word about seccomp: $(cat "$HARNESS_TMP/probe.log")"
if grep -q "built without seccomp support" "$HARNESS_TMP/probe.log"; then
    skip "ntpd was built without libseccomp (configure --enable-seccomp)"
fi
kill -TERM "$probe_pid" 2>/dev/null
wait "$probe_pid" 2>/dev/null

run_one() {  # NAME COMMAND... (ntpd, possibly behind env, with options)
    name=$1
    shift
    dir="$HARNESS_TMP/$name"
    mkdir -p "$dir/stats"
    chmod 777 "$dir" "$dir/stats"
    cat >"$dir/ntp.conf" <<CONF
server 127.127.1.0
fudge 127.127.1.0 stratum 10
pool ntp-seccomp-test.invalid iburst
driftfile $dir/ntp.drift
logfile $dir/ntpd.log
statsdir $dir/stats/
statistics loopstats peerstats
filegen peerstats file peerstats type day enable
restrict default nomodify notrap nopeer
CONF
    start_bg pid "$dir/stderr" "$@" -n --no-adjust --seccomp -c "$dir/ntp.conf"
    wait_until 10 grep -q "seccomp: system-call allow-list installed" "$dir/ntpd.log" ||
        { cat "$dir/stderr" >&2; fail "$name: the filter was not installed"; }
    grep -q "^Seccomp:[[:space:]]*2" "/proc/$pid/status" || fail "$name: no seccomp filter on pid $pid"
    note "$name: uid $(awk '/^Uid:/ {print $2}' "/proc/$pid/status"), $(grep ^Seccomp: "/proc/$pid/status")"
    if [ "$name" = poll ]; then
        [ "$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")" = "$(id -u nobody)" ] || fail "poll: not running as nobody"
        # -u keeps CAP_SYS_TIME at most (the harness removed even that) and
        # CAP_NET_BIND_SERVICE for interface tracking, in the bounding set too.
        for set in CapEff CapPrm CapBnd; do
            v=$(awk "/^$set:/ {print \$2}" "/proc/$pid/status")
            [ $((0x$v & ~(1 << 25 | 1 << 10))) -eq 0 ] || fail "poll: $set is $v"
        done
    fi
    # (The unresolvable pool keeps the daemon from choosing LOCAL at once;
    # serving an unsynchronised reply is what counts here.)
    probe --count 3 127.0.0.1 | grep -q "replies=3" || { cat "$dir/stderr" >&2; fail "$name: clients not served"; }
    "$NTPQ" -n -c peers 127.0.0.1 | grep -q "127\.127\.1\.0" || fail "$name: ntpq -pn"
    "$NTPQ" -c rv 127.0.0.1 | grep -q "version=" || fail "$name: ntpq rv"
    "$NTPQ" -c sysstats 127.0.0.1 | grep -q "^uptime:" || fail "$name: ntpq sysstats"
    wait_until 10 sh -c "cat '$dir'/stats/peerstats.* | grep -q 127.127.1.0" ||
        fail "$name: no peerstats line written"
    # Log rotation: the file is moved away, SIGHUP opens a new one.
    mv "$dir/ntpd.log" "$dir/ntpd.log.1"
    kill -HUP "$pid"
    # The notice goes to the old file, everything after it to the new one.
    wait_until 5 grep -q "Received SIGHUP" "$dir/ntpd.log.1" || fail "$name: no SIGHUP notice"
    wait_until 5 test -f "$dir/ntpd.log" || fail "$name: log not reopened on SIGHUP"
    probe 127.0.0.1 | grep -q "^reply" || fail "$name: not serving after SIGHUP"
    kill -TERM "$pid"
    wait "$pid"
    status=$?
    cat "$dir/ntpd.log.1" "$dir/ntpd.log" "$dir/stderr" >"$dir/all.log"
    grep -q "forbidden system call" "$dir/all.log" && fail "$name: $(grep "forbidden system call" "$dir/all.log")"
    [ "$status" -eq 0 ] || fail "$name: exit status $status (SIGSYS is 159)"
    grep -q "ntpd exiting on signal 15" "$dir/ntpd.log" || fail "$name: no clean exit"
    note "$name: served, queried, logs reopened, clean exit"
}

run_one epoll "$NTPD"
command -v env >/dev/null || skip "env(1) not found"
id nobody >/dev/null 2>&1 || skip "no user nobody"
run_one poll env EVENT_NOEPOLL=1 "$NTPD" -u nobody
echo "server_seccomp: ok"
