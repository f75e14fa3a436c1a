#!/bin/sh
# Broadcast mode over a veth pair between two network namespaces: our
# `broadcast 10.77.0.255` server here, a broadcast client on the far side.
#   1. ours -> ours with a key: the client mobilizes a `b` association for
#      the server, calibrates the delay with its volley and selects it (*);
#      the server shows its `B` association (.BCST.).
#   2. ours -> ours unsigned, `disable auth` and `novolley`: synchronised on
#      the broadcasts alone.
#   3. unsigned broadcasts to a client with authentication on (the default):
#      counted as bad authentication, no association; malformed ones are
#      counted as bad format.
#   4. multicast: `broadcast 224.0.1.1` (M, .MCST.) to `multicastclient`.
#   5. interop, where classic ntpd is built: classic's broadcastclient takes
#      our broadcasts, and ours takes classic's.
# Every daemon runs with clock control off (--no-adjust, classic `disable ntp`).
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/lib/classic.sh"
classic_prefetch
harness_netns "$@"
. "$top_srcdir/tests/e2e/server_common.sh"
server_require
[ -x "$NTPQ" ] || skip "ntpq is not built"
command -v ip >/dev/null || skip "ip(8) not found (iproute2)"
command -v nsenter >/dev/null || skip "nsenter not found (util-linux)"

start_bg far_pid "$HARNESS_TMP/far.log" unshare --net sleep 900
other_ns() { [ "$(readlink "/proc/$far_pid/ns/net")" != "$(readlink /proc/self/ns/net)" ]; }
wait_until 5 other_ns || fail "the far namespace did not come up"
far() { nsenter --net="/proc/$far_pid/ns/net" "$@"; }

ip link add v0 type veth peer name v1 netns "$far_pid" || skip "cannot create a veth pair"
ip link set v0 addrgenmode none 2>/dev/null
far ip link set v1 addrgenmode none 2>/dev/null
ip addr add 10.77.0.1/24 brd + dev v0 && far ip addr add 10.77.0.2/24 brd + dev v1 ||
    fail "cannot address the pair"
ip link set v0 up && far ip link set lo up && far ip link set v1 up || fail "links do not come up"

cat >"$HARNESS_TMP/ntp.keys" <<KEYS
5 SHA1 0123456789abcdef0123456789abcdef01234567
KEYS

# Our broadcast server: LOCAL at stratum 10 makes it synchronised at once.
server_conf() {
    cat <<CONF
server 127.127.1.0
fudge 127.127.1.0 stratum 10
keys $HARNESS_TMP/ntp.keys
trustedkey 5
broadcast 10.77.0.255 minpoll 3 $1
CONF
}

# Our client on the far side; its ntpq runs there too.
client_start() {
    rm -f "$HARNESS_TMP/client.log"
    start_bg client_pid "$HARNESS_TMP/client.log" nsenter --net="/proc/$far_pid/ns/net" \
        "$NTPD" -n --no-adjust -c "$1"
    wait_until 10 grep -q "Listen normally on" "$HARNESS_TMP/client.log" ||
        { cat "$HARNESS_TMP/client.log" >&2; fail "client ntpd did not start"; }
}
client_stop() {
    kill -TERM "$client_pid" 2>/dev/null
    wait_until 5 sh -c "! kill -0 $client_pid 2>/dev/null" || fail "client ntpd did not exit"
}
far_peers() { far "$NTPQ" -n -c "rv 0 offset" -p 127.0.0.1 2>&1; }
synced_to_server() { far "$NTPQ" -n -p 127.0.0.1 2>/dev/null | grep -q '^\*10\.77\.0\.1 .* b '; }
row() { far "$NTPQ" -n -p 127.0.0.1 | grep '10\.77\.0\.1 '; }
offset_ok() {
    # The offset column (ms) of the row: both clocks are this host's.
    _o=$(row | awk '{print $9}' | tr -d -)
    awk -v o="$_o" 'BEGIN { exit !(o != "" && o < 5) }'
}

# --- 1: with a key, calibrated by the volley -------------------------------
server_conf "key 5" >"$HARNESS_TMP/server.conf"
server_start "$HARNESS_TMP/server.conf"
wait_for_stratum 127.0.0.1 11 30 || { cat "$SERVER_LOG" >&2; fail "the server never synchronised to LOCAL"; }
"$NTPQ" -n -p 127.0.0.1 >"$HARNESS_TMP/server.peers"
grep -q '^ 10\.77\.0\.255 *\.BCST\. *16 B ' "$HARNESS_TMP/server.peers" ||
    { cat "$HARNESS_TMP/server.peers" >&2; fail "no B association for 10.77.0.255"; }

cat >"$HARNESS_TMP/client_key.conf" <<CONF
keys $HARNESS_TMP/ntp.keys
trustedkey 5
broadcastclient
CONF
client_start "$HARNESS_TMP/client_key.conf"
wait_until 90 synced_to_server || { far_peers >&2; cat "$HARNESS_TMP/client.log" >&2; fail "keyed: the client never selected the broadcast server"; }
grep -q "calibrated delay" "$HARNESS_TMP/client.log" ||
    { cat "$HARNESS_TMP/client.log" >&2; fail "keyed: no delay calibration"; }
offset_ok || { far_peers >&2; fail "keyed: offset not near 0"; }
note "keyed: $(row)"
note "keyed: $(grep -o 'calibrated delay.*' "$HARNESS_TMP/client.log")"
far "$NTPQ" -n -c "rv &1 authentic,hmode" 127.0.0.1 >"$HARNESS_TMP/assoc"
client_stop
kill -TERM "$SERVER_PID"
wait_until 5 sh -c "! kill -0 $SERVER_PID 2>/dev/null" || fail "server ntpd did not exit"

# --- 2: unsigned, disable auth, novolley -------------------------------------
server_conf "" >"$HARNESS_TMP/server.conf"
server_start "$HARNESS_TMP/server.conf"
cat >"$HARNESS_TMP/client_noauth.conf" <<CONF
disable auth
broadcastclient novolley
CONF
client_start "$HARNESS_TMP/client_noauth.conf"
wait_until 120 synced_to_server || { far_peers >&2; cat "$HARNESS_TMP/client.log" >&2; fail "novolley: the client never selected the broadcast server"; }
grep -q "calibrated delay" "$HARNESS_TMP/client.log" && fail "novolley: a volley was run"
offset_ok || { far_peers >&2; fail "novolley: offset not near 0"; }
note "novolley, disable auth: $(row)"
client_stop

# --- 3: unsigned broadcasts, authentication on --------------------------------
cat >"$HARNESS_TMP/client_auth.conf" <<CONF
keys $HARNESS_TMP/ntp.keys
trustedkey 5
broadcastclient
CONF
client_start "$HARNESS_TMP/client_auth.conf"
badauth() { far "$NTPQ" -c sysstats 127.0.0.1 | awk '/^authentication failed:/ { n = $3 } END { exit !(n >= 2) }'; }
wait_until 40 badauth || { far "$NTPQ" -c sysstats 127.0.0.1 >&2; fail "auth on: unsigned broadcasts not counted as bad authentication"; }
far "$NTPQ" -n -p 127.0.0.1 | grep -q '10\.77\.0\.1' && { far_peers >&2; fail "auth on: an unsigned broadcast mobilized an association"; }
note "auth on: $(far "$NTPQ" -c sysstats 127.0.0.1 | grep 'authentication failed')"
# Malformed broadcasts (one octet; a 48-octet header with a 10-octet trailer
# that is no MAC) are dropped and counted, and the client carries on.
badformat() { far "$NTPQ" -c sysstats 127.0.0.1 | awk '/^bad length or format:/ { n = $5 } END { exit !(n >= 2) }'; }
"$PROBE" --timeout-ms 50 --raw 25 10.77.0.255 >/dev/null
"$PROBE" --timeout-ms 50 --mode 5 --size 58 10.77.0.255 >/dev/null
wait_until 5 badformat || { far "$NTPQ" -c sysstats 127.0.0.1 >&2; fail "malformed broadcasts not counted"; }
kill -0 "$client_pid" || fail "the client died on malformed broadcasts"
note "malformed: $(far "$NTPQ" -c sysstats 127.0.0.1 | grep 'bad length')"
client_stop
kill -TERM "$SERVER_PID"
wait_until 5 sh -c "! kill -0 $SERVER_PID 2>/dev/null" || fail "server ntpd did not exit"

# --- 4: multicast to the default group -----------------------------------------
cat >"$HARNESS_TMP/server_mc.conf" <<CONF
server 127.127.1.0
fudge 127.127.1.0 stratum 10
keys $HARNESS_TMP/ntp.keys
trustedkey 5
broadcast 224.0.1.1 minpoll 3 key 5
CONF
server_start "$HARNESS_TMP/server_mc.conf"
"$NTPQ" -n -p 127.0.0.1 >"$HARNESS_TMP/server.peers"
grep -q '^ 224\.0\.1\.1 *\.MCST\. *16 M ' "$HARNESS_TMP/server.peers" ||
    { cat "$HARNESS_TMP/server.peers" >&2; fail "no M association for 224.0.1.1"; }
cat >"$HARNESS_TMP/client_mc.conf" <<CONF
keys $HARNESS_TMP/ntp.keys
trustedkey 5
multicastclient
CONF
client_start "$HARNESS_TMP/client_mc.conf"
wait_until 90 synced_to_server || { far_peers >&2; cat "$HARNESS_TMP/client.log" >&2; fail "multicast: the client never selected the server"; }
offset_ok || { far_peers >&2; fail "multicast: offset not near 0"; }
note "multicast: $(row)"
client_stop
kill -TERM "$SERVER_PID"
wait_until 5 sh -c "! kill -0 $SERVER_PID 2>/dev/null" || fail "server ntpd did not exit"

# --- 5: interop with classic ntpd ---------------------------------------------
classic_ntpd=$(classic_path sbin/ntpd) || { note "classic ntpd not available: $classic_ntpd"; exit 0; }
classic_ntpq=$(classic_path bin/ntpq) || { note "classic ntpq not available: $classic_ntpq"; exit 0; }

# 5a: classic's broadcastclient (authentication on, key 5) listens to ours.
server_conf "key 5" >"$HARNESS_TMP/server.conf"
server_start "$HARNESS_TMP/server.conf"
cat >"$HARNESS_TMP/classic_client.conf" <<CONF
disable ntp
keys $HARNESS_TMP/ntp.keys
trustedkey 5
broadcastclient
CONF
start_bg classic_pid "$HARNESS_TMP/classic_client.out" nsenter --net="/proc/$far_pid/ns/net" \
    "$classic_ntpd" -n -c "$HARNESS_TMP/classic_client.conf" -l "$HARNESS_TMP/classic_client.log"
classic_synced() { far "$classic_ntpq" -n -p 127.0.0.1 2>/dev/null | grep -q '^\*10\.77\.0\.1 '; }
wait_until 120 classic_synced || {
    far "$classic_ntpq" -n -p 127.0.0.1 >&2; cat "$HARNESS_TMP/classic_client.log" >&2
    fail "classic's broadcastclient never selected our broadcast server"
}
note "classic client: $(far "$classic_ntpq" -n -p 127.0.0.1 | grep '10\.77\.0\.1 ')"
kill -TERM "$classic_pid"
wait_until 5 sh -c "! kill -0 $classic_pid 2>/dev/null" || fail "classic ntpd did not exit"
kill -TERM "$SERVER_PID"
wait_until 5 sh -c "! kill -0 $SERVER_PID 2>/dev/null" || fail "server ntpd did not exit"

# 5b: ours listens to classic's broadcasts. With `disable ntp` classic never
# counts as synchronised from a source, and only a synchronised classic
# broadcasts: orphan mode (no source at all) makes it so without touching
# any clock.
cat >"$HARNESS_TMP/classic_server.conf" <<CONF
disable ntp
tos orphan 10 orphanwait 1
keys $HARNESS_TMP/ntp.keys
trustedkey 5
broadcast 10.77.0.255 minpoll 3 key 5
CONF
start_bg classic_pid "$HARNESS_TMP/classic_server.out" "$classic_ntpd" -n -c "$HARNESS_TMP/classic_server.conf" \
    -l "$HARNESS_TMP/classic_server.log"
wait_until 10 grep -q "Listen normally on" "$HARNESS_TMP/classic_server.log" ||
    { cat "$HARNESS_TMP/classic_server.out" "$HARNESS_TMP/classic_server.log" >&2; fail "classic ntpd did not start"; }
"$classic_ntpq" -n -p 127.0.0.1 >"$HARNESS_TMP/classic.peers"
note "classic server: $(grep '10\.77\.0\.255' "$HARNESS_TMP/classic.peers")"
sed 's/  */ /g' "$HARNESS_TMP/classic.peers" | grep -q '^ 10\.77\.0\.255 \.BCST\. 16 B ' ||
    { cat "$HARNESS_TMP/classic.peers" >&2; fail "classic's broadcast association does not read as ours does"; }
client_start "$HARNESS_TMP/client_key.conf"
wait_until 120 synced_to_server || {
    far_peers >&2; cat "$HARNESS_TMP/client.log" >&2; "$classic_ntpq" -n -p 127.0.0.1 >&2
    fail "our broadcastclient never selected classic's broadcasts"
}
offset_ok || { far_peers >&2; fail "classic's broadcasts: offset not near 0"; }
note "ours from classic: $(row)"
client_stop
exit 0
