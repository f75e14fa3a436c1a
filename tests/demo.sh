#!/bin/sh
# make demo: the main job on a built-in default.
#
# 1. Check the sample configuration with the daemon's own parser.
# 2. Start ntpd as a LOCAL-only server (the classic closed-LAN setup:
#    `server 127.127.1.0` + `fudge 127.127.1.0 stratum 10`) on loopback, in a
#    private network namespace, without CAP_SYS_TIME and with --no-adjust,
#    so nothing on this machine changes.
# 3. Ask it with ntpq -p and ntpdate -q (when those are built).
# 4. Stop it with SIGTERM and show its log.
set -u
. "$top_srcdir/tests/lib/harness.sh"

if [ -f "$top_srcdir/etc/ntp.conf" ]; then
    echo "== ntpd --configtest -c etc/ntp.conf"
    run_nocap "$NTPD" --configtest -c "$top_srcdir/etc/ntp.conf"
fi

if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null; then
    echo "== (the live part needs root for a private network namespace; skipped)"
    exit 0
fi
harness_netns "$@"

conf="$HARNESS_TMP/ntp.conf"
cat >"$conf" <<CONF
# A LOCAL-only server, as on an isolated LAN.
server 127.127.1.0
fudge 127.127.1.0 stratum 10
restrict default kod limited nomodify notrap nopeer noquery
restrict 127.0.0.1
restrict ::1
CONF
echo "== ntp.conf"
cat "$conf"
echo "== ntpd -n --no-adjust -c ntp.conf   (private netns, CAP_SYS_TIME dropped)"
start_bg pid "$HARNESS_TMP/ntpd.log" "$NTPD" -n --no-adjust -c "$conf"
wait_until 10 grep -q "Listen normally on" "$HARNESS_TMP/ntpd.log" ||
    { cat "$HARNESS_TMP/ntpd.log"; fail "ntpd did not start"; }

synced() {
    if [ -x "$NTPQ" ]; then
        "$NTPQ" -n -c "rv 0 stratum" 127.0.0.1 2>/dev/null | grep -q "stratum=11"
    elif [ -x "$NTPDATE" ]; then
        run_nocap "$NTPDATE" -q 127.0.0.1 2>/dev/null | grep -q "stratum 11"
    else
        sleep 2
    fi
}
wait_until 15 synced || echo "(not synchronised after 15 s)"

if [ -x "$NTPQ" ]; then
    echo "== ntpq -p 127.0.0.1"
    "$NTPQ" -p 127.0.0.1
    echo "== ntpq -c rv 127.0.0.1"
    "$NTPQ" -c rv 127.0.0.1
else
    echo "== (ntpq is not built yet)"
fi
if [ -x "$NTPDATE" ]; then
    echo "== ntpdate -q 127.0.0.1"
    run_nocap "$NTPDATE" -q 127.0.0.1
else
    echo "== (ntpdate is not built yet)"
fi

echo "== kill -TERM ntpd"
kill -TERM "$pid"
wait_until 2 sh -c "! kill -0 $pid 2>/dev/null" || fail "ntpd did not stop"
echo "== ntpd log"
cat "$HARNESS_TMP/ntpd.log"
