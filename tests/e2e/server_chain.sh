#!/bin/sh
# Two of our daemons in one namespace, kept apart by interface rules: A is a
# LOCAL-only server on 127.0.0.1, B listens on 127.0.0.2 only and uses A as
# its server. B polls A from its own association socket (random source
# port), synchronises and serves stratum 12 with A's address as refid.
. "$top_srcdir/tests/lib/harness.sh"
harness_netns "$@"
. "$top_srcdir/tests/e2e/server_common.sh"
server_require
ip addr add 127.0.0.2/8 dev lo || fail "cannot add 127.0.0.2"

cat >"$HARNESS_TMP/a.conf" <<CONF
server 127.127.1.0
fudge 127.127.1.0 stratum 10
interface ignore wildcard
interface ignore all
interface ignore lo
interface listen 127.0.0.1
CONF
# B keeps the default maxdist (1.5 s): A's root distance must come down
# within seconds of A synchronising to LOCAL for B to accept it.
cat >"$HARNESS_TMP/b.conf" <<CONF
server 127.0.0.1 iburst minpoll 3 maxpoll 4
interface ignore wildcard
interface ignore all
interface ignore lo
interface listen 127.0.0.2
CONF
start_bg a_pid "$HARNESS_TMP/a.log" "$NTPD" -n --no-adjust -c "$HARNESS_TMP/a.conf"
wait_until 10 grep -q "Listen normally on 0 lo 127.0.0.1:123" "$HARNESS_TMP/a.log" ||
    { cat "$HARNESS_TMP/a.log" >&2; fail "A did not start"; }
start_bg b_pid "$HARNESS_TMP/b.log" "$NTPD" -n --no-adjust -c "$HARNESS_TMP/b.conf"
wait_until 10 grep -q "Listen normally on 0 lo 127.0.0.2:123" "$HARNESS_TMP/b.log" ||
    { cat "$HARNESS_TMP/b.log" >&2; fail "B did not start"; }
grep -q "Listen.*127.0.0.2" "$HARNESS_TMP/a.log" && fail "A opened 127.0.0.2 despite its interface rules"

wait_for_stratum 127.0.0.1 11 10 || fail "A not synchronised to LOCAL"
wait_for_stratum 127.0.0.2 12 40 || { cat "$HARNESS_TMP/b.log" >&2; fail "B did not synchronise to A: $(probe 127.0.0.2)"; }
probe 127.0.0.2 | grep -q "stratum=12 .*refid=127.0.0.1 " || fail "B's refid is not A's address: $(probe 127.0.0.2)"

# B's polls came from a random port, not 123: A's MRU shows them when ntpq is built.
if [ -x "$NTPQ" ]; then
    "$NTPQ" -n -c mrulist 127.0.0.1 >"$HARNESS_TMP/mru" 2>&1
    note "$(cat "$HARNESS_TMP/mru")"
fi
echo "server_chain: ok"
