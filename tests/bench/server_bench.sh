#!/bin/sh
# make bench: replies per second and server CPU time per reply, side by side:
# a bare stateless responder (the floor), our ntpd, chronyd and NTPsec's
# ntpd, each serving on 127.0.0.1:123 in a private network namespace with
# CAP_SYS_TIME dropped, loaded by the same generator (tests/bench/ntp_load).
# Not a pass/fail test: it prints numbers and ratios.
#
# BENCH_COUNT (default 200000) requests at most, BENCH_SECONDS (default 10)
# per server at most. chronyd and NTPsec come from Debian packages unpacked
# by tests/interop/peers.sh; missing ones are left out.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/interop/peers.sh"
peers_prefetch
harness_netns "$@"

count=${BENCH_COUNT:-200000}
seconds=${BENCH_SECONDS:-10}
LOAD="$top_builddir/tests/bench/ntp_load"
BARE="$top_builddir/tests/bench/bare_responder"
[ -x "$LOAD" ] && [ -x "$BARE" ] || fail "build with 'make bench' (ntp_load, bare_responder)"
hz=$(getconf CLK_TCK)

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# bench NAME PID: load 127.0.0.1:123 and print "NAME rate us_per_reply"
bench() {
    _name=$1 _pid=$2
    # Warm-up (also waits until the server answers at all).
    wait_until 10 sh -c "'$LOAD' --count 50 --seconds 1 127.0.0.1 | grep -qv 'received=0 '" ||
        { echo "$_name: no replies" >&2; return 1; }
    _before=$(cpu_ticks "$_pid")
    _out=$("$LOAD" --count "$count" --seconds "$seconds" 127.0.0.1)
    _after=$(cpu_ticks "$_pid")
    _recv=$(echo "$_out" | sed 's/.*received=\([0-9]*\).*/\1/')
    _rate=$(echo "$_out" | sed 's/.*rate=\([0-9]*\).*/\1/')
    _us=$(awk -v t=$((_after - _before)) -v hz="$hz" -v n="$_recv" 'BEGIN { if (n > 0) printf "%.2f", t / hz / n * 1e6; else print "inf" }')
    echo "$_name $_rate $_us $_out" >>"$HARNESS_TMP/results"
}

stop() {
    kill -TERM "$1" 2>/dev/null
    wait_until 5 sh -c "! kill -0 $1 2>/dev/null" || kill -KILL "$1" 2>/dev/null
}

: >"$HARNESS_TMP/results"

start_bg pid "$HARNESS_TMP/bare.log" "$BARE" 123 127.0.0.1
bench bare "$pid" && stop "$pid"

cat >"$HARNESS_TMP/ours.conf" <<CONF
server 127.127.1.0
fudge 127.127.1.0 stratum 10
restrict default nomodify notrap nopeer noquery
restrict 127.0.0.1
CONF
start_bg pid "$HARNESS_TMP/ours.log" "$NTPD" -n --no-adjust -c "$HARNESS_TMP/ours.conf"
bench ours "$pid" && stop "$pid"

if chronyd=$(peers_chronyd 2>/dev/null); then
    cat >"$HARNESS_TMP/chrony.conf" <<CONF
allow all
port 123
cmdport 0
local stratum 10
pidfile $HARNESS_TMP/chronyd.pid
CONF
    start_bg pid "$HARNESS_TMP/chronyd.log" "$chronyd" -d -x -u root -f "$HARNESS_TMP/chrony.conf"
    bench chronyd "$pid" && stop "$pid"
else
    note "chronyd not available: left out"
fi

if ntpsec=$(peers_ntpsec_ntpd 2>/dev/null); then
    # NTPsec drops fast repeats from one address unless the discard
    # thresholds are zero and the address has an entry of its own.
    cat >"$HARNESS_TMP/ntpsec.conf" <<CONF
tos orphan 10
disable ntp
restrict default nomodify notrap nopeer noquery
restrict 127.0.0.1
discard average 0 minimum 0
CONF
    start_bg pid "$HARNESS_TMP/ntpsec.log" "$ntpsec" -n -c "$HARNESS_TMP/ntpsec.conf"
    bench ntpsec "$pid" && stop "$pid"
else
    note "NTPsec ntpd not available: left out"
fi

echo "Stateless replies on 127.0.0.1:123, one load generator, up to $count requests / ${seconds} s each"
awk '
    { name[NR] = $1; rate[NR] = $2; us[NR] = $3; if ($1 == "ours") { orate = $2; ous = $3 } }
    END {
        printf "%-8s %12s %14s %14s %16s\n", "server", "replies/s", "CPU us/reply", "rate vs ours", "CPU vs ours"
        for (i = 1; i <= NR; i++) {
            rr = (orate > 0) ? sprintf("%.2fx", rate[i] / orate) : "-"
            cr = (ous > 0 && us[i] != "inf") ? sprintf("%.2fx", us[i] / ous) : "-"
            printf "%-8s %12s %14s %14s %16s\n", name[i], rate[i], us[i], rr, cr
        }
    }' "$HARNESS_TMP/results"
exit 0
