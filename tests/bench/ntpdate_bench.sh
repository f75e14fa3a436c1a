#!/bin/sh
# make bench (ntpdate part): wall-clock time of one query of a responsive
# server, side by side: our ntpdate -q (classic 4 samples, and -p 1),
# NTPsec's ntpdig and its ntpdate wrapper, and chronyd -Q. Everything runs
# in a private network namespace against chronyd serving on 10.200.0.1,
# without CAP_SYS_TIME. Not a pass/fail test: it prints times and ratios.
#
# BENCH_RUNS (default 3) runs per client; the median is shown. Classic
# ntpdate 4.2.8 is not packaged any more; its time for the same query is
# about 6.2 s (requests at 0.2, 2.2, 4.2, 6.2 s).
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/interop/peers.sh"
peers_prefetch
harness_netns "$@"

runs=${BENCH_RUNS:-3}
[ -x "$NTPDATE" ] || fail "ntpdate is not built"
chronyd=$(peers_chronyd 2>/dev/null) || skip "chronyd not available (needed as the server)"

ip addr add 10.200.0.1/24 dev lo || fail "cannot add 10.200.0.1"
cat >"$HARNESS_TMP/chrony.conf" <<CONF
bindaddress 10.200.0.1
port 123
cmdport 0
local stratum 3
allow all
pidfile $HARNESS_TMP/chronyd.pid
CONF
start_bg server_pid "$HARNESS_TMP/chronyd.log" "$chronyd" -4 -x -d -u root -f "$HARNESS_TMP/chrony.conf"
answers() { run_nocap "$NTPDATE" -q -p 1 -t 1 10.200.0.1 >/dev/null 2>&1; }
wait_until 10 answers ||
    fail "chronyd does not answer on 10.200.0.1"

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# measure NAME CMD...: run CMD $runs times, record the median in ms (or
# "failed" when it did not exit 0).
measure() {
    _name=$1
    shift
    : >"$HARNESS_TMP/times"
    _i=0
    while [ "$_i" -lt "$runs" ]; do
        _t0=$(now_ms)
        if ! run_nocap timeout 60 "$@" >"$HARNESS_TMP/$_name.out" 2>&1; then
            echo "$_name failed" >>"$HARNESS_TMP/results"
            note "$_name: $(tail -n 2 "$HARNESS_TMP/$_name.out" | tr '\n' ' ')"
            return
        fi
        echo $(( $(now_ms) - _t0 )) >>"$HARNESS_TMP/times"
        _i=$((_i + 1))
    done
    echo "$_name $(sort -n "$HARNESS_TMP/times" | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')" \
        >>"$HARNESS_TMP/results"
}

: >"$HARNESS_TMP/results"
measure "ntpdate-q" "$NTPDATE" -q 10.200.0.1
measure "ntpdate-q-p1" "$NTPDATE" -q -p 1 10.200.0.1
if ntpdig=$(peers_ntpdig 2>/dev/null); then
    measure "ntpdig" "$ntpdig" 10.200.0.1
else
    note "ntpdig not available: left out"
fi
if ntpsec_ntpdate=$(peers_ntpsec_ntpdate 2>/dev/null); then
    measure "ntpsec-ntpdate-q" "$ntpsec_ntpdate" -q 10.200.0.1
else
    note "NTPsec's ntpdate wrapper not available: left out"
fi
measure "chronyd-Q" "$chronyd" -Q -u root -f /dev/null -t 30 "server 10.200.0.1 iburst"

echo "One query of a responsive server (chronyd on 10.200.0.1), median of $runs runs"
awk '
    { name[NR] = $1; ms[NR] = $2; if ($1 == "ntpdate-q") ours = $2 }
    END {
        printf "%-18s %10s %14s\n", "client", "seconds", "vs ntpdate -q"
        for (i = 1; i <= NR; i++) {
            if (ms[i] == "failed") { printf "%-18s %10s %14s\n", name[i], "failed", "-"; continue }
            r = (ours > 0) ? sprintf("%.2fx", ms[i] / ours) : "-"
            printf "%-18s %10.2f %14s\n", name[i], ms[i] / 1000, r
        }
        if (ours > 0) printf "%-18s %10.2f %14s\n", "classic (spec)", 6.2, sprintf("%.2fx", 6200 / ours)
    }' "$HARNESS_TMP/results"
exit 0
