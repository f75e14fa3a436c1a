#!/bin/sh
# ntpdate against the scripted bad server: each broken reply is rejected the
# way classic ntpdate rejects it, a Windows (w32time AnnounceFlags=5) server
# is accepted, KoD RATE stops the polling at once, and the -q / -d texts
# keep the classic layout.
. "$top_srcdir/tests/lib/harness.sh"
harness_netns "$@"
. "$top_srcdir/tests/e2e/ntpdate_common.sh"
ntpdate_require

bad_server good 127.0.0.2 good
bad_server origin 127.0.0.3 wrong-origin
bad_server li3 127.0.0.4 li3
bad_server s16 127.0.0.5 stratum16
bad_server zrx 127.0.0.6 zero-receive
bad_server teq 127.0.0.7 transmit-equals-receive
bad_server kod 127.0.0.8 kod-rate
bad_server win 127.0.0.9 windows
bad_server silent 127.0.0.10 silent

# Every bad server alone: nothing suitable, exit 1, the classic -q line.
for s in origin:3 li3:4 s16:5 zrx:6 teq:7 silent:10; do
    nd_bg "q-${s%%:*}" -q -p 1 "127.0.0.${s#*:}"
done
nd_bg q-kod -q 127.0.0.8
nd_bg q-win -q -p 1 127.0.0.9
nd_wait

for s in origin:3:0 s16:5:0 silent:10:0 li3:4:2 zrx:6:2 teq:7:2; do
    name=q-${s%%:*}
    rest=${s#*:}
    addr=127.0.0.${rest%%:*}
    stratum=${rest#*:}
    expect_rc "$name" 1
    expect_err "$name" "ntpdate[" 
    expect_err "$name" "]: no server suitable for synchronization found"
    case $name in
    q-li3) expect_out "$name" "server $addr, stratum $stratum, offset " ;;
    *) expect_out "$name" "server $addr, stratum $stratum, offset 0.000000, delay 0.00000" ;;
    esac
    expect_no_out "$name" "time server"
done
# The LI=3 reply made a valid sample: only selection refused it.
grep -q "delay 0.00000" "$HARNESS_TMP/q-li3.out" && { show q-li3; fail "LI=3 reply did not reach the filter"; }

# KoD RATE: the classic notice on stderr, and no second request although -p is 4.
expect_rc q-kod 1
expect_err q-kod "ntpdate["
expect_err q-kod "]: 127.0.0.8 rate limit response from server."
[ "$(requests kod)" = 1 ] || fail "KoD RATE: $(requests kod) requests, expected 1"

# The Windows server: stratum 1, refid LOCL, version 3, 10 s root dispersion.
expect_rc q-win 0
expect_out q-win "server 127.0.0.9, stratum 1, offset "
expect_out q-win "]: adjust time server 127.0.0.9 offset "

# All together with -d: the drop reasons, then the -d blocks, and the
# stratum 1 server wins over the stratum 2 one.
nd all -d -p 1 127.0.0.2 127.0.0.3 127.0.0.4 127.0.0.5 127.0.0.6 127.0.0.7 127.0.0.8 127.0.0.9
expect_rc all 0
for a in 3 5 6 7 8; do expect_out all "127.0.0.$a: Server dropped: no data"; done
expect_out all "127.0.0.4: Server dropped: Leap not in sync"
expect_out all "refid [LOCL], delay "
expect_out all "stratum 1, precision -23, leap 00, trust 000"
expect_out all "refid [127.0.0.2], delay "
expect_out all "transmitted 1, in filter 1"
expect_out all "]: adjust time server 127.0.0.9 offset "
expect_err all "host found : 127.0.0.2"
# Transcript shape: version line first, the blocks after all transmit/receive lines.
head -n 1 "$HARNESS_TMP/all.out" | grep -q "]: ntpdate " || { show all; fail "-d does not start with the version line"; }
awk '/^server 127.0.0.2, port 123$/ {b=1} /^transmit\(/ && b {bad=1} END {exit bad}' "$HARNESS_TMP/all.out" ||
    fail "-d: transmit lines after the server blocks"

# Classic layout of one -d block (values vary; the shape must not).
nd one -d -q -p 2 127.0.0.2
expect_rc one 0
sed -n '/^server 127.0.0.2, port 123$/,/^$/p' "$HARNESS_TMP/one.out" >"$HARNESS_TMP/block"
block_line() {
    sed -n "$1p" "$HARNESS_TMP/block" | grep -Eqx -- "$2" ||
        { show one; fail "-d block line $1 differs from classic: '$(sed -n "$1p" "$HARNESS_TMP/block")'"; }
}
ts='[0-9a-f]{8}\.[0-9a-f]{8}  [A-Z][a-z][a-z], [A-Z][a-z][a-z] [ 0-9][0-9] [0-9]{4} [ 0-9][0-9]:[0-9][0-9]:[0-9][0-9]\.[0-9]{3}'
block_line 1 'server 127\.0\.0\.2, port 123'
block_line 2 'stratum 2, precision -20, leap 00, trust 000'
block_line 3 'refid \[127\.0\.0\.2\], delay [0-9]+\.[0-9]{5}, dispersion [0-9]+\.[0-9]{5}'
block_line 4 'transmitted 2, in filter 2'
block_line 5 "reference time:    $ts"
block_line 6 "originate timestamp: $ts"
block_line 7 "transmit timestamp:  $ts"
block_line 8 'filter delay: ( [0-9]\.[0-9]{5} ){2} 0\.00000  0\.00000 '
block_line 9 '         0\.00000  0\.00000  0\.00000  0\.00000 '
block_line 10 'filter offset:( -?[0-9]\.[0-9]{5,6}){2} 0\.000000 0\.000000'
block_line 11 '         0\.000000 0\.000000 0\.000000 0\.000000'
block_line 12 'delay [0-9]+\.[0-9]{5}, dispersion [0-9]+\.[0-9]{5}'
block_line 13 'offset -?[0-9]+\.[0-9]{6}'
block_line 14 ''
[ "$(wc -l <"$HARNESS_TMP/block")" = 14 ] || { show one; fail "-d block is not 14 lines"; }
exit 0
