#!/bin/sh
# The harness must start programs without CAP_SYS_TIME and inside a private
# network namespace; every other e2e test relies on this.
. "$top_srcdir/tests/lib/harness.sh"
harness_netns "$@"

run_nocap sh -c '. "$top_srcdir/tests/lib/harness.sh"; has_cap_sys_time self' &&
    fail "a program started by run_nocap still has CAP_SYS_TIME"

start_bg pid "$HARNESS_TMP/bg.log" sleep 30
wait_until 5 test -e "/proc/$pid/status" || fail "background process did not start"
# start_bg runs capsh, which execs into the command: same pid.
wait_until 5 sh -c "grep -q '^Name:.*sleep' /proc/$pid/status" || fail "capsh did not exec the command"
has_cap_sys_time "$pid" && fail "a background program still has CAP_SYS_TIME"

# Only loopback exists in the namespace.
links=$(ip -o link show | awk -F': ' '{print $2}' | tr '\n' ' ')
[ "$links" = "lo " ] || fail "unexpected interfaces in the test namespace: $links"
echo "harness: CAP_SYS_TIME dropped, namespace has only lo"
exit 0
