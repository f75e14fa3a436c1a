#!/bin/sh
# tests/lib/clknetsim.sh: the clknetsim clock-and-network simulator, built once.
#
# clknetsim (an LD_PRELOAD library plus a server that simulates clocks, the
# kernel's PLL/FLL and UDP between nodes) is not part of this repository: its
# source is taken from `$shared_dir/clknetsim`, copied into a cache directory
# named after a checksum of the source and built there with make.
#
#   sourced, after tests/lib/harness.sh:
#       . "$top_srcdir/tests/lib/clknetsim.sh"
#       cns=$(clknetsim_dir) || exit $?     # 77 = skip; $cns/clknetsim, $cns/clknetsim.so
#       clknetsim_node PIDVAR LOGFILE NODE SOCKET cmd args...
#
#   called:
#       sh tests/lib/clknetsim.sh           # build, print the directory
#
# A node runs with CAP_SYS_TIME dropped (harness start_bg) and with the
# library preloaded into the daemon alone, not into the capsh wrapper (which
# would connect to the simulator first). Everything it sees of time and the
# network is simulated.
#
# Environment:
#   NTP_CLKNETSIM_CACHE  cache directory (default $HOME/.cache/ntp-suite-clknetsim)
#   shared_dir           where clknetsim/ lives (set by make)

clknetsim_dir() {
    _src="${shared_dir:-}/clknetsim"
    [ -f "$_src/Makefile" ] || { echo "clknetsim.sh: no clknetsim source in $_src" >&2; return 77; }
    _sum=$(cat "$_src"/Makefile "$_src"/*.c "$_src"/*.cc "$_src"/*.h 2>/dev/null | cksum | cut -d' ' -f1)
    _cache="${NTP_CLKNETSIM_CACHE:-${HOME:-/tmp}/.cache/ntp-suite-clknetsim}"
    _dir="$_cache/$_sum"
    if [ ! -x "$_dir/clknetsim" ] || [ ! -f "$_dir/clknetsim.so" ]; then
        mkdir -p "$_cache" || return 77
        (
            if command -v flock >/dev/null 2>&1; then flock 9 || exit 77; fi
            [ -x "$_dir/clknetsim" ] && [ -f "$_dir/clknetsim.so" ] && exit 0
            rm -rf "$_dir.tmp" && cp -r "$_src" "$_dir.tmp" && chmod -R u+w "$_dir.tmp" || exit 77
            if ! make -C "$_dir.tmp" >"$_dir.tmp/build.log" 2>&1; then
                echo "clknetsim.sh: building clknetsim failed: $(tail -n 3 "$_dir.tmp/build.log")" >&2
                exit 77
            fi
            rm -rf "$_dir" && mv "$_dir.tmp" "$_dir"
        ) 9>"$_cache/.lock" || return 77
    fi
    echo "$_dir"
}

# clknetsim_node PIDVAR LOGFILE NODE SOCKET cmd args...: start node NODE of
# the simulation whose server listens on SOCKET (started after the nodes).
clknetsim_node() {
    _cn_var=$1 _cn_log=$2 _cn_node=$3 _cn_sock=$4
    shift 4
    _cn_so="$(clknetsim_dir)/clknetsim.so" || return 77
    # 2025-01-01 unless told: clknetsim's own default (2010) lies before the
    # NTP era pivot of a current build, so a step would land in 2146.
    start_bg "$_cn_var" "$_cn_log" env CLKNETSIM_NODE="$_cn_node" CLKNETSIM_SOCKET="$_cn_sock" \
        CLKNETSIM_CONNECT_TIMEOUT=20 CLKNETSIM_START_DATE="${CLKNETSIM_START_DATE:-1735689600}" \
        LD_PRELOAD="$_cn_so" "$@"
}

case "${0##*/}" in
clknetsim.sh)
    set -u
    clknetsim_dir || exit 77
    ;;
esac
