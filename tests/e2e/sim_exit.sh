#!/bin/sh
# Under the clknetsim simulator (LD_PRELOAD: simulated clock and network,
# libevent on its poll backend), one ntpd serves its LOCAL clock to another
# for a simulated hour; both exit by themselves when the simulation ends: the
# simulator then raises SIGTERM inside every poll() and interrupts each one,
# so a daemon that looked at signals only from a timer would never see it.
. "$top_srcdir/tests/lib/harness.sh"
harness_netns "$@"
. "$top_srcdir/tests/lib/clknetsim.sh"
[ -x "$NTPD" ] || skip "ntpd is not built"
cns=$(clknetsim_dir) || skip "clknetsim is not available"

# SIM_EXIT_DIR=DIR keeps the simulation logs there.
t=${SIM_EXIT_DIR:-$HARNESS_TMP}; mkdir -p "$t"
# Node 1: our ntpd serving its LOCAL clock; node 2: our ntpd as its client.
printf '%s\n' 'node2_offset = 0.01' 'node2_freq = 1e-5' \
    'node1_delay2 = (+ 100e-6 (* 20e-6 (exponential)))' \
    'node2_delay1 = (+ 100e-6 (* 20e-6 (exponential)))' >"$t/sim.conf"
printf '%s\n' 'server 127.127.1.0' 'fudge 127.127.1.0 stratum 1' >"$t/server.conf"
printf '%s\n' 'server 192.168.123.1 iburst' "driftfile $HARNESS_TMP/ntp.drift" >"$t/client.conf"
EVENT_NOEPOLL=1
export EVENT_NOEPOLL
clknetsim_node server_pid "$t/node1.log" 1 "$t/sock" "$NTPD" -n -c "$t/server.conf"
clknetsim_node client_pid "$t/node2.log" 2 "$t/sock" "$NTPD" -n -g -c "$t/client.conf"
(cd "$t" && run_nocap timeout 60 "$cns/clknetsim" -s "$t/sock" -o log.offset -p log.packets -l 3600 sim.conf 2 \
    >stats 2>sim.log) || fail "clknetsim failed: $(cat "$t/sim.log" "$t/node1.log" "$t/node2.log")"
grep -q "Running simulation...done" "$t/sim.log" || fail "the simulation did not finish: $(cat "$t/sim.log")"
for node in 1 2; do
    if [ "$node" = 1 ]; then pid=$server_pid; else pid=$client_pid; fi
    wait_until 5 sh -c "! kill -0 $pid 2>/dev/null" ||
        fail "node $node: ntpd still running 5 s after the end of the simulation: $(sort -u "$t/node$node.log")"
    wait "$pid"
    status=$?
    [ "$status" -eq 0 ] || fail "node $node: exit status $status: $(sort -u "$t/node$node.log")"
    grep -q "ntpd exiting on signal 15" "$t/node$node.log" || fail "node $node: no exit line: $(sort -u "$t/node$node.log")"
done
# The client did discipline its simulated clock: the last offset is small.
last=$(tail -n 1 "$t/log.offset" | awk '{ v = $2 < 0 ? -$2 : $2; print (v < 0.001) ? "ok" : v }')
[ "$last" = ok ] || fail "the client's simulated clock is $last s off at the end"
echo "sim_exit: ok"
