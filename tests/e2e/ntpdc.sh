#!/bin/sh
# ntpdc's mode 6 commands against our ntpd (LOCAL at stratum 10), and beside it classic ntpdc against classic ntpd
# (`enable mode7`, `disable ntp`) with the same associations, kept apart by
# interface rules: ours on 127.0.0.1, classic on 127.0.0.2. Compared: the
# listpeers lines, the peers header and remote column, the sysstats labels;
# commands that need mode 7 say so on one line and ntpdc still exits 0.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/lib/classic.sh"
classic_prefetch
harness_netns "$@"
. "$top_srcdir/tests/e2e/server_common.sh"
server_require
OURS="$top_builddir/ntpdc/ntpdc"
[ -x "$OURS" ] || skip "ntpdc is not built"
ip addr add 127.0.0.2/8 dev lo || fail "cannot add 127.0.0.2"

conf() {  # conf ADDRESS: LOCAL, listening on ADDRESS only
    cat <<CONF
server 127.127.1.0
fudge 127.127.1.0 stratum 10
interface ignore wildcard
interface ignore all
interface ignore lo
interface listen $1
CONF
}
conf 127.0.0.1 >"$HARNESS_TMP/ours.conf"
start_bg ours_pid "$HARNESS_TMP/ours.log" "$NTPD" -n --no-adjust -c "$HARNESS_TMP/ours.conf"
wait_until 10 grep -q "Listen normally on 0 lo 127.0.0.1:123" "$HARNESS_TMP/ours.log" || fail "our ntpd did not start"
wait_for_stratum 127.0.0.1 11 10 || fail "our ntpd not synchronised to LOCAL: $(probe 127.0.0.1)"

run() {  # run NAME ARGS...: our ntpdc; stdout NAME.out, stderr NAME.err
    _n=$1
    shift
    "$OURS" "$@" >"$HARNESS_TMP/$_n.out" 2>"$HARNESS_TMP/$_n.err" || fail "ntpdc $*: exit $?"
}
run list -n -c listpeers 127.0.0.1
printf 'client    127.127.1.0\n' >"$HARNESS_TMP/list.want"
sort "$HARNESS_TMP/list.out" | cmp -s - "$HARNESS_TMP/list.want" ||
    fail "listpeers: $(cat "$HARNESS_TMP/list.out" "$HARNESS_TMP/list.err")"
run peers -n -p 127.0.0.1
grep -q '^\*127\.127\.1\.0  *[0-9.]*  *10 ' "$HARNESS_TMP/peers.out" || fail "peers: $(cat "$HARNESS_TMP/peers.out")"
run stats -c sysstats 127.0.0.1
grep -q '^packets received:  *[1-9][0-9]*$' "$HARNESS_TMP/stats.out" || fail "sysstats: $(cat "$HARNESS_TMP/stats.out")"
run mode7 -c sysinfo -c "addserver 192.0.2.1" -c bogus 127.0.0.1
[ -s "$HARNESS_TMP/mode7.out" ] && fail "output for mode 7 commands: $(cat "$HARNESS_TMP/mode7.out")"
printf '%s\n' "***Command \`sysinfo' needs mode 7, which this ntpd does not support (try ntpq)" \
    "***Command \`addserver' needs mode 7, which this ntpd does not support (try ntpq)" \
    "***Command \`bogus' unknown" | cmp -s - "$HARNESS_TMP/mode7.err" || fail "mode 7 errors: $(cat "$HARNESS_TMP/mode7.err")"
echo "listpeers" | "$OURS" -n 127.0.0.1 >"$HARNESS_TMP/stdin.out" 2>&1 || fail "commands from stdin: exit $?"
sort "$HARNESS_TMP/stdin.out" | cmp -s - "$HARNESS_TMP/list.want" || fail "stdin: $(cat "$HARNESS_TMP/stdin.out")"

if classic_ntpd=$(classic_path sbin/ntpd) && classic_ntpdc=$(classic_path bin/ntpdc); then
    { conf 127.0.0.2; echo "disable ntp"; echo "enable mode7"; } >"$HARNESS_TMP/classic.conf"
    start_bg classic_pid "$HARNESS_TMP/classic.out" "$classic_ntpd" -n -c "$HARNESS_TMP/classic.conf" \
        -l "$HARNESS_TMP/classic.log"
    wait_until 10 grep -q "Listen normally on .* 127.0.0.2:123" "$HARNESS_TMP/classic.log" ||
        { cat "$HARNESS_TMP/classic.out" "$HARNESS_TMP/classic.log" >&2; fail "classic ntpd did not start"; }
    wait_until 20 sh -c "'$classic_ntpdc' -n -c listpeers 127.0.0.2 | grep -q 127.127.1.0" ||
        fail "classic ntpdc: $("$classic_ntpdc" -n -c listpeers 127.0.0.2 2>&1)"
    "$classic_ntpdc" -n -c listpeers 127.0.0.2 | sort | cmp -s - "$HARNESS_TMP/list.want" ||
        fail "classic listpeers differs: $("$classic_ntpdc" -n -c listpeers 127.0.0.2)"
    "$classic_ntpdc" -n -c peers 127.0.0.2 >"$HARNESS_TMP/classic.peers"
    [ "$(head -2 "$HARNESS_TMP/classic.peers")" = "$(head -2 "$HARNESS_TMP/peers.out")" ] || fail "peers header differs"
    [ "$(cut -c2-16 "$HARNESS_TMP/classic.peers" | sort)" = "$(cut -c2-16 "$HARNESS_TMP/peers.out" | sort)" ] ||
        fail "peers remotes: ours $(cat "$HARNESS_TMP/peers.out") classic $(cat "$HARNESS_TMP/classic.peers")"
    "$classic_ntpdc" -c sysstats 127.0.0.2 >"$HARNESS_TMP/classic.stats"
    [ "$(cut -d: -f1 "$HARNESS_TMP/classic.stats")" = "$(cut -d: -f1 "$HARNESS_TMP/stats.out")" ] ||
        fail "sysstats labels: ours $(cat "$HARNESS_TMP/stats.out") classic $(cat "$HARNESS_TMP/classic.stats")"
    note "classic peers: $(tail -n +3 "$HARNESS_TMP/classic.peers" | tr '\n' '|')"
    note "our peers:     $(tail -n +3 "$HARNESS_TMP/peers.out" | tr '\n' '|')"
else
    note "classic ntpd/ntpdc unavailable: checking ours alone"
fi
echo "ntpdc: ok"
