#!/bin/sh
# Details that scripts and log watchers see, side by side with classic ntpd
# and ntpq in one private network namespace: classic ntpd (disable ntp) on
# 127.0.0.2, ours (--no-adjust) on 127.0.0.1, both with the same LOCAL
# configuration.
#   * the stock ntpq -pn shows our LOCAL row as 127.127.1.0 (no srchost)
#   * `disable monitor` then `enable monitor`: every enable first, then every
#     disable, so monitoring is off in both (no MRU entries)
#   * NTPQ_* and $HOME/.ntprc presets work as with the stock ntpq
#   * pstats, authinfo, iostats: the same lines as classic's
#   * ntpq towards an unreachable network: the same message, exit status 1
#   * usage errors: classic's lines and exit status 1; --version=c accepted
#   * -w/--wait-sync: -n conflicts; a daemon that never synchronises makes
#     the parent print classic's timeout line and exit ETIMEDOUT; ours
#     synchronised to LOCAL releases the parent with status 0
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/lib/classic.sh"
classic_prefetch
harness_netns "$@"
CLASSIC_NTPD=$(classic_path sbin/ntpd) || exit $?
CLASSIC_NTPQ=$(classic_path bin/ntpq) || exit $?
[ -x "$NTPD" ] && [ -x "$NTPQ" ] || fail "ntpd or ntpq not built"
ip addr add 127.0.0.2/8 dev lo || fail "cannot add 127.0.0.2"

conf() {  # LISTEN-ADDRESS EXTRA-LINES...
    _listen=$1
    shift
    printf '%s\n' "server 127.127.1.0" "fudge 127.127.1.0 stratum 10" \
        "disable monitor" "enable monitor" "$@" \
        "interface ignore wildcard" "interface ignore all" "interface ignore lo" \
        "interface listen $_listen"
}
conf 127.0.0.2 "disable ntp" >"$HARNESS_TMP/c.conf"
conf 127.0.0.1 >"$HARNESS_TMP/o.conf"
start_bg c_pid "$HARNESS_TMP/c.log" "$CLASSIC_NTPD" -n -c "$HARNESS_TMP/c.conf"
start_bg o_pid "$HARNESS_TMP/o.log" "$NTPD" -n --no-adjust -c "$HARNESS_TMP/o.conf"

# Our LOCAL row through the stock ntpq: numeric, and selected.
ours_selected() { "$CLASSIC_NTPQ" -pn 127.0.0.1 2>/dev/null | grep -q '^\*127\.127\.1\.0 '; }
wait_until 20 ours_selected || {
    "$CLASSIC_NTPQ" -pn 127.0.0.1 >&2
    fail "stock ntpq -pn does not show *127.127.1.0 for our LOCAL clock"
}
"$CLASSIC_NTPQ" -p 127.0.0.1 | grep -q '^\*LOCAL(0) ' || fail "stock ntpq -p does not show *LOCAL(0)"
"$CLASSIC_NTPQ" -pn 127.0.0.2 | grep -q '^.127\.127\.1\.0 ' || fail "classic's own LOCAL row differs"

# Option presets: NTPQ_* variables and $HOME/.ntprc, as the stock ntpq.
for q in "$NTPQ" "$CLASSIC_NTPQ"; do
    NTPQ_NUMERIC=1 "$q" -p 127.0.0.1 | grep -q '^\*127\.127\.1\.0 ' || fail "$q: NTPQ_NUMERIC=1 not applied"
    mkdir -p "$HARNESS_TMP/home" && printf '# rc\n[NTPQ]\nnumeric\n' >"$HARNESS_TMP/home/.ntprc"
    (cd / && HOME="$HARNESS_TMP/home" "$q" -p 127.0.0.1) | grep -q '^\*127\.127\.1\.0 ' ||
        fail "$q: numeric from \$HOME/.ntprc not applied"
done

# Monitoring: clients of both, then both MRU lists.
"$NTPDATE" -q 127.0.0.1 127.0.0.2 >/dev/null 2>&1
for who in 127.0.0.1 127.0.0.2; do
    "$CLASSIC_NTPQ" -n -c mrulist "$who" >"$HARNESS_TMP/mru.$who" 2>&1
    grep -q 'Retrieved 0 unique MRU entries' "$HARNESS_TMP/mru.$who" || {
        cat "$HARNESS_TMP/mru.$who" >&2
        fail "$who: monitoring is on after 'disable monitor' + 'enable monitor'"
    }
done

# The counters classic shows for a LOCAL association and the whole daemon:
# the same lines, labels and layout (numbers masked).
for who in 127.0.0.1 127.0.0.2; do
    "$CLASSIC_NTPQ" -n -c "pstats &1" -c authinfo -c iostats "$who" 2>&1 |
        sed -e '/^associd=/d' -e 's/[0-9a-f]*[0-9][0-9a-f]*/N/g' >"$HARNESS_TMP/counters.$who"
done
cmp -s "$HARNESS_TMP/counters.127.0.0.2" "$HARNESS_TMP/counters.127.0.0.1" || {
    diff "$HARNESS_TMP/counters.127.0.0.2" "$HARNESS_TMP/counters.127.0.0.1" >&2
    fail "pstats/authinfo/iostats differ from classic's"
}

# Unreachable network: same message under the same name, same status.
mkdir "$HARNESS_TMP/o" "$HARNESS_TMP/c" &&
    ln -s "$NTPQ" "$HARNESS_TMP/o/ntpq" && ln -s "$CLASSIC_NTPQ" "$HARNESS_TMP/c/ntpq" &&
    ln -s "$NTPD" "$HARNESS_TMP/o/ntpd" && ln -s "$CLASSIC_NTPD" "$HARNESS_TMP/c/ntpd" ||
    fail "cannot make the links"
both() {  # NAME PROGRAM ARGS...: stderr and status of each in NAME.{o,c}.*
    _name=$1
    shift
    for _who in o c; do
        (cd "$HARNESS_TMP/$_who" && run_nocap "./$@" >/dev/null 2>"../$_name.$_who.err"
         echo $? >"../$_name.$_who.rc")
    done
}
same() {  # NAME: stderr with the version number masked, and status
    for _suffix in err rc; do
        for _who in o c; do
            sed 's/Ver\. [0-9.a-z]*/Ver. N/' "$HARNESS_TMP/$1.$_who.$_suffix" >"$HARNESS_TMP/$1.$_who.m$_suffix"
        done
        cmp -s "$HARNESS_TMP/$1.c.m$_suffix" "$HARNESS_TMP/$1.o.m$_suffix" || {
            diff "$HARNESS_TMP/$1.c.m$_suffix" "$HARNESS_TMP/$1.o.m$_suffix" >&2
            fail "$1: $_suffix differs from classic's"
        }
    done
}
both unreachable ntpq -p 192.0.2.1
same unreachable
[ "$(cat "$HARNESS_TMP/unreachable.o.rc")" = 1 ] || fail "ntpq exit status after a connect error"

both illegal ntpd -z
same illegal
both noarg ntpd -c
same noarg
both conflict46 ntpd -4 -6
same conflict46
both conflict_nw ntpd -n -w 5
same conflict_nw
[ "$(cat "$HARNESS_TMP/conflict_nw.o.rc")" = 1 ] || fail "usage errors exit 1"
"$NTPD" --version=c | grep -q '^ntpd ' || fail "--version=c refused"

# -w with nothing to synchronise to (classic: disable ntp never synchronises).
printf '%s\n' "server 10.99.0.1" "disable ntp" "interface ignore wildcard" "interface ignore all" \
    "interface ignore lo" "interface listen 127.0.0.1" "pidfile $HARNESS_TMP/w.c.pid" >"$HARNESS_TMP/w.c.conf"
printf '%s\n' "server 10.99.0.1" "interface ignore wildcard" "interface ignore all" \
    "interface ignore lo" "interface listen 127.0.0.2" "pidfile $HARNESS_TMP/w.o.pid" >"$HARNESS_TMP/w.o.conf"
kill "$c_pid" "$o_pid"
wait "$c_pid" "$o_pid" 2>/dev/null
run_nocap "$CLASSIC_NTPD" -w 1 -c "$HARNESS_TMP/w.c.conf" 2>"$HARNESS_TMP/w.c.err"
echo $? >"$HARNESS_TMP/w.c.rc"
run_nocap "$NTPD" --no-adjust -w 1 -c "$HARNESS_TMP/w.o.conf" 2>"$HARNESS_TMP/w.o.err"
echo $? >"$HARNESS_TMP/w.o.rc"
for who in c o; do
    [ -s "$HARNESS_TMP/w.$who.pid" ] && HARNESS_PIDS="$HARNESS_PIDS $(cat "$HARNESS_TMP/w.$who.pid")"
done
same w
[ "$(cat "$HARNESS_TMP/w.o.rc")" = 110 ] || fail "-w timeout status is $(cat "$HARNESS_TMP/w.o.rc"), not ETIMEDOUT"
grep -qx 'ntpd: -w/--wait-sync 1 timed out.' "$HARNESS_TMP/w.o.err" || fail "-w timeout line"
for who in c o; do
    [ -s "$HARNESS_TMP/w.$who.pid" ] && kill "$(cat "$HARNESS_TMP/w.$who.pid")" 2>/dev/null
done
gone() { ! kill -0 "$(cat "$HARNESS_TMP/w.c.pid")" && ! kill -0 "$(cat "$HARNESS_TMP/w.o.pid")"; }
wait_until 10 gone || fail "the -w daemons did not stop"

# -w with LOCAL: ours synchronises, the parent exits 0 once it has.
conf 127.0.0.1 "pidfile $HARNESS_TMP/l.pid" >"$HARNESS_TMP/l.conf"
run_nocap "$NTPD" --no-adjust -w 30 -c "$HARNESS_TMP/l.conf" 2>"$HARNESS_TMP/l.err"
rc=$?
[ -s "$HARNESS_TMP/l.pid" ] && HARNESS_PIDS="$HARNESS_PIDS $(cat "$HARNESS_TMP/l.pid")"
[ "$rc" = 0 ] || { cat "$HARNESS_TMP/l.err" >&2; fail "-w 30 with LOCAL: parent exit status $rc"; }
"$CLASSIC_NTPQ" -pn 127.0.0.1 | grep -q '^\*127\.127\.1\.0 ' || fail "-w returned before synchronisation"
echo "classic_details: ok"
