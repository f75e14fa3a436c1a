# tests/e2e/ntpdate_common.sh: helpers for the ntpdate_*.sh tests.
# Source after tests/lib/harness.sh and harness_netns.
#
#   ntpdate_require                     skip unless ntpdate and bad_server are built
#   bad_server NAME ADDR MODE [args]    start tests/e2e/bad_server in MODE on
#                                       ADDR:123; requests are logged to
#                                       $HARNESS_TMP/NAME.log
#   nd NAME [ntpdate args...]           run ntpdate without CAP_SYS_TIME;
#                                       stdout, stderr and exit status land in
#                                       $HARNESS_TMP/NAME.out / .err / .rc
#   nd_bg NAME [ntpdate args...]        the same in the background; nd_wait
#                                       waits for all of them (a plain `wait`
#                                       would also wait for the servers)
#   expect_out NAME TEXT / expect_err NAME TEXT / expect_rc NAME N

BAD_SERVER="$top_builddir/tests/e2e/bad_server"

ntpdate_require() {
    [ -x "$NTPDATE" ] || skip "ntpdate is not built"
    [ -x "$BAD_SERVER" ] || skip "bad_server is not built (make check builds it)"
}

bad_server() {
    _bs_name=$1 _bs_addr=$2 _bs_mode=$3
    shift 3
    start_bg _bs_pid "$HARNESS_TMP/$_bs_name.server" "$BAD_SERVER" --listen "$_bs_addr" \
        --mode "$_bs_mode" --log "$HARNESS_TMP/$_bs_name.log" "$@"
    wait_until 5 grep -q '^ready' "$HARNESS_TMP/$_bs_name.server" ||
        { cat "$HARNESS_TMP/$_bs_name.server" >&2; fail "bad_server $_bs_mode on $_bs_addr did not start"; }
}

nd() {
    _nd_name=$1
    shift
    run_nocap "$NTPDATE" "$@" >"$HARNESS_TMP/$_nd_name.out" 2>"$HARNESS_TMP/$_nd_name.err"
    echo $? >"$HARNESS_TMP/$_nd_name.rc"
}

ND_PIDS=""
nd_bg() {
    nd "$@" &
    ND_PIDS="$ND_PIDS $!"
}

nd_wait() {
    for _nd_pid in $ND_PIDS; do wait "$_nd_pid"; done
    ND_PIDS=""
}

show() {
    echo "--- $1: exit $(cat "$HARNESS_TMP/$1.rc" 2>/dev/null)" >&2
    echo "--- stdout:" >&2
    cat "$HARNESS_TMP/$1.out" >&2
    echo "--- stderr:" >&2
    cat "$HARNESS_TMP/$1.err" >&2
}

expect_out() {
    grep -qF -- "$2" "$HARNESS_TMP/$1.out" || { show "$1"; fail "$1: stdout lacks '$2'"; }
}

expect_err() {
    grep -qF -- "$2" "$HARNESS_TMP/$1.err" || { show "$1"; fail "$1: stderr lacks '$2'"; }
}

expect_no_out() {
    if grep -qF -- "$2" "$HARNESS_TMP/$1.out"; then show "$1"; fail "$1: stdout has '$2'"; fi
}

expect_rc() {
    [ "$(cat "$HARNESS_TMP/$1.rc")" = "$2" ] || { show "$1"; fail "$1: exit status is not $2"; }
}

# Number of requests a bad_server saw.
requests() {
    [ -f "$HARNESS_TMP/$1.log" ] || { echo 0; return; }
    grep -c '^request ' "$HARNESS_TMP/$1.log"
}
