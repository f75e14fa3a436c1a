#!/bin/sh
# ntptrace along a chain of two of our daemons in a private namespace (kept
# apart by interface rules as in server_chain.sh): B on 127.0.0.2 follows A
# on 127.0.0.1, A runs LOCAL at stratum 10. From B the trace shows B at
# stratum 12, then A at stratum 11 and stops there (A's source is a
# reference clock). Classic's ntptrace (perl, running classic's ntpq) is run
# against the same daemons: the same lines with the same hosts and strata;
# offsets and distances move between two runs, so they are compared as
# numbers in the %f form only. A host nobody answers gives no output, exit 0.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/lib/classic.sh"
classic_prefetch
harness_netns "$@"
. "$top_srcdir/tests/e2e/server_common.sh"
server_require
OURS="$top_builddir/ntptrace/ntptrace"
[ -x "$OURS" ] || skip "ntptrace is not built"
CLASSIC=""
if classic_trace=$(classic_path bin/ntptrace) && command -v perl >/dev/null; then
    CLASSIC=$classic_trace
else
    note "classic ntptrace unavailable: checking ours alone"
fi
ip addr add 127.0.0.2/8 dev lo || fail "cannot add 127.0.0.2"

# Nobody answers yet: nothing on stdout, exit 0, the read error on stderr.
"$OURS" -n 127.0.0.1 >"$HARNESS_TMP/none.out" 2>"$HARNESS_TMP/none.err" || fail "exit $? without a daemon"
[ -s "$HARNESS_TMP/none.out" ] && fail "output without a daemon: $(cat "$HARNESS_TMP/none.out")"
grep -q "Connection refused" "$HARNESS_TMP/none.err" || fail "no read error: $(cat "$HARNESS_TMP/none.err")"

cat >"$HARNESS_TMP/a.conf" <<CONF
server 127.127.1.0
fudge 127.127.1.0 stratum 10
interface ignore wildcard
interface ignore all
interface ignore lo
interface listen 127.0.0.1
CONF
cat >"$HARNESS_TMP/b.conf" <<CONF
server 127.0.0.1 iburst minpoll 3 maxpoll 4
interface ignore wildcard
interface ignore all
interface ignore lo
interface listen 127.0.0.2
CONF
start_bg a_pid "$HARNESS_TMP/a.log" "$NTPD" -n --no-adjust -c "$HARNESS_TMP/a.conf"
wait_until 10 grep -q "Listen normally on 0 lo 127.0.0.1:123" "$HARNESS_TMP/a.log" || fail "A did not start"
start_bg b_pid "$HARNESS_TMP/b.log" "$NTPD" -n --no-adjust -c "$HARNESS_TMP/b.conf"
wait_until 10 grep -q "Listen normally on 0 lo 127.0.0.2:123" "$HARNESS_TMP/b.log" || fail "B did not start"
wait_for_stratum 127.0.0.1 11 10 || fail "A not synchronised to LOCAL"
wait_for_stratum 127.0.0.2 12 40 || fail "B did not synchronise to A: $(probe 127.0.0.2)"

num='-\{0,1\}[0-9][0-9]*\.[0-9]\{6\}'
# shape FILE: the lines with the numbers replaced by N (after checking their form).
shape() {
    sed "s/offset $num, synch distance $num/offset N, synch distance N/" "$1"
}

"$OURS" -n 127.0.0.2 >"$HARNESS_TMP/n.out" 2>"$HARNESS_TMP/n.err" || fail "ntptrace -n: exit $?"
printf '127.0.0.2: stratum 12, offset N, synch distance N\n127.0.0.1: stratum 11, offset N, synch distance N\n' \
    >"$HARNESS_TMP/n.want"
shape "$HARNESS_TMP/n.out" | cmp -s - "$HARNESS_TMP/n.want" ||
    fail "ntptrace -n: $(cat "$HARNESS_TMP/n.out") $(cat "$HARNESS_TMP/n.err")"
# A's distance is its root dispersion (LOCAL has no delay): the line shows it in seconds.
"$OURS" -n -m 1 127.0.0.2 >"$HARNESS_TMP/m1.out" || fail "ntptrace -m 1: exit $?"
[ "$(wc -l <"$HARNESS_TMP/m1.out")" = 1 ] || fail "-m 1 printed: $(cat "$HARNESS_TMP/m1.out")"
"$OURS" >"$HARNESS_TMP/named.out" 2>&1 || fail "ntptrace: exit $?"
head -1 "$HARNESS_TMP/named.out" | grep -q "^localhost: stratum 11, offset $num, synch distance $num\$" ||
    fail "default host line: $(cat "$HARNESS_TMP/named.out")"

if [ -n "$CLASSIC" ]; then
    classic_bin=$(dirname "$CLASSIC")
    for args in "-n 127.0.0.2" "127.0.0.2" "-m 1 -n 127.0.0.2" "" "-n 127.0.0.9"; do
        # shellcheck disable=SC2086
        "$OURS" $args >"$HARNESS_TMP/ours.out" 2>/dev/null
        ours_rc=$?
        # shellcheck disable=SC2086
        PATH="$classic_bin:$PATH" perl "$CLASSIC" $args >"$HARNESS_TMP/classic.out" 2>"$HARNESS_TMP/classic.err"
        classic_rc=$?
        [ "$ours_rc" = "$classic_rc" ] || fail "ntptrace $args: exit $ours_rc, classic $classic_rc"
        shape "$HARNESS_TMP/ours.out" >"$HARNESS_TMP/ours.shape"
        shape "$HARNESS_TMP/classic.out" >"$HARNESS_TMP/classic.shape"
        cmp -s "$HARNESS_TMP/ours.shape" "$HARNESS_TMP/classic.shape" ||
            fail "ntptrace $args: ours
$(cat "$HARNESS_TMP/ours.out")
classic
$(cat "$HARNESS_TMP/classic.out") $(cat "$HARNESS_TMP/classic.err")"
        note "ntptrace $args: $(wc -l <"$HARNESS_TMP/ours.out") lines as classic"
    done
fi
echo "ntptrace: ok"
