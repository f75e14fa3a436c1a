#!/bin/sh
# A Windows w32time client (symmetric active, mode 1, version 3) behind
# `restrict default nopeer` gets stateless mode 2 replies (classic ntpd does;
# NTPsec stays silent), and no association is made for it.
. "$top_srcdir/tests/lib/harness.sh"
harness_netns "$@"
. "$top_srcdir/tests/e2e/server_common.sh"
server_require

cat >"$HARNESS_TMP/ntp.conf" <<CONF
server 127.127.1.0
fudge 127.127.1.0 stratum 10
restrict default kod nomodify notrap nopeer noquery
restrict 127.0.0.1
CONF
server_start "$HARNESS_TMP/ntp.conf"
wait_for_stratum 127.0.0.1 11 10 || fail "server not synchronised"

for src in 127.0.0.9 127.0.0.1; do
    out=$(probe --bind $src --mode 1 --version 3 --poll 10 --count 3 --interval-ms 100 127.0.0.1)
    echo "$out" | grep -q "sent=3 replies=3 " || fail "w32time client $src not answered 3 times: $out"
    echo "$out" | grep "^reply" | grep -vq "li=0 vn=3 mode=2 stratum=11 poll=10 .*origin=ok rec<xmt=yes" &&
        fail "unexpected symmetric reply from $src: $out"
done

# No association was mobilized: ntpq (when built) lists only LOCAL.
if [ -x "$NTPQ" ]; then
    peers=$("$NTPQ" -n -c associations 127.0.0.1 2>&1)
    note "$peers"
    echo "$peers" | grep -q "127.0.0.9" && fail "an association was made for the w32time client"
fi
echo "server_w32time: ok"
