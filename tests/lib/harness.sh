# tests/lib/harness.sh: the one place that starts programs for e2e, interop
# and corpus tests. Source it first thing:
#
#     . "$top_srcdir/tests/lib/harness.sh"
#     harness_netns "$@"          # only for tests that bind port 123
#
# Safety rules it enforces so no test can forget them:
#   * every program started through run_nocap/start_bg runs with CAP_SYS_TIME
#     removed from its bounding, permitted and effective sets (capsh --drop),
#     so it cannot change the host clock even if a bug tried to;
#   * harness_netns re-runs the test in a private network namespace that has
#     only a loopback interface, so nothing can leave the machine and port 123
#     never collides with a daemon on the host;
#   * background processes are killed when the test exits, whatever happens.
#
# Exit status conventions (automake): 0 pass, 1 fail, 77 skip, 99 hard error.

set -u

: "${top_builddir:=$(pwd)}"
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${shared_dir:=$top_srcdir/../shared}"

NTPD="$top_builddir/ntpd/ntpd"
NTPQ="$top_builddir/ntpq/ntpq"
NTPDATE="$top_builddir/ntpdate/ntpdate"
NTPSTAT="$top_builddir/ntpstat/ntpstat"

HARNESS_TMP=$(mktemp -d "${TMPDIR:-/tmp}/ntp-test.XXXXXX")
HARNESS_PIDS=""

harness_cleanup() {
    for pid in $HARNESS_PIDS; do
        kill -TERM "$pid" 2>/dev/null
    done
    for pid in $HARNESS_PIDS; do
        # Give each a moment to exit cleanly, then make sure.
        for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null
    done
    rm -rf "$HARNESS_TMP"
}
trap harness_cleanup EXIT
trap 'exit 99' INT TERM

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*" >&2; exit 77; }
note() { echo "# $*"; }

# Run the rest of the test inside a new network namespace with only `lo`.
# Needs root (as CI is); skips otherwise. harness_netns_ipc also gives the
# test its own SysV IPC namespace (SHM refclock segments stay inside it).
harness_netns() {
    _harness_unshare --net -- "$@"
}
harness_netns_ipc() {
    _harness_unshare --net --ipc -- "$@"
}
_harness_unshare() {
    if [ -z "${HARNESS_IN_NETNS:-}" ]; then
        [ "$(id -u)" = 0 ] || skip "needs root to create a private network namespace"
        command -v unshare >/dev/null || skip "unshare(1) not found (util-linux)"
        _flags=""
        while [ "$1" != "--" ]; do _flags="$_flags $1"; shift; done
        shift
        # exec skips the EXIT trap: remove this run's (empty) directory first;
        # the re-run inside the namespace makes its own.
        rmdir "$HARNESS_TMP" 2>/dev/null
        HARNESS_IN_NETNS=1 exec unshare $_flags -- /bin/sh "$0" "$@"
    fi
    ip link set lo up || fail "cannot bring up lo in the test namespace"
}

# Run a command with CAP_SYS_TIME dropped (foreground). Without capsh, or when
# not root (no CAP_SYS_TIME to begin with), run it as is.
run_nocap() {
    if [ "$(id -u)" = 0 ]; then
        command -v capsh >/dev/null || fail "capsh not found (Debian: libcap2-bin); refusing to run as root with CAP_SYS_TIME"
        capsh --drop=cap_sys_time -- -c 'exec "$0" "$@"' "$@"
    else
        "$@"
    fi
}

# Start a command in the background without CAP_SYS_TIME; its pid is stored in
# the variable named by $1 and it is killed at exit.
#     start_bg PIDVAR LOGFILE cmd args...
start_bg() {
    _var=$1 _log=$2
    shift 2
    # A simple command (not a function) so that $! is the program itself:
    # the shell forks, capsh drops the capability and execs the command.
    if [ "$(id -u)" = 0 ]; then
        command -v capsh >/dev/null || fail "capsh not found (Debian: libcap2-bin)"
        capsh --drop=cap_sys_time -- -c 'exec "$0" "$@"' "$@" >"$_log" 2>&1 &
    else
        "$@" >"$_log" 2>&1 &
    fi
    _pid=$!
    HARNESS_PIDS="$HARNESS_PIDS $_pid"
    eval "$_var=$_pid"
}

# Wait until a command succeeds, checking every 50 ms, at most $1 seconds.
#     wait_until 5 grep -q ready "$log"
wait_until() {
    _limit=$1
    shift
    _tries=$((_limit * 20))
    while [ "$_tries" -gt 0 ]; do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.05
        _tries=$((_tries - 1))
    done
    return 1
}

# Does this process (or the given pid) hold CAP_SYS_TIME in its effective set?
has_cap_sys_time() {
    _st=/proc/${1:-self}/status
    _eff=$(awk '/^CapEff:/ {print $2}' "$_st")
    # CAP_SYS_TIME is bit 25.
    [ $(( (0x$_eff >> 25) & 1 )) -eq 1 ]
}
