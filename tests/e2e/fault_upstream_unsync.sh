#!/bin/sh
# An upstream that loses its own synchronisation: ntpd on 127.0.0.1 polls a
# scripted server on 127.0.0.2 (tests/e2e/bad_server) every 8 s and takes it
# as system peer; the server is then replaced by one answering leap 3
# (unsynchronised), later by one at stratum 16. At its next reply ntpd drops
# it from selection (no system peer, the association rejected, the reply not
# counted in reach), and takes it back when the server is good again.
. "$top_srcdir/tests/lib/harness.sh"
harness_netns "$@"
. "$top_srcdir/tests/e2e/server_common.sh"
. "$top_srcdir/tests/e2e/ntpdate_common.sh"
server_require
[ -x "$NTPQ" ] || skip "ntpq is not built"
[ -x "$BAD_SERVER" ] || skip "bad_server is not built (make check builds it)"
ip addr add 127.0.0.2/8 dev lo || fail "cannot add 127.0.0.2"

cat >"$HARNESS_TMP/ntp.conf" <<CONF
server 127.0.0.2 iburst minpoll 3 maxpoll 3
interface ignore wildcard
interface ignore all
interface ignore lo
interface listen 127.0.0.1
CONF
server_start "$HARNESS_TMP/ntp.conf"

# The billboard line of 127.0.0.2 (tally code in the first column).
peer_line() { "$NTPQ" -n -c peers 127.0.0.1 2>/dev/null | grep '127\.0\.0\.2 '; }
is_sys_peer() { peer_line | grep -q '^\*'; }
sys_peer_var() { "$NTPQ" -c "rv 0 peer" 127.0.0.1 2>/dev/null; }
# Replace the upstream by one in MODE on the same address.
upstream() {
    [ -n "${_bs_pid:-}" ] && { kill "$_bs_pid"; wait "$_bs_pid" 2>/dev/null; }
    bad_server "up$1" 127.0.0.2 "$1"
}
# Wait for the next request to reach the current upstream and be answered.
answered_once() { wait_until 20 sh -c "[ \$(grep -c '^request ' '$HARNESS_TMP/up$1.log' 2>/dev/null || echo 0) -ge 1 ]"; }

upstream good
wait_until 40 is_sys_peer || fail "not synchronised to the good upstream: $(peer_line)"

for bad in li3 stratum16; do
    upstream $bad
    answered_once $bad || fail "$bad: no request reached the upstream"
    # Drop at the reply itself: well within one poll after it.
    wait_until 5 sh -c "! '$NTPQ' -n -c peers 127.0.0.1 | grep -q '^\*127\.0\.0\.2 '" ||
        fail "$bad: still the system peer after its reply: $(peer_line)"
    line=$(peer_line)
    note "$bad: $line; $(sys_peer_var)"
    case "$line" in
    " 127.0.0.2"*) ;;  # space: rejected
    *) fail "$bad: the association is not shown rejected: $line" ;;
    esac
    sys_peer_var | grep -q "peer=0" || fail "$bad: the system variables still name a peer: $(sys_peer_var)"
    flash=$("$NTPQ" -c "rv &1 flash" 127.0.0.1 2>&1)
    note "$bad: $flash"
    case "$flash" in
    *pkt_unsync*) ;;
    *) fail "$bad: flash does not show the unsynchronised header: $flash" ;;
    esac
    kill -0 "$SERVER_PID" 2>/dev/null || fail "$bad: ntpd died"

    upstream good
    wait_until 40 is_sys_peer || fail "after $bad: the recovered upstream was not selected again: $(peer_line)"
done
echo "fault_upstream_unsync: ok"
