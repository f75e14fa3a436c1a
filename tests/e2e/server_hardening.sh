#!/bin/sh
# Hardening on the wire:
#  * no amplification: mode 7 (ntpdc monlist) and every malformed packet -
#    mode 0 (NTPv1 too), versions 0 and 5-7, short, oversize, broken
#    extension fields, MAC trailers other than 4/20/24 octets - get no reply,
#    are counted (ntpq sysstats) and leave no trace in the MRU list;
#    `enable mode7` is accepted with a warning;
#  * RFC 9109 source ports: B polls A from a random port that does not serve
#    (a client request sent there gets nothing); with --source-port=123, C
#    polls A from port 123 and still synchronises.
. "$top_srcdir/tests/lib/harness.sh"
harness_netns "$@"
. "$top_srcdir/tests/e2e/server_common.sh"
server_require
[ -x "$NTPQ" ] || skip "ntpq is not built"

# hexpkt FIRST_OCTET LENGTH [TRAILER_HEX]: FIRST_OCTET, zeros up to LENGTH
# octets, then TRAILER_HEX.
hexpkt() {
    _h=$1
    _i=1
    while [ "$_i" -lt "$2" ]; do _h="${_h}00"; _i=$((_i + 1)); done
    echo "$_h${3:-}"
}
zeros() { hexpkt 00 "$1"; }

cat >"$HARNESS_TMP/a.conf" <<CONF
server 127.127.1.0
fudge 127.127.1.0 stratum 10
enable mode7
interface ignore wildcard
interface ignore all
interface ignore lo
interface listen 127.0.0.1
CONF
start_bg a_pid "$HARNESS_TMP/a.log" "$NTPD" -n --no-adjust -c "$HARNESS_TMP/a.conf"
wait_until 10 grep -q "Listen normally on 0 lo 127.0.0.1:123" "$HARNESS_TMP/a.log" ||
    { cat "$HARNESS_TMP/a.log" >&2; fail "A did not start"; }
grep -q "enable mode7: mode 7 (ntpdc) is not supported" "$HARNESS_TMP/a.log" ||
    fail "no warning for 'enable mode7'"

# Controls: a plain request is answered; a 20-octet MAC under an unknown key
# gets a crypto-NAK that is shorter than the request.
probe --bind 127.0.0.9 --raw "$(hexpkt 23 48)" 127.0.0.1 | grep -q "^reply len=48 " ||
    fail "plain request not answered"
probe --bind 127.0.0.9 --raw "$(hexpkt 23 48 00000009)$(zeros 16)" 127.0.0.1 |
    grep -q "^reply len=52 " || fail "bad MAC not answered with a crypto-NAK"

before=$("$NTPQ" -c sysstats 127.0.0.1 | sed -n 's/^bad length or format: *//p')
bad=0
for pkt in \
    "$(hexpkt 17 48 | sed 's/^17000000/1700032a/')" \
    "$(hexpkt 17 192 | sed 's/^17000000/1700032a/')" \
    "$(hexpkt 08 48)" "$(hexpkt 20 48)" \
    "$(hexpkt 03 48)" "$(hexpkt 2b 48)" "$(hexpkt 33 48)" "$(hexpkt 3b 48)" \
    "$(hexpkt 23 47)" "$(hexpkt 23 12)" \
    "$(hexpkt 23 48 00010100)$(zeros 28)" \
    "$(hexpkt 23 48 00000009)$(zeros 4)" \
    "$(hexpkt 23 48 00000009)$(zeros 8)" \
    "$(hexpkt 23 48 00000009)$(zeros 12)" \
    "$(hexpkt 23 48 00000009)$(zeros 24)" \
    "$(hexpkt 23 48 000000)" \
    "$(hexpkt 23 3000)"; do
    out=$(probe --bind 127.0.0.30 --timeout-ms 300 --raw "$pkt" 127.0.0.1)
    echo "$out" | grep -q "^timeout" ||
        fail "answered a malformed packet ($(echo "$pkt" | cut -c1-24)..., $((${#pkt} / 2)) octets): $out"
    bad=$((bad + 1))
done
note "$bad malformed packets dropped"
after=$("$NTPQ" -c sysstats 127.0.0.1 | sed -n 's/^bad length or format: *//p')
# The two mode 7 packets count as restricted, the rest as bad format.
[ $((after - before)) -eq $((bad - 2)) ] ||
    fail "bad length or format went from $before to $after, expected +$((bad - 2))"
"$NTPQ" -n -c mrulist 127.0.0.1 >"$HARNESS_TMP/mru" 2>&1
grep -q " 127\.0\.0\.30$" "$HARNESS_TMP/mru" && fail "malformed packets left MRU state: $(cat "$HARNESS_TMP/mru")"
grep -q " 127\.0\.0\.9$" "$HARNESS_TMP/mru" || fail "the control client is missing from the MRU list"

# --- source ports: B (random, the default) and C (--source-port=123) ---
ip addr add 127.0.0.2/8 dev lo || fail "cannot add 127.0.0.2"
ip addr add 127.0.0.3/8 dev lo || fail "cannot add 127.0.0.3"
for n in 2 3; do
    cat >"$HARNESS_TMP/c$n.conf" <<CONF
server 127.0.0.1 iburst minpoll 3 maxpoll 4
interface ignore wildcard
interface ignore all
interface ignore lo
interface listen 127.0.0.$n
CONF
done
start_bg b_pid "$HARNESS_TMP/b.log" "$NTPD" -n --no-adjust -c "$HARNESS_TMP/c2.conf"
start_bg c_pid "$HARNESS_TMP/c.log" "$NTPD" -n --no-adjust --source-port=123 -c "$HARNESS_TMP/c3.conf"
wait_for_stratum 127.0.0.1 11 10 || fail "A not synchronised to LOCAL"
wait_for_stratum 127.0.0.3 12 40 ||
    { cat "$HARNESS_TMP/c.log" >&2; fail "C (--source-port=123) did not synchronise: $(probe 127.0.0.3)"; }
wait_for_stratum 127.0.0.2 12 20 || fail "B did not synchronise: $(probe 127.0.0.2)"

"$NTPQ" -n -c mrulist 127.0.0.1 >"$HARNESS_TMP/mru" 2>&1
note "$(cat "$HARNESS_TMP/mru")"
c_port=$(awk '$NF == "127.0.0.3" {print $(NF-1)}' "$HARNESS_TMP/mru")
# B's association socket is bound to the wildcard address: the kernel sends
# from 127.0.0.1, the address that reaches A.
b_port=$(awk '$NF == "127.0.0.1" {print $(NF-1)}' "$HARNESS_TMP/mru")
[ "$c_port" = 123 ] || fail "C polled from port '$c_port', not 123"
[ -n "$b_port" ] && [ "$b_port" != 123 ] || fail "B polled from port '$b_port', not a random port"

# B's association socket is no server: a client request sent there from
# A's address or a stranger gets nothing, and B keeps serving on port 123.
for from in 127.0.0.1 127.0.0.40; do
    probe --bind "$from" --port "$b_port" --timeout-ms 300 127.0.0.2 | grep -q "^timeout" ||
        fail "B's association port $b_port answered a request from $from"
done
probe 127.0.0.2 | grep -q "^reply .*stratum=12 " || fail "B stopped serving"
echo "server_hardening: ok"
