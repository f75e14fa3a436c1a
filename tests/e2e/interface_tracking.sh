#!/bin/sh
# Interface tracking: an address added to a running host is bound and served
# within 2 s (rtnetlink notification, then a rescan), with classic's
# "Listen normally on N IFNAME ADDR:123" line; `interface` rules apply to it
# as to the start-up addresses; an IPv6 address is bound once duplicate
# address detection ends; a removed address's socket is released with
# classic's "Deleting interface #N ..." line while the associations and the
# loopback sockets carry on. The far side is a second network namespace (a
# veth pair between the two). Classic ntpd, where built, is run through the
# same steps and its two lines are compared with ours, numbers aside.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/lib/classic.sh"
classic_prefetch
harness_netns "$@"
. "$top_srcdir/tests/e2e/server_common.sh"
server_require
[ -x "$NTPQ" ] || skip "ntpq is not built"
command -v ip >/dev/null || skip "ip(8) not found (iproute2)"
command -v nsenter >/dev/null || skip "nsenter not found (util-linux)"
command -v ss >/dev/null || skip "ss not found (iproute2)"

# The far side: a namespace held open by a sleeping process.
start_bg peer_pid "$HARNESS_TMP/peer.log" unshare --net sleep 600
other_ns() { [ "$(readlink "/proc/$peer_pid/ns/net")" != "$(readlink /proc/self/ns/net)" ]; }
wait_until 5 other_ns || fail "the peer namespace did not come up"
peer() { nsenter --net="/proc/$peer_pid/ns/net" "$@"; }

ip link add v0 type veth peer name v1 netns "$peer_pid" || skip "cannot create a veth pair"
# No automatic link-local address: only the addresses the test adds come and go.
ip link set v0 addrgenmode none 2>/dev/null
peer ip link set v1 addrgenmode none 2>/dev/null
ip link set v0 up && peer ip link set lo up && peer ip link set v1 up || fail "links do not come up"
peer ip addr add 10.93.0.2/24 dev v1 && peer ip addr add fd00:93::2/64 dev v1 nodad ||
    fail "cannot address the peer"

now_ms() { echo $(($(date +%s%N) / 1000000)); }
listens() { grep -q "Listen normally on [0-9]* v0 $2" "$1"; }
served() { peer "$PROBE" --timeout-ms 200 "$1" | grep -q '^reply len=48 '; }
bound() { ss -Huln "src $1" | grep -q ":123 "; }

cat >"$HARNESS_TMP/ntp.conf" <<CONF
server 127.127.1.0
fudge 127.127.1.0 stratum 10
driftfile $HARNESS_TMP/ntp.drift
interface listen all
interface ignore 10.94.0.0/16
CONF

server_start "$HARNESS_TMP/ntp.conf"
log=$SERVER_LOG
grep -q "Listening on routing socket on fd #[0-9]* for interface updates" "$log" ||
    { cat "$log" >&2; fail "no routing socket line"; }
sleep 1.5  # the address comes a moment after start-up, as DHCP's does
"$NTPQ" -n -c as 127.0.0.1 >"$HARNESS_TMP/as.before" || fail "ntpq as failed"

# An ignored address first, then a served one: both are there by the time
# the second is bound, so the first had its chance to be (wrongly) bound.
ip addr add 10.94.0.1/24 dev v0 || fail "cannot add 10.94.0.1"
t0=$(now_ms)
ip addr add 10.93.0.1/24 dev v0 || fail "cannot add 10.93.0.1"
wait_until 2 listens "$log" "10.93.0.1:123" || { cat "$log" >&2; fail "no Listen line for 10.93.0.1 within 2 s"; }
t_listen=$(now_ms)
wait_until 2 served 10.93.0.1 || { cat "$log" >&2; fail "10.93.0.1 not served from the peer within 2 s"; }
t_served=$(now_ms)
note "Listen line after $((t_listen - t0)) ms, served to the peer after $((t_served - t0)) ms"
[ $((t_served - t0)) -le 2000 ] || fail "served only after $((t_served - t0)) ms"
bound 10.93.0.1 || fail "ss shows no socket on 10.93.0.1:123"
grep -q "10.94.0.1" "$log" && fail "10.94.0.1 was bound despite 'interface ignore 10.94.0.0/16'"
bound 10.94.0.1 && fail "ss shows a socket on 10.94.0.1:123"

# An IPv6 address with duplicate address detection: bound when it ends.
ip addr add fd00:93::1/64 dev v0 || fail "cannot add fd00:93::1"
wait_until 5 listens "$log" "\[fd00:93::1\]:123" || { cat "$log" >&2; fail "fd00:93::1 never bound"; }
wait_until 2 served fd00:93::1 || fail "fd00:93::1 not served from the peer"

# Once synchronised to LOCAL, classic ntpdate on the far side takes the time.
wait_for_stratum 127.0.0.1 11 30 || fail "ntpd never reached stratum 11"
run_nocap nsenter --net="/proc/$peer_pid/ns/net" "$NTPDATE" -q 10.93.0.1 >"$HARNESS_TMP/nd.out" 2>&1
grep -q "server 10.93.0.1, stratum 11, " "$HARNESS_TMP/nd.out" ||
    { cat "$HARNESS_TMP/nd.out" >&2; fail "ntpdate -q from the peer got no time from 10.93.0.1"; }

# Removal: the socket goes, with its counters; nothing else moves.
ip addr del 10.93.0.1/24 dev v0 || fail "cannot remove 10.93.0.1"
deleted() { grep -q "Deleting interface #[0-9]* v0, 10.93.0.1#123, interface stats: received=[1-9][0-9]*, sent=[1-9][0-9]*, dropped=0, active_time=[0-9]* secs" "$log"; }
wait_until 2 deleted || { cat "$log" >&2; fail "no Deleting line for 10.93.0.1 within 2 s"; }
wait_until 1 sh -c "! ss -Huln 'src 10.93.0.1' | grep -q ':123 '" || fail "10.93.0.1:123 still bound"
kill -0 "$SERVER_PID" || fail "ntpd died"
"$PROBE" 127.0.0.1 | grep -q '^reply len=48 stratum=11\|stratum=11 ' || fail "loopback no longer served"
served fd00:93::1 || fail "fd00:93::1 no longer served after 10.93.0.1 went"
"$NTPQ" -n -c as 127.0.0.1 >"$HARNESS_TMP/as.after" || fail "ntpq as failed after the removal"
ids() { awk '$2 ~ /^[0-9]+$/ { print $2 }' "$1"; }
[ -n "$(ids "$HARNESS_TMP/as.before")" ] || { cat "$HARNESS_TMP/as.before" >&2; fail "no associations listed"; }
[ "$(ids "$HARNESS_TMP/as.before")" = "$(ids "$HARNESS_TMP/as.after")" ] ||
    fail "associations changed: $(cat "$HARNESS_TMP/as.before" "$HARNESS_TMP/as.after")"

# Back again: a new number, never a reused one.
first=$(grep -o "Listen normally on [0-9]* v0 10.93.0.1:123" "$log" | head -1 | awk '{print $4}')
ip addr add 10.93.0.1/24 dev v0
wait_until 2 sh -c "[ \$(grep -c 'Listen normally on [0-9]* v0 10.93.0.1:123' '$log') -eq 2 ]" ||
    fail "10.93.0.1 not bound again"
second=$(grep -o "Listen normally on [0-9]* v0 10.93.0.1:123" "$log" | tail -1 | awk '{print $4}')
[ "$second" -gt "$first" ] || fail "interface number reused: $first then $second"
ip addr del 10.93.0.1/24 dev v0
wait_until 2 sh -c "[ \$(grep -c 'Deleting interface #[0-9]* v0, 10.93.0.1#123' '$log') -eq 2 ]" ||
    fail "second removal not seen"
kill -TERM "$SERVER_PID"
wait_until 5 sh -c "! kill -0 $SERVER_PID 2>/dev/null" || fail "ntpd did not exit"

# Classic ntpd through the same add and remove (it rescans 2 s after a
# routing message); its two lines must read as ours, numbers aside.
classic_ntpd=$(classic_path sbin/ntpd) || { note "classic ntpd not available: $classic_ntpd"; exit 0; }
cat >"$HARNESS_TMP/classic.conf" <<CONF
server 127.127.1.0
fudge 127.127.1.0 stratum 10
disable ntp
interface listen all
interface ignore 10.94.0.0/16
CONF
start_bg classic_pid "$HARNESS_TMP/classic.out" "$classic_ntpd" -n -c "$HARNESS_TMP/classic.conf" \
    -l "$HARNESS_TMP/classic.log"
wait_until 10 grep -q "Listen normally on" "$HARNESS_TMP/classic.log" ||
    { cat "$HARNESS_TMP/classic.out" "$HARNESS_TMP/classic.log" >&2; fail "classic ntpd did not start"; }
ip addr add 10.93.0.1/24 dev v0
wait_until 10 listens "$HARNESS_TMP/classic.log" "10.93.0.1:123" ||
    { cat "$HARNESS_TMP/classic.log" >&2; fail "classic never bound 10.93.0.1"; }
ip addr del 10.93.0.1/24 dev v0
wait_until 10 grep -q "Deleting interface #[0-9]* v0, 10.93.0.1" "$HARNESS_TMP/classic.log" ||
    { cat "$HARNESS_TMP/classic.log" >&2; fail "classic never deleted 10.93.0.1"; }
shape() {
    grep -o "Listen normally on [0-9]* v0 10.93.0.1:123\|Deleting interface #.* v0, 10.93.0.1#123, .*secs" "$1" |
        head -2 | sed 's/[0-9][0-9]*/N/g'
}
shape "$log" >"$HARNESS_TMP/ours.shape"
shape "$HARNESS_TMP/classic.log" >"$HARNESS_TMP/classic.shape"
note "classic: $(grep -o 'Deleting interface.*' "$HARNESS_TMP/classic.log" | head -1)"
diff "$HARNESS_TMP/classic.shape" "$HARNESS_TMP/ours.shape" >&2 || fail "our lines differ from classic's"
grep -q "10.94.0.1" "$HARNESS_TMP/classic.log" && note "classic bound the ignored 10.94.0.1 too"
exit 0
