#!/bin/sh
# Floods of 2000 requests per second for a few seconds, first from one
# address, then from 300 (127.0.1.1 .. 127.0.2.44), then briefly from 3000,
# against ntpd with
# `restrict default limited kod` and an MRU list capped at 100 entries.
# During and after each flood:
#   * ntpd is alive and answers; its resident memory grows by less than 4 MB;
#   * the MRU list never held more than maxdepth entries (peak addresses);
#   * KoD replies are far fewer than requests (KoDs are rate limited too);
#   * a well-behaved client on 127.0.0.9 polling every second during the
#     flood gets a valid time reply every time;
#   * the single flooding address still gets a share of its requests
#     answered (the leak that keeps a spoofed flood from black-holing the
#     real owner of the address), but far from all of them.
# Counts and durations are bounded; nothing here asserts on timings.
. "$top_srcdir/tests/lib/harness.sh"
harness_netns "$@"
. "$top_srcdir/tests/e2e/server_common.sh"
flood_require

maxdepth=100
cat >"$HARNESS_TMP/ntp.conf" <<CONF
server 127.127.1.0
fudge 127.127.1.0 stratum 10
restrict default limited kod nomodify notrap nopeer noquery
restrict 127.0.0.1
restrict ::1
mru mindepth 50 maxdepth $maxdepth
CONF
server_start "$HARNESS_TMP/ntp.conf"
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$SERVER_PID/status"; }
rss_start=$(rss_kb)
rate=2000
seconds=5

# flood NAME SOURCES: runs the flood and, while it runs, the polite client;
# leaves "sent=.. replies=.. kod=.. answered_sources=.." in $HARNESS_TMP/NAME.
flood() {
    start_bg flood_pid "$HARNESS_TMP/$1" "$FLOOD" --rate $rate --seconds $seconds \
        --from 127.0.1.1 --sources "$2" 127.0.0.1
    wait_until 5 sh -c "ss -uan | grep -q 127.0.1.1:" || fail "the flood did not start"
    # Four polls a second apart: well within `discard` limits for this address.
    probe --bind 127.0.0.9 --count 4 --interval-ms 1000 --timeout-ms 500 127.0.0.1 >"$HARNESS_TMP/$1.client"
    kill -0 "$flood_pid" 2>/dev/null || fail "$1: the flood ended before the client's polls (machine too slow?)"
    wait "$flood_pid" || fail "$1: ntp_flood failed: $(cat "$HARNESS_TMP/$1")"
    kill -0 "$SERVER_PID" 2>/dev/null || fail "$1: ntpd died"
    note "$1: $(cat "$HARNESS_TMP/$1")"
    good=$(grep -c "^reply len=48 li=[0-3] vn=4 mode=4 stratum=\([1-9]\|1[0-5]\) .*origin=ok" "$HARNESS_TMP/$1.client")
    [ "$good" -eq 4 ] || fail "$1: the polite client got $good of 4 valid replies: $(cat "$HARNESS_TMP/$1.client")"
    probe 127.0.0.1 | grep -q "^reply .* mode=4 " || fail "$1: ntpd not answering after the flood"
}
# field NAME KEY: a number from the flood tool's summary line
field() { sed -n "s/.*\\b$2=\\([0-9]*\\).*/\\1/p" "$HARNESS_TMP/$1"; }
# monstat LABEL: a number from `ntpq -c monstats`
monstat() { "$NTPQ" -c monstats 127.0.0.1 | awk -F: -v l="$1" '$1 == l {gsub(/ /, "", $2); print $2}'; }

# A synchronised server, so the polite client's replies carry a stratum.
wait_for_stratum 127.0.0.1 11 15 || fail "ntpd did not synchronise to its LOCAL clock"

note "flood from one address"
flood one 1
sent=$(field one sent) replies=$(field one replies) kods=$(field one kod)
[ "$sent" -ge $((rate * seconds / 2)) ] || fail "one: only $sent requests went out"
[ "$kods" -ge 1 ] || fail "one: no RATE kiss-o'-death at all"
[ "$kods" -le 3 ] || fail "one: $kods KoDs for one address in $seconds s: KoDs must be rate limited"
# The leak answers about 1 in 4 of the excess: a share, not all.
[ "$replies" -ge $((sent / 20)) ] || fail "one: the flooding address was black-holed ($replies of $sent answered)"
[ "$replies" -le $((sent / 2)) ] || fail "one: $replies of $sent answered: the flood was not limited"

note "flood from 300 addresses"
flood many 300
sent=$(field many sent) kods=$(field many kod)
[ "$sent" -ge $((rate * seconds / 2)) ] || fail "many: only $sent requests went out"
# At most one KoD per address and headway (8 s), and only for addresses the
# full MRU list could record.
[ "$kods" -le 300 ] || fail "many: $kods KoDs for 300 addresses in $seconds s"
[ "$kods" -lt $((sent / 10)) ] || fail "many: $kods KoDs for $sent requests"

note "flood from 3000 addresses (two requests each)"
[ "$(ulimit -n)" = unlimited ] || [ "$(ulimit -n)" -ge 4096 ] || ulimit -n 4096 2>/dev/null
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 3100 ]; then
    note "skipped: only $(ulimit -n) file descriptors for the 3000 sockets"
else
    start_bg flood_pid "$HARNESS_TMP/thousands" "$FLOOD" --rate $rate --seconds 3 \
        --from 127.0.16.1 --sources 3000 127.0.0.1
    wait "$flood_pid" || fail "thousands: ntp_flood failed: $(cat "$HARNESS_TMP/thousands")"
    note "thousands: $(cat "$HARNESS_TMP/thousands")"
    [ "$(field thousands sent)" -ge 3000 ] || fail "thousands: only $(field thousands sent) requests went out"
    probe 127.0.0.1 | grep -q "^reply .* mode=4 " || fail "thousands: ntpd not answering after the flood"
fi

peak=$(monstat "peak addresses")
max=$(monstat "maximum addresses")
note "MRU: peak $peak addresses, maximum $max"
[ "$max" = "$maxdepth" ] || fail "MRU maximum is $max, configured $maxdepth"
[ "$peak" -le "$maxdepth" ] || fail "MRU held $peak entries, more than maxdepth $maxdepth"
[ "$peak" -eq "$maxdepth" ] || fail "MRU peak $peak: the 300-address flood should have filled it"

rss_end=$(rss_kb)
note "ntpd RSS ${rss_start} kB before, ${rss_end} kB after the floods"
[ $((rss_end - rss_start)) -lt 4096 ] || fail "ntpd grew by $((rss_end - rss_start)) kB under the floods"
"$NTPQ" -c sysstats 127.0.0.1 | grep -E "rate limited|KoD responses" | while read -r l; do note "$l"; done
echo "fault_flood: ok"
