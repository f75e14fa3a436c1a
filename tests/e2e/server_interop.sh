#!/bin/sh
# Real third-party clients accept our server: chronyd in query mode (-Q:
# measures, never touches the clock) and NTPsec's ntpdig, both from Debian
# packages unpacked by tests/interop/peers.sh (skipped when unavailable).
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/interop/peers.sh"
peers_prefetch
harness_netns "$@"
. "$top_srcdir/tests/e2e/server_common.sh"
server_require
chronyd=$(peers_chronyd) || skip "chronyd not available"
ntpdig=$(peers_ntpdig) || skip "ntpdig not available"

cat >"$HARNESS_TMP/ntp.conf" <<CONF
server 127.127.1.0
fudge 127.127.1.0 stratum 10
restrict default kod limited nomodify notrap nopeer noquery
restrict 127.0.0.1
restrict ::1
CONF
server_start "$HARNESS_TMP/ntp.conf"
wait_for_stratum 127.0.0.1 11 10 || fail "server not synchronised"

# ntpdig: one line "DATE TIME (+0000) +0.000012 +/- 0.000095 127.0.0.1 s11 no-leap".
out=$(run_nocap timeout 20 "$ntpdig" 127.0.0.1 2>&1)
note "ntpdig: $out"
echo "$out" | grep -q " 127.0.0.1 s11 no-leap" || fail "ntpdig did not accept our server: $out"
out=$(run_nocap timeout 20 "$ntpdig" ::1 2>&1)
echo "$out" | grep -q " ::1 s11 no-leap" || fail "ntpdig (IPv6) did not accept our server: $out"

# chronyd -Q prints the measured offset and exits 0 once it has a sample;
# with its default maxdistance (3 s) it takes one only when our root
# distance is small, which a LOCAL-only server reaches within seconds.
out=$(run_nocap timeout 30 "$chronyd" -Q -u root -f /dev/null -t 20 "server 127.0.0.1 iburst" 2>&1)
rc=$?
note "chronyd: $(echo "$out" | tail -n 2 | tr '\n' ' ')"
[ $rc -eq 0 ] || fail "chronyd -Q failed ($rc): $out"
echo "$out" | grep -q "System clock wrong by" || fail "chronyd -Q took no sample from our server: $out"
echo "server_interop: ok"
