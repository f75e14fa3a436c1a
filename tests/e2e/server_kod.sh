#!/bin/sh
# `restrict ... limited kod`: a client that sends too fast gets one RATE
# kiss-o'-death, then mostly silence (KoDs are limited too); a well-behaved
# client from another address is not affected.
. "$top_srcdir/tests/lib/harness.sh"
harness_netns "$@"
. "$top_srcdir/tests/e2e/server_common.sh"
server_require

cat >"$HARNESS_TMP/ntp.conf" <<CONF
server 127.127.1.0
fudge 127.127.1.0 stratum 10
restrict default kod limited nomodify notrap nopeer noquery
discard average 3 minimum 2
CONF
server_start "$HARNESS_TMP/ntp.conf"

# 30 requests 100 ms apart from one address.
out=$(probe --bind 127.0.0.20 --count 30 --interval-ms 100 --timeout-ms 150 127.0.0.1)
summary=$(echo "$out" | tail -n 1)
note "flood: $summary"
kods=$(echo "$out" | grep -c "stratum=0 .*refid=RATE")
[ "$kods" -ge 1 ] || fail "no RATE kiss-o'-death: $out"
[ "$kods" -le 3 ] || fail "too many KoDs ($kods): they must be rate limited too"
echo "$out" | grep "refid=RATE" | grep -vq "li=3 vn=4 mode=4 stratum=0 " && fail "malformed KoD: $out"
timeouts=$(echo "$out" | grep -c "^timeout")
[ "$timeouts" -ge 10 ] || fail "excess requests were answered ($timeouts dropped): $out"

# Another client polling politely is served.
probe --bind 127.0.0.21 127.0.0.1 | grep -q "^reply .* mode=4 " || fail "innocent client not served"
echo "server_kod: ok"
