#!/bin/sh
# tests/fuzz/fuzz.sh: runs the libFuzzer targets (configure --enable-fuzzers).
#
#   fuzz.sh replay         each target once over every file of its seed corpus
#                          (the `make check` test tests/fuzz/replay.sh)
#   fuzz.sh fuzz [SECONDS] each target for SECONDS (default FUZZ_SECONDS or 30)
#                          over a scratch copy of its seed corpus (`make fuzz`);
#                          FUZZ_SEED=N fixes libFuzzer's seed (else random)
#
# One line per target, then "fuzz: N targets, M failed". Exit status 1 when a
# target crashed, leaked, timed out or broke an invariant; its reproducer is
# kept in $top_builddir/tests/fuzz/artifacts/. No network, no clock: the
# targets only call codecs and parsers; the harness still drops CAP_SYS_TIME.
. "$top_srcdir/tests/lib/harness.sh"

mode=${1:-fuzz}
seconds=${2:-${FUZZ_SECONDS:-30}}
targets="ntp_packet control ntpq_reply config keys_file"
# libFuzzer reads -max_total_time=0 as "no limit": keep every run bounded.
case $seconds in
    '' | *[!0-9]* | 0) fail "FUZZ_SECONDS must be a whole number of seconds >= 1 (got '$seconds')" ;;
esac
corpus_root="$top_srcdir/tests/fuzz/corpus"
artifacts="$top_builddir/tests/fuzz/artifacts"

missing=""
for t in $targets; do
    [ -x "$top_builddir/tests/fuzz/fuzz_$t" ] || missing="$missing fuzz_$t"
done
if [ -n "$missing" ]; then
    msg="not built:$missing (configure CXX=clang++ --enable-fuzzers)"
    [ "$mode" = replay ] && skip "$msg"
    fail "$msg"
fi
mkdir -p "$artifacts" || fail "cannot create $artifacts"

# Inputs bigger than the default 4096 octets matter for whole configuration
# files and multi-fragment replies.
max_len() {
    case $1 in
        ntpq_reply | config | control) echo 16384 ;;
        *) echo 4096 ;;
    esac
}

failed=0
for t in $targets; do
    prog="$top_builddir/tests/fuzz/fuzz_$t"
    seeds="$corpus_root/$t"
    log="$HARNESS_TMP/$t.log"
    # libFuzzer's own exit codes (77 for a crash) would read as SKIP to automake.
    common="-error_exitcode=1 -timeout_exitcode=1 -rss_limit_mb=2048 -timeout=10 -artifact_prefix=$artifacts/$t-"
    if [ "$mode" = replay ]; then
        # shellcheck disable=SC2086
        set -- "$seeds"/*
        [ -e "$1" ] || fail "$t: no seeds in $seeds"
        run_nocap "$prog" $common "$@" >"$log" 2>&1
        rc=$?
        summary="$# seeds"
    else
        work="$HARNESS_TMP/corpus-$t"
        mkdir -p "$work" && cp "$seeds"/* "$work"/ || fail "$t: cannot copy the seed corpus"
        # shellcheck disable=SC2086
        run_nocap "$prog" $common -max_total_time="$seconds" -max_len="$(max_len "$t")" ${FUZZ_SEED:+-seed=$FUZZ_SEED} \
            -print_final_stats=1 "$work" >"$log" 2>&1
        rc=$?
        execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
        cov=$(grep -E '^#[0-9]+' "$log" | grep -o 'cov: [0-9]*' | tail -n1 | cut -d' ' -f2)
        ft=$(grep -E '^#[0-9]+' "$log" | grep -o 'ft: [0-9]*' | tail -n1 | cut -d' ' -f2)
        # The seed (FUZZ_SEED, or libFuzzer's random one) makes a failure
        # rerunnable: fuzz_T -seed=N with the same corpus.
        seed=$(sed -n 's/^INFO: Seed: *//p' "$log" | head -n1)
        summary="${execs:-?} execs, cov ${cov:-?}, ft ${ft:-?}, corpus $(ls "$work" | wc -l) (${seconds}s, seed ${seed:-?})"
    fi
    if [ "$rc" -eq 0 ]; then
        echo "fuzz_$t: ok, $summary"
    else
        failed=$((failed + 1))
        echo "fuzz_$t: FAILED (exit $rc), $summary"
        grep -E 'ERROR: |SUMMARY: |invariant violated|Test unit written|runtime error' "$log" | head -n 20 | sed 's/^/    /'
        tail -n 40 "$log" > "$artifacts/$t.log"
        echo "    log tail: $artifacts/$t.log"
    fi
done
n=$(echo $targets | wc -w)
echo "fuzz: $n targets, $failed failed"
[ "$failed" -eq 0 ]
