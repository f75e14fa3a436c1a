#!/bin/sh
# Servers that cannot be reached, and a name that resolves only later.
# Three daemons on loopback, in one private network namespace:
#   A  127.0.0.2  LOCAL-only server.
#   U  127.0.0.1  servers 127.0.0.3 and .4 (nothing listens there) and
#                 nosuch.example (never resolves). U keeps running, `ntpq -p`
#                 shows the two with reach 0 once polls went out, it answers
#                 clients as unsynchronised (leap 3, stratum 16 sent as 0 on
#                 the wire, as classic) and stays idle: no busy loop (its CPU
#                 time over the phase stays small).
#   R  127.0.0.5  `server timehost.example`: not resolvable at start; the name
#                 is added to the hosts file after R logged the failure, and
#                 R's retries (with back-off) pick it up: the association
#                 appears and reaches A.
#
# Name lookups go through glibc's "files" source only: the test runs in a
# private mount namespace with its own /etc/hosts and /etc/nsswitch.conf
# bind-mounted over the real ones (glibc reads /etc/hosts on every lookup),
# so the host's files are never touched and no DNS query is made.

if [ -z "${FAULT_TEST_IN_MNTNS:-}" ]; then
    # Before the harness makes its temporary directory (see drift_full_fs.sh).
    if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null 2>&1; then
        echo "SKIP: needs root and unshare(1) for a private mount namespace" >&2
        exit 77
    fi
    FAULT_TEST_IN_MNTNS=1 exec unshare --mount --propagation private -- /bin/sh "$0" "$@"
fi
. "$top_srcdir/tests/lib/harness.sh"
harness_netns "$@"
. "$top_srcdir/tests/e2e/server_common.sh"
server_require
[ -x "$NTPQ" ] || skip "ntpq is not built"
for a in 127.0.0.2 127.0.0.5; do ip addr add $a/8 dev lo || fail "cannot add $a"; done

hosts="$HARNESS_TMP/hosts"
printf '127.0.0.1 localhost\n' >"$hosts"
printf 'hosts: files\n' >"$HARNESS_TMP/nsswitch.conf"
mount --bind "$hosts" /etc/hosts || skip "cannot bind-mount over /etc/hosts"
mount --bind "$HARNESS_TMP/nsswitch.conf" /etc/nsswitch.conf || skip "cannot bind-mount over /etc/nsswitch.conf"
getent hosts timehost.example >/dev/null && fail "timehost.example resolves before the test adds it"

# daemon_conf LISTEN-ADDRESS SERVER-LINES...
daemon_conf() {
    _listen=$1
    shift
    printf '%s\n' "$@" "interface ignore wildcard" "interface ignore all" "interface ignore lo" "interface listen $_listen"
}
daemon_conf 127.0.0.2 "server 127.127.1.0" "fudge 127.127.1.0 stratum 10" >"$HARNESS_TMP/a.conf"
daemon_conf 127.0.0.1 "server nosuch.example iburst minpoll 3 maxpoll 4" \
    "server 127.0.0.3 iburst minpoll 3 maxpoll 4" "server 127.0.0.4 iburst minpoll 3 maxpoll 4" >"$HARNESS_TMP/u.conf"
daemon_conf 127.0.0.5 "server timehost.example iburst minpoll 3 maxpoll 4" >"$HARNESS_TMP/r.conf"
# start NAME ADDRESS: sets NAME_pid
start() {
    start_bg "${1}_pid" "$HARNESS_TMP/$1.log" "$NTPD" -n --no-adjust -c "$HARNESS_TMP/$1.conf"
    wait_until 10 grep -q "Listen normally on 0 lo $2:123" "$HARNESS_TMP/$1.log" ||
        { cat "$HARNESS_TMP/$1.log" >&2; fail "$1 did not start"; }
}
start a 127.0.0.2
start u 127.0.0.1
start r 127.0.0.5
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
ticks_start=$(cpu_ticks "$u_pid")
t0=$(date +%s)

# A peer variable of the association with this address on daemon $1
# (`ntpq -pn` shows the configured name for timehost.example, so match on
# srcadr; associations are numbered &1.. in the order `as` lists them; an
# index beyond the last is not an error for every ntpq, so take the first
# match only).
peer_var() {
    "$NTPQ" -n -c as -c "rv &1 srcadr,$3" -c "rv &2 srcadr,$3" -c "rv &3 srcadr,$3" "$1" 2>&1 |
        awk -v a="srcadr=$2," -v v="$3=" '$1 == a {sub("^" v, "", $2); print $2; exit}'
}

note "R: the name resolves once it is in the hosts file"
wait_until 10 grep -q "unable to resolve host timehost.example: .*retrying with back-off" "$HARNESS_TMP/r.log" ||
    { cat "$HARNESS_TMP/r.log" >&2; fail "no resolver failure logged for timehost.example"; }
[ -z "$(peer_var 127.0.0.5 127.0.0.2 reach)" ] || fail "an association for the unresolved name appeared"
# Append in place: the bind mount holds this inode.
printf '127.0.0.2 timehost.example\n' >>"$hosts"
getent hosts timehost.example | grep -q "^127.0.0.2 " || fail "the hosts file change is not visible"
# Retries come 2, 4, 8 ... s apart: the next is due within 4 s of now.
has_assoc() { [ -n "$(peer_var 127.0.0.5 127.0.0.2 reach)" ]; }
wait_until 15 has_assoc ||
    { cat "$HARNESS_TMP/r.log" >&2; fail "no association for timehost.example after it became resolvable"; }
reached() { r=$(peer_var 127.0.0.5 127.0.0.2 reach); [ -n "$r" ] && [ "$r" != 000 ]; }
wait_until 15 reached || fail "timehost.example (127.0.0.2) never reached: reach=$(peer_var 127.0.0.5 127.0.0.2 reach)"
note "R reached timehost.example after $(($(date +%s) - t0)) s: reach=$(peer_var 127.0.0.5 127.0.0.2 reach)"

note "U: all servers unreachable"
# Reach 0 means something only once polls went out unanswered: wait for the
# second poll to each (iburst polls at minpoll, 8 s, while unreachable).
polled() {
    for a in 127.0.0.3 127.0.0.4; do
        n=$(peer_var 127.0.0.1 $a sent)
        [ "${n:-0}" -ge 2 ] || return 1
    done
}
wait_until 25 polled || fail "U did not poll the unreachable servers: $("$NTPQ" -c as -c "rv &1" 127.0.0.1 2>&1)"
kill -0 "$u_pid" 2>/dev/null || fail "U died with all servers unreachable"
observed_s=$(($(date +%s) - t0 + 1))
# `ntpq -pn` rows: remote refid st t when poll reach ...
"$NTPQ" -pn 127.0.0.1 >"$HARNESS_TMP/peers" 2>&1
for a in 127.0.0.3 127.0.0.4; do
    awk -v a="$a" '{r = $1; sub(/^[-+*#xo. ]/, "", r)} r == a && $7 == 0 {found = 1} END {exit !found}' \
        "$HARNESS_TMP/peers" || fail "$a not shown with reach 0: $(cat "$HARNESS_TMP/peers")"
done
grep -q "nosuch" "$HARNESS_TMP/peers" && fail "an association for nosuch.example appeared"
probe 127.0.0.1 | grep -q "^reply .* li=3 vn=4 mode=4 stratum=0 " ||
    fail "U does not answer as unsynchronised: $(probe 127.0.0.1)"
"$NTPQ" -c "rv 0 leap,stratum" 127.0.0.1 | grep -q "leap=11, stratum=16" ||
    fail "U's system variables: $("$NTPQ" -c "rv 0 leap,stratum" 127.0.0.1 2>&1)"
ticks=$(($(cpu_ticks "$u_pid") - ticks_start))
hz=$(getconf CLK_TCK)
note "U used $ticks CPU ticks (1/$hz s) in about $observed_s s with no usable server"
# Idle means well under 5% of one CPU (plus some slack); a busy loop uses all of it.
[ "$ticks" -le $((hz * observed_s / 20 + hz / 5)) ] || fail "U used $ticks ticks of CPU with nothing to do"
kill -0 "$r_pid" && kill -0 "$a_pid" || fail "a daemon is gone"
echo "fault_resolve_later: ok"
