#!/bin/sh
# ntp-wait against our ntpd in a private namespace, side by side with
# classic's ntp-wait (the perl script, which runs classic's ntpq):
#   * no daemon: "Leap status not avalaible", exit 1, at the first try;
#   * a daemon that cannot synchronise (its only server does not answer):
#     every try is leap_alarm, "ntpd did not synchronize." with -v, exit 1;
#   * LOCAL at stratum 10: exit 0, "OK!" with -v;
#   * option errors: Getopt::Long's warning, usage, exit 1.
# Standard output and exit codes must match classic's byte for byte (the
# progress marks while waiting depend on timing and are compared only where
# the number of tries fixes them).
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/lib/classic.sh"
classic_prefetch
harness_netns "$@"
. "$top_srcdir/tests/e2e/server_common.sh"
server_require
OURS="$top_builddir/ntpwait/ntp-wait"
[ -x "$OURS" ] || skip "ntp-wait is not built"

CLASSIC=""
if classic_wait=$(classic_path sbin/ntp-wait) && classic_ntpq=$(classic_path bin/ntpq) &&
    command -v perl >/dev/null; then
    CLASSIC=$classic_wait
else
    note "classic ntp-wait unavailable: checking ours alone"
fi

# run_wait NAME PROGRAM ARGS...: stdout in $HARNESS_TMP/NAME.out, status in NAME.rc
run_wait() {
    _name=$1 _prog=$2
    shift 2
    if [ "$_prog" = "$OURS" ]; then
        "$_prog" "$@" >"$HARNESS_TMP/$_name.out" 2>"$HARNESS_TMP/$_name.err"
    else
        PATH="$(dirname "$classic_ntpq"):$PATH" perl "$_prog" "$@" \
            >"$HARNESS_TMP/$_name.out" 2>"$HARNESS_TMP/$_name.err"
    fi
    echo $? >"$HARNESS_TMP/$_name.rc"
}

# expect NAME RC TEXT: our run gave RC and exactly TEXT (printf format) on stdout.
expect() {
    printf "$3" >"$HARNESS_TMP/$1.want"
    [ "$(cat "$HARNESS_TMP/$1.rc")" = "$2" ] ||
        fail "$1: exit $(cat "$HARNESS_TMP/$1.rc"), want $2; stderr: $(cat "$HARNESS_TMP/$1.err")"
    cmp -s "$HARNESS_TMP/$1.out" "$HARNESS_TMP/$1.want" ||
        fail "$1: stdout $(od -c "$HARNESS_TMP/$1.out"), want $(od -c "$HARNESS_TMP/$1.want")"
}

# same_as_classic NAME ARGS...: classic's run with ARGS gives the same stdout and status.
same_as_classic() {
    [ -n "$CLASSIC" ] || return 0
    _n=$1
    shift
    run_wait "classic_$_n" "$CLASSIC" "$@"
    cmp -s "$HARNESS_TMP/$_n.out" "$HARNESS_TMP/classic_$_n.out" ||
        fail "$_n: ours $(od -c "$HARNESS_TMP/$_n.out") classic $(od -c "$HARNESS_TMP/classic_$_n.out")"
    [ "$(cat "$HARNESS_TMP/$_n.rc")" = "$(cat "$HARNESS_TMP/classic_$_n.rc")" ] ||
        fail "$_n: exit $(cat "$HARNESS_TMP/$_n.rc"), classic $(cat "$HARNESS_TMP/classic_$_n.rc")"
}

# --- no daemon ---
run_wait none "$OURS" -n 2 -s 1
expect none 1 '\bLeap status not avalaible\n'
same_as_classic none -n 2 -s 1
run_wait none_v "$OURS" -v -n 2 -s 1
expect none_v 1 'Waiting for ntpd to synchronize...  \bLeap status not avalaible\n'
grep -q "read: Connection refused" "$HARNESS_TMP/none_v.err" || fail "no read error on stderr: $(cat "$HARNESS_TMP/none_v.err")"
same_as_classic none_v -v -n 2 -s 1

# --- options ---
run_wait badopt "$OURS" -x -n 3
expect badopt 1 ''
[ "$(head -1 "$HARNESS_TMP/badopt.err")" = "Unknown option: x" ] || fail "badopt: $(cat "$HARNESS_TMP/badopt.err")"
same_as_classic badopt -x -n 3
run_wait badnum "$OURS" --tries=abc
expect badnum 1 ''
[ "$(head -1 "$HARNESS_TMP/badnum.err")" = 'Value "abc" invalid for option tries (number expected)' ] ||
    fail "badnum: $(cat "$HARNESS_TMP/badnum.err")"
same_as_classic badnum --tries=abc
run_wait zero "$OURS" -v -n 0
expect zero 1 'Waiting for ntpd to synchronize...  \bNo!\nntpd did not synchronize.\n'
same_as_classic zero -v -n 0

# --- a daemon that never synchronises (its server is an address nobody has) ---
ip addr add 127.0.0.2/8 dev lo || fail "cannot add 127.0.0.2"
cat >"$HARNESS_TMP/unsync.conf" <<CONF
server 127.0.0.2 iburst minpoll 3 maxpoll 3
CONF
server_start "$HARNESS_TMP/unsync.conf"
run_wait unsync "$OURS" -v -n 3 -s 1
expect unsync 1 'Waiting for ntpd to synchronize...  \b+\b:\b.\bNo!\nntpd did not synchronize.\n'
same_as_classic unsync -v -n 3 -s 1
run_wait unsync_q "$OURS" -n 2 -s 0
expect unsync_q 1 ''
same_as_classic unsync_q -n 2 -s 0
kill "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null

# --- LOCAL: synchronised within a few tries ---
cat >"$HARNESS_TMP/local.conf" <<CONF
server 127.127.1.0
fudge 127.127.1.0 stratum 10
CONF
server_start "$HARNESS_TMP/local.conf"
run_wait local "$OURS" -v -n 30 -s 1
[ "$(cat "$HARNESS_TMP/local.rc")" = 0 ] || fail "local: exit $(cat "$HARNESS_TMP/local.rc"): $(cat "$HARNESS_TMP/local.err")"
grep -q '^Waiting for ntpd to synchronize\.\.\.  .*OK!$' "$HARNESS_TMP/local.out" ||
    fail "local: $(od -c "$HARNESS_TMP/local.out")"
# Synchronised now: the first read answers, so the output is fixed.
run_wait synced "$OURS" -v
expect synced 0 'Waiting for ntpd to synchronize...  \bOK!\n'
same_as_classic synced -v
run_wait synced_q "$OURS"
expect synced_q 0 ''
same_as_classic synced_q
note "compared with classic: ${CLASSIC:-no}"
echo "ntp_wait: ok"
