#!/bin/sh
# ntpdate against third-party servers from Debian's packages (fetched by
# tests/interop/peers.sh): chronyd 4.3 as a server (local stratum 3) and
# NTPsec's ntpd with `disable ntp` (it follows chronyd but never declares
# itself synchronised, so leap stays 3).
# Expected, as with classic ntpdate (samples/classic/ntpdate-q*.txt):
# chronyd is used, NTPsec's unsynchronised replies are refused by selection
# ("Leap not in sync", "no server suitable", exit 1).
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/interop/peers.sh"
peers_prefetch
harness_netns "$@"
. "$top_srcdir/tests/e2e/ntpdate_common.sh"
ntpdate_require
CHRONYD=$(peers_chronyd) || skip "chronyd not available"
NTPSEC_NTPD=$(peers_ntpsec_ntpd) || skip "NTPsec ntpd not available"

# chronyd upstream on 10.200.0.1 (NTPsec refuses
# 127.x server addresses other than 127.0.0.1), NTPsec on 127.0.0.1 and
# 10.200.0.2 (its source address towards chronyd).
ip addr add 10.200.0.1/24 dev lo || fail "cannot add 10.200.0.1"
ip addr add 10.200.0.2/24 dev lo || fail "cannot add 10.200.0.2"
cat >"$HARNESS_TMP/ntp.conf" <<CONF
server 10.200.0.1 iburst minpoll 4 maxpoll 4
driftfile $HARNESS_TMP/ntp.drift
disable ntp
interface ignore wildcard
interface ignore all
interface listen 127.0.0.1
interface listen 10.200.0.2
restrict default
CONF
start_bg ntpsec_pid "$HARNESS_TMP/ntpsec.log" "$NTPSEC_NTPD" -n -c "$HARNESS_TMP/ntp.conf"

answers() {  # NAME ADDR STRATUM: a reply with this stratum reached ntpdate
    nd "$1" -q -p 1 -t 1 "$2"
    grep -q "server $2, stratum $3, " "$HARNESS_TMP/$1.out"
}
# Polls once a second until the deadline (seconds), whatever each try costs.
retry_for() {
    _deadline=$(( $(date +%s) + $1 ))
    shift
    while [ "$(date +%s)" -lt "$_deadline" ]; do
        "$@" && return 0
        sleep 1
    done
    return 1
}
wait_until 10 grep -q "Listen normally on .* 127.0.0.1:123" "$HARNESS_TMP/ntpsec.log" ||
    { cat "$HARNESS_TMP/ntpsec.log" >&2; fail "NTPsec did not start"; }

# NTPsec before it has a source: stratum 0 on the wire, which classic
# ntpdate reads as 16 and drops ("strata too high").
nd ntpsec_unsync -d -p 1 127.0.0.1
if grep -q "stratum 16, precision" "$HARNESS_TMP/ntpsec_unsync.out"; then
    expect_rc ntpsec_unsync 1
    expect_out ntpsec_unsync "127.0.0.1: Server dropped: strata too high"
    expect_err ntpsec_unsync "]: no server suitable for synchronization found"
else
    show ntpsec_unsync
    fail "NTPsec answered as synchronised before its upstream existed"
fi

# Now its upstream.
cat >"$HARNESS_TMP/chrony.conf" <<CONF
bindaddress 10.200.0.1
port 123
cmdport 0
local stratum 3
allow all
driftfile $HARNESS_TMP/chrony.drift
pidfile $HARNESS_TMP/chronyd.pid
CONF
# -x: never touch the clock; -4: IPv4 only; -u root: no _chrony user here.
start_bg chrony_pid "$HARNESS_TMP/chronyd.log" "$CHRONYD" -4 -x -d -u root -f "$HARNESS_TMP/chrony.conf"

retry_for 20 answers wait-chrony 10.200.0.1 3 ||
    { show wait-chrony; cat "$HARNESS_TMP/chronyd.log" >&2; fail "chronyd does not answer"; }

nd chrony -q 10.200.0.1
expect_rc chrony 0
expect_out chrony "server 10.200.0.1, stratum 3, offset "
expect_out chrony "]: adjust time server 10.200.0.1 offset "

nd chrony_set --clock=null -u -p 2 10.200.0.1
expect_rc chrony_set 0
expect_out chrony_set "]: adjust time server 10.200.0.1 offset "

# Synchronised to chronyd (stratum 4) but, with `disable ntp`, still leap 3:
# refused by selection as in samples/classic/ntpdate-q-classic-ntpd.txt.
retry_for 60 answers wait-ntpsec 127.0.0.1 4 ||
    { show wait-ntpsec; cat "$HARNESS_TMP/ntpsec.log" >&2; fail "NTPsec never answered stratum 4"; }
nd ntpsec -d -p 2 127.0.0.1
expect_rc ntpsec 1
expect_out ntpsec "127.0.0.1: Server dropped: Leap not in sync"
expect_out ntpsec "stratum 4, precision "
expect_out ntpsec ", leap 11, trust 000"
expect_out ntpsec "transmitted 2, in filter 2"
expect_err ntpsec "]: no server suitable for synchronization found"

# Both together: NTPsec is dropped, chronyd chosen.
nd both -q -p 2 127.0.0.1 10.200.0.1
expect_rc both 0
expect_out both "server 127.0.0.1, stratum 4, offset "
expect_out both "]: adjust time server 10.200.0.1 offset "
exit 0
