#!/bin/sh
# make bench-sim: clock discipline on the clknetsim simulator, side by side
# with chronyd (and classic ntpd when its build is in the cache).
#
# The bench driver (simrun.py, from $shared_dir/simrun) runs each daemon as
# the client node of a simulated network whose reference servers are chronyd
# on perfect clocks, for six scenarios (LAN, WAN with three servers, a 50 s
# initial offset, a noisy path, a falseticker among four, a one-hour outage),
# and prints per scenario and daemon the median over the seeds of the true
# offset of the simulated clock after convergence. Our daemon runs unmodified
# (LD_PRELOAD simulation, libevent's poll backend); its profile is
# tests/bench/sim/ours.json. Nothing touches the host clock or network:
# simrun puts the run in a private network namespace and starts every node
# without CAP_SYS_TIME.
#
# SIM_SEEDS (default 1,2,3), SIM_SCENARIOS (default all: names or prefixes,
# comma-separated), SIM_WORKDIR (keep every node's logs there),
# SIM_CLASSIC=0 leaves classic ntpd out.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/lib/clknetsim.sh"
. "$top_srcdir/tests/lib/classic.sh"
. "$top_srcdir/tests/interop/peers.sh"

[ -x "$NTPD" ] || fail "ntpd is not built"
simrun="$shared_dir/simrun/simrun.py"
[ -f "$simrun" ] || skip "no simrun in $shared_dir/simrun"
command -v python3 >/dev/null || skip "python3 not found (simrun is a Python script)"
cns=$(clknetsim_dir) || skip "clknetsim is not available"
chronyd=$(peers_chronyd) || skip "chronyd not available (the reference servers and the comparison)"

set -- -d chronyd -d "$top_srcdir/tests/bench/sim/ours.json"
classic_ntpd="$(classic_prefix)/sbin/ntpd"
if [ "${SIM_CLASSIC:-1}" != 0 ] && [ -x "$classic_ntpd" ]; then
    set -- "$@" -d ntpd-classic
    NTPD_CLASSIC=$classic_ntpd
    export NTPD_CLASSIC
else
    note "classic ntpd not in the cache: left out (sh tests/lib/classic.sh builds it)"
fi
if [ -n "${SIM_SCENARIOS:-}" ]; then
    for _s in $(echo "$SIM_SCENARIOS" | tr ',' ' '); do set -- "$@" -s "$_s"; done
fi
[ -n "${SIM_WORKDIR:-}" ] && set -- "$@" --workdir "$SIM_WORKDIR"

CLKNETSIM_DIR=$cns CHRONYD=$chronyd OUR_NTPD=$NTPD
export CLKNETSIM_DIR CHRONYD OUR_NTPD
seeds=${SIM_SEEDS:-1,2,3}
echo "clknetsim scenarios, median of seeds $seeds (true offset of the simulated clock)"
python3 "$simrun" "$@" --seeds "$seeds" 2>"$HARNESS_TMP/progress" || {
    tail -n 20 "$HARNESS_TMP/progress" >&2
    fail "simrun failed"
}
# Runs that did not end by themselves at the end of the simulation.
if grep -E "rc=(no-exit|timeout)" "$HARNESS_TMP/progress" >&2; then
    fail "a daemon did not exit at the end of a simulated run (above)"
fi
