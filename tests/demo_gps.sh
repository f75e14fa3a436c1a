#!/bin/sh
# make demo-gps: a GPS time server without a LOCAL clock.
#
# tests/e2e/shm_writer plays gpsd: it writes the SysV SHM segment of unit 0
# once a second, as gpsd does for a receiver, with the reference 2 ms ahead.
# ntpd runs `server 127.127.28.0` (SHM) as its only source, in a private
# network and IPC namespace, without CAP_SYS_TIME and with --no-adjust, so
# nothing on this machine changes. ntpq -p shows SHM(0) as the system peer;
# ntpdate -q sees a stratum 1 server.
set -u
. "$top_srcdir/tests/lib/harness.sh"

WRITER="$top_builddir/tests/e2e/shm_writer"
[ -x "$WRITER" ] || fail "$WRITER is not built (make demo-gps builds it)"
if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null; then
    echo "== (the demo needs root for private network and IPC namespaces; skipped)"
    exit 0
fi
harness_netns_ipc "$@"

conf="$HARNESS_TMP/ntp.conf"
cat >"$conf" <<CONF
# A GPS-fed server: gpsd writes SHM unit 0, no LOCAL fallback.
server 127.127.28.0 minpoll 4 maxpoll 4 prefer
fudge 127.127.28.0 refid GPS
restrict default kod limited nomodify notrap nopeer noquery
restrict 127.0.0.1
restrict ::1
CONF
echo "== ntp.conf"
cat "$conf"
echo "== ntpd --configtest -c ntp.conf"
run_nocap "$NTPD" --configtest -c "$conf"
echo "== ntpd -n --no-adjust -c ntp.conf   (private netns + ipc, CAP_SYS_TIME dropped)"
start_bg pid "$HARNESS_TMP/ntpd.log" "$NTPD" -n --no-adjust -c "$conf"
wait_until 10 grep -q "Listen normally on" "$HARNESS_TMP/ntpd.log" ||
    { cat "$HARNESS_TMP/ntpd.log"; fail "ntpd did not start"; }
echo "== shm_writer --unit 0 --offset 0.002   (the fake gpsd)"
start_bg writer "$HARNESS_TMP/writer.log" "$WRITER" --unit 0 --offset 0.002 --seconds 120
wait_until 5 test -s "$HARNESS_TMP/writer.log" && cat "$HARNESS_TMP/writer.log"

synced() { "$NTPQ" -n -c "rv 0 stratum" 127.0.0.1 2>/dev/null | grep -q "stratum=1$\|stratum=1,"; }
wait_until 40 synced || echo "(not synchronised after 40 s)"

echo "== ntpq -p 127.0.0.1"
"$NTPQ" -p 127.0.0.1
echo "== ntpq -pn 127.0.0.1"
"$NTPQ" -pn 127.0.0.1
echo "== ntpq -c cv 127.0.0.1"
assoc=$("$NTPQ" -c associations 127.0.0.1 | awk '$2 ~ /^[0-9]+$/ && NR > 2 {print $2; exit}')
"$NTPQ" -c "cv $assoc" 127.0.0.1
if [ -x "$NTPDATE" ]; then
    echo "== ntpdate -q 127.0.0.1"
    run_nocap "$NTPDATE" -q 127.0.0.1
fi

echo "== kill -TERM ntpd"
kill -TERM "$pid"
wait_until 2 sh -c "! kill -0 $pid 2>/dev/null" || fail "ntpd did not stop"
echo "== ntpd log"
cat "$HARNESS_TMP/ntpd.log"
