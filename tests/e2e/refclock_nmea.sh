#!/bin/sh
# The NMEA reference clock (driver 20): a receiver emulated on a pty
# (tests/e2e/nmea_sender, $GNRMC + $GPGGA once a second, 100 ms after the
# second they name, its clock 30 ms ahead of ours), read through NTPsec's
# `refclock nmea ... path` spelling at the default 4800 baud with fudge
# time2 0.100 (the sentence delay):
#   * the line is set to 4800 baud by ntpd (mode 0);
#   * the association becomes reachable and the system peer, `ntpq -pn`
#     shows *127.127.20.0 .GPS. 0 l with offset 30 ms (+-10 ms), `ntpq -p`
#     names it GPS_NMEA(0);
#   * cv shows the last sentence as timecode, clockstats gets it each poll.
. "$top_srcdir/tests/lib/harness.sh"
harness_netns "$@"

SENDER="$top_builddir/tests/e2e/nmea_sender"
[ -x "$NTPD" ] || skip "ntpd is not built"
[ -x "$NTPQ" ] || skip "ntpq is not built"
[ -x "$SENDER" ] || fail "$SENDER not built (make check builds it)"

mkdir -p "$HARNESS_TMP/stats"
start_bg SENDER_PID "$HARNESS_TMP/sender.log" "$SENDER" --link "$HARNESS_TMP/gps0" --offset 0.030 \
    --delay 0.100 --seconds 300
wait_until 5 test -L "$HARNESS_TMP/gps0" || fail "no pty: $(cat "$HARNESS_TMP/sender.log")"

cat >"$HARNESS_TMP/ntp.conf" <<CONF
refclock nmea unit 0 path $HARNESS_TMP/gps0 minpoll 4 maxpoll 4 time2 0.100
disable ntp
logconfig =all
statsdir $HARNESS_TMP/stats/
filegen clockstats file clockstats type none enable
restrict 127.0.0.1
CONF
start_bg NTPD_PID "$HARNESS_TMP/ntpd.log" "$NTPD" -n --no-adjust -c "$HARNESS_TMP/ntp.conf"
wait_until 10 grep -q "Listen normally on" "$HARNESS_TMP/ntpd.log" ||
    { cat "$HARNESS_TMP/ntpd.log" >&2; fail "ntpd did not start"; }

# ntpd set the line to 4800 baud (the pty came up at its default speed).
wait_until 5 sh -c "stty -F '$HARNESS_TMP/gps0' speed | grep -qx 4800" ||
    fail "line speed is $(stty -F "$HARNESS_TMP/gps0" speed), expected 4800"

start=$(date +%s)
sys_peer() { "$NTPQ" -pn 127.0.0.1 | grep -q '^\*127\.127\.20\.0 '; }
wait_until 48 sys_peer || fail "NMEA is not the system peer within three polls: $("$NTPQ" -pn 127.0.0.1) $(cat "$HARNESS_TMP/ntpd.log")"
note "NMEA system peer after $(( $(date +%s) - start )) s"
line=$("$NTPQ" -pn 127.0.0.1 | grep '^\*127\.127\.20\.0 ')
note "$line"
echo "$line" | grep -Eq '^\*127\.127\.20\.0 +\.GPS\. +0 l ' || fail "unexpected -pn line: $line"
offset=$(echo "$line" | awk '{print $9}')
# pty delivery and wake-up latency on a loaded machine came to 6-10 ms: +-15 ms.
awk -v o="$offset" 'BEGIN { exit !(o > 15 && o < 45) }' || fail "offset $offset ms, receiver 30 ms ahead"
"$NTPQ" -p 127.0.0.1 | grep -q '^\*GPS_NMEA(0) ' || fail "ntpq -p does not name GPS_NMEA(0): $("$NTPQ" -p 127.0.0.1)"

assoc=$("$NTPQ" -c associations 127.0.0.1 | awk '$2 ~ /^[0-9]+$/ && NR > 2 {print $2; exit}')
cv=$("$NTPQ" -c "cv $assoc" 127.0.0.1)
echo "$cv" | grep -q 'timecode="\$GNRMC,[0-9.]*,A,' || fail "cv lacks the RMC timecode: $cv"
echo "$cv" | grep -q 'device="NMEA GPS Clock"' || fail "cv lacks the device: $cv"
rv=$("$NTPQ" -c "rv $assoc" 127.0.0.1)
echo "$rv" | grep -q 'refid=GPS' || fail "rv lacks refid=GPS: $rv"
wait_until 20 grep -q '127\.127\.20\.0 \$GNRMC,' "$HARNESS_TMP/stats/clockstats" ||
    fail "no RMC sentence in clockstats: $(cat "$HARNESS_TMP/stats/clockstats" 2>/dev/null)"
echo "NMEA: offset $offset ms (receiver 30 ms ahead, 100 ms sentence delay fudged)"
exit 0
