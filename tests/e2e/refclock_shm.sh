#!/bin/sh
# The SHM reference clock (driver 28) fed as gpsd feeds it, in a private
# network and IPC namespace:
#   * ntpd creates the segment (key 0x4e545030, 0600 for unit 0, 0666 for
#     unit 2) before any writer;
#   * with tests/e2e/shm_writer writing +50 ms, the association is the system
#     peer within three polls, `ntpq -pn` shows *127.127.28.0 .SHM. 0 l with
#     offset 50 ms (+-10 ms), `ntpq -p` names it SHM(0);
#   * rv shows refid/stratum, cv the ISO timecode, clockstats the tallies
#     (fudge flag4); a silent writer loses reach bits with clk_no_reply;
#   * classic ntpd fed by the same segment shows the same tally, refid and an
#     offset within 3 ms of ours.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/lib/classic.sh"
classic_prefetch
harness_netns_ipc "$@"

WRITER="$top_builddir/tests/e2e/shm_writer"
[ -x "$NTPD" ] || skip "ntpd is not built"
[ -x "$NTPQ" ] || skip "ntpq is not built"
[ -x "$WRITER" ] || fail "$WRITER not built (make check builds it)"
command -v ipcs >/dev/null || skip "ipcs(1) not found (util-linux)"

mkdir -p "$HARNESS_TMP/stats"
cat >"$HARNESS_TMP/ntp.conf" <<CONF
server 127.127.28.0 minpoll 4 maxpoll 4
fudge 127.127.28.0 flag4 1
refclock shm unit 2 minpoll 4 maxpoll 4 noselect
disable ntp
logconfig =all
statsdir $HARNESS_TMP/stats/
filegen clockstats file clockstats type none enable
restrict 127.0.0.1
CONF

start_bg NTPD_PID "$HARNESS_TMP/ntpd.log" "$NTPD" -n --no-adjust -c "$HARNESS_TMP/ntp.conf"
wait_until 10 grep -q "Listen normally on" "$HARNESS_TMP/ntpd.log" ||
    { cat "$HARNESS_TMP/ntpd.log" >&2; fail "ntpd did not start"; }

# The segments exist before anybody writes, with the classic permissions.
wait_until 5 sh -c 'ipcs -m | grep -q "^0x4e545030 "' || fail "no SHM segment for unit 0: $(ipcs -m)"
perms0=$(ipcs -m | awk '$1 == "0x4e545030" {print $4}')
perms2=$(ipcs -m | awk '$1 == "0x4e545032" {print $4}')
[ "$perms0" = 600 ] || fail "unit 0 segment has perms $perms0, expected 600"
[ "$perms2" = 666 ] || fail "unit 2 segment has perms $perms2, expected 666"

start=$(date +%s)
start_bg WRITER_PID "$HARNESS_TMP/writer.log" "$WRITER" --unit 0 --offset 0.050 --seconds 600
sys_peer() { "$NTPQ" -pn 127.0.0.1 | grep -q '^\*127\.127\.28\.0 '; }
wait_until 48 sys_peer || fail "SHM is not the system peer within three polls: $("$NTPQ" -pn 127.0.0.1)"
note "SHM system peer after $(( $(date +%s) - start )) s"

line=$("$NTPQ" -pn 127.0.0.1 | grep '^\*127\.127\.28\.0 ')
note "ours:    $line"
echo "$line" | grep -Eq '^\*127\.127\.28\.0 +\.SHM\. +0 l ' || fail "unexpected -pn line: $line"
ours=$(echo "$line" | awk '{print $9}')
awk -v o="$ours" 'BEGIN { exit !(o > 40 && o < 60) }' || fail "offset $ours ms, fed 50 ms"
"$NTPQ" -p 127.0.0.1 | grep -q '^\*SHM(0) ' || fail "ntpq -p does not name SHM(0): $("$NTPQ" -p 127.0.0.1)"
# Unit 2 (NTPsec spelling, noselect) is configured and silent.
"$NTPQ" -pn 127.0.0.1 | grep -q '^ 127\.127\.28\.2 ' || fail "no unit 2 line: $("$NTPQ" -pn 127.0.0.1)"

# Variables: refid and stratum in rv, timecode and device in cv.
assoc=$("$NTPQ" -c associations 127.0.0.1 | awk '$2 ~ /^[0-9]+$/ && NR > 2 {print $2; exit}')
rv=$("$NTPQ" -c "rv $assoc" 127.0.0.1)
echo "$rv" | grep -q 'srcadr=SHM(0)' || fail "first association is not SHM(0): $rv"
echo "$rv" | grep -q 'refid=SHM' || fail "rv lacks refid=SHM: $rv"
echo "$rv" | grep -q 'stratum=0' || fail "rv lacks stratum=0: $rv"
cv=$("$NTPQ" -c "cv $assoc" 127.0.0.1)
echo "$cv" | grep -Eq 'timecode="20[0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9:.]+Z"' || fail "cv lacks an ISO timecode: $cv"
echo "$cv" | grep -q 'device="SHM/Shared memory interface"' || fail "cv lacks the device: $cv"
# System status: clock source UHF radio (4), as classic.
sysrv=$("$NTPQ" -c rv 127.0.0.1)
echo "$sysrv" | grep -q 'sync_uhf_radio' || fail "system status is not sync_uhf_radio: $sysrv"
echo "$sysrv" | grep -q 'refid=SHM,' || fail "system refid is not the SHM clock: $sysrv"

# clockstats: flag4 tallies, one line a poll: ticks good notready bad clash.
wait_until 20 grep -Eq '127\.127\.28\.0 +[0-9]+ +[0-9]+ +[0-9]+ +0 +0$' "$HARNESS_TMP/stats/clockstats" ||
    fail "no clockstats tallies: $(cat "$HARNESS_TMP/stats/clockstats" 2>/dev/null)"

# The writer goes silent: the next poll has no sample (clk_no_reply), the
# reach register loses its low bit.
kill "$WRITER_PID"
wait_until 40 sh -c "'$NTPQ' -pn 127.0.0.1 | grep -Eq '127\.127\.28\.0 .* [0-9]+ +16 +(376|176|76|36|16|6|2) '" ||
    fail "reach did not drop after the writer stopped: $("$NTPQ" -pn 127.0.0.1)"
grep -q "127.127.28.0 .* clock_event clk_no_reply" "$HARNESS_TMP/ntpd.log" ||
    fail "no clock_event clk_no_reply in the log: $(grep 127.127.28.0 "$HARNESS_TMP/ntpd.log")"

kill "$NTPD_PID"
wait_until 5 sh -c "! kill -0 $NTPD_PID 2>/dev/null" || fail "ntpd did not stop"

# Classic fed by the same segment.
classic_ntpd=$(classic_path sbin/ntpd) || { note "classic ntpd not available: comparison skipped"; exit 0; }
start_bg WRITER_PID "$HARNESS_TMP/writer2.log" "$WRITER" --unit 0 --offset 0.050 --seconds 600
start_bg CLASSIC_PID "$HARNESS_TMP/classic.log" "$classic_ntpd" -n -c "$HARNESS_TMP/ntp.conf"
wait_until 60 sys_peer || fail "classic: SHM not the system peer: $("$NTPQ" -pn 127.0.0.1) $(cat "$HARNESS_TMP/classic.log")"
cline=$("$NTPQ" -pn 127.0.0.1 | grep '^\*127\.127\.28\.0 ')
note "classic: $cline"
[ "$(echo "$cline" | awk '{print $1, $2, $3, $4}')" = "$(echo "$line" | awk '{print $1, $2, $3, $4}')" ] ||
    fail "tally/refid/stratum/type differ: ours '$line', classic '$cline'"
theirs=$(echo "$cline" | awk '{print $9}')
awk -v a="$ours" -v b="$theirs" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d < 3) }' ||
    fail "offsets differ: ours $ours ms, classic $theirs ms"
echo "SHM: ours $ours ms, classic $theirs ms (fed 50 ms)"
exit 0
