#!/bin/sh
# sntp side by side with classic sntp, both asking our ntpd (LOCAL only,
# --no-adjust) in a private network namespace: the same result line with the
# numbers masked (time, offset and distance; address, stratum and leap word
# exact), the same "no UCST response" line and exit status when nobody
# answers, usage errors, an authenticated query (-a 1 -k FILE, ours only),
# and -S refused without CAP_SYS_TIME as classic refuses it (every run goes
# through run_nocap: no run can change the clock).
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/lib/classic.sh"
classic_prefetch
harness_netns "$@"
CLASSIC=$(classic_path bin/sntp) || exit $?
OURS="$top_builddir/sntp/sntp"
NTPD="$top_builddir/ntpd/ntpd"
[ -x "$OURS" ] || fail "$OURS not built"
[ -x "$NTPD" ] || fail "$NTPD not built"
TZ=UTC
export TZ

# Both programs under the same argv[0], so their messages can be compared.
mkdir "$HARNESS_TMP/o" "$HARNESS_TMP/c" &&
    ln -s "$OURS" "$HARNESS_TMP/o/sntp" && ln -s "$CLASSIC" "$HARNESS_TMP/c/sntp" ||
    fail "cannot make the links"

run() {  # WHO NAME ARGS...: stdout, stderr and status in $HARNESS_TMP/NAME.WHO.*
    _who=$1 _name=$2
    shift 2
    (cd "$HARNESS_TMP/$_who" && run_nocap ./sntp "$@" >"../$_name.$_who.out" 2>"../$_name.$_who.err"
     echo $? >"../$_name.$_who.rc")
}
both() { run o "$@"; run c "$@"; }
# The first line is the version banner ("sntp VERSION ..."): only its first
# word is compared. On a result line the digits of the time, offset and
# distance are masked (the offset's sign too), keeping their widths.
masked() {
    awk 'NR == 1 { print $1; next }
         /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] / {
             for (i = 1; i <= 6; i++) if (i != 5) gsub(/[0-9]/, "N", $i)
             sub(/^[-+]/, "S", $4)
         }
         { print }' "$1"
}
same() {  # NAME: masked stdout, stderr and status as classic's
    for s in out err; do
        masked "$HARNESS_TMP/$1.o.$s" >"$HARNESS_TMP/$1.o.$s.mask"
        masked "$HARNESS_TMP/$1.c.$s" >"$HARNESS_TMP/$1.c.$s.mask"
    done
    for s in out.mask err.mask rc; do
        cmp -s "$HARNESS_TMP/$1.o.$s" "$HARNESS_TMP/$1.c.$s" || {
            diff "$HARNESS_TMP/$1.c.$s" "$HARNESS_TMP/$1.o.$s" >&2
            cat "$HARNESS_TMP/$1.c.err" >&2
            fail "$1: $s differs from classic's"
        }
    done
}

printf '1 MD5 sntp-test-key\n2 MD5 other-key\n' >"$HARNESS_TMP/keys"
chmod 600 "$HARNESS_TMP/keys"
cat >"$HARNESS_TMP/ntp.conf" <<CONF
server 127.127.1.0
fudge 127.127.1.0 stratum 10
keys $HARNESS_TMP/keys
trustedkey 1
restrict default kod nomodify notrap nopeer noquery
restrict 127.0.0.1
CONF
start_bg ntpd_pid "$HARNESS_TMP/ntpd.log" "$NTPD" -n --no-adjust -c "$HARNESS_TMP/ntp.conf"
wait_until 10 grep -q "Listen normally on" "$HARNESS_TMP/ntpd.log" ||
    { cat "$HARNESS_TMP/ntpd.log" >&2; fail "our ntpd did not start serving"; }

# Until ntpd is synchronised to LOCAL it answers unsynchronised; then s11.
synced() {
    run o probe -K /dev/null -t 1 127.0.0.1
    grep -q " 127.0.0.1 s11 no-leap$" "$HARNESS_TMP/probe.o.out"
}
wait_until 30 synced || { cat "$HARNESS_TMP/probe.o.out" "$HARNESS_TMP/ntpd.log" >&2; fail "ntpd never served s11"; }

both query -K /dev/null 127.0.0.1
same query
grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6} \(\+0000\) [-+]0\.[0-9]+ \+/- [0-9.]+ 127\.0\.0\.1 s11 no-leap$' \
    "$HARNESS_TMP/query.o.out" || { cat "$HARNESS_TMP/query.o.out" >&2; fail "query: no result line"; }
note "$(sed -n 2p "$HARNESS_TMP/query.o.out")"

# An hour east of Greenwich: classic prints the zone offset as -0100.
TZ=CET-1 both zone -K /dev/null 127.0.0.1
same zone
grep -q "^.* (-0100) .* 127.0.0.1 s11 no-leap$" "$HARNESS_TMP/zone.o.out" || fail "zone: not -0100"

# The default KoD file (its complaint when missing), options spelt long.
both longopts --timeout 2 --ntpversion=3 127.0.0.1
same longopts

# Nobody on 127.0.0.2: one line after the timeout, exit 0 (1 with -S).
both silent -K /dev/null -t 1 127.0.0.2
same silent
grep -qx "127.0.0.2 no UCST response after 1 seconds" "$HARNESS_TMP/silent.o.out" || fail "silent: no message"
# Several names: duplicate addresses reported, one line per silent address.
# Classic resolves the names in parallel, so its order varies: sorted (and
# no address under two names: which name keeps it varies too).
both several -K /dev/null --wait -t 1 127.0.0.2 127.0.0.3 127.0.0.2 127.0.0.1
for w in o c; do
    masked "$HARNESS_TMP/several.$w.out" | sort >"$HARNESS_TMP/several.$w.sorted"
done
cmp -s "$HARNESS_TMP/several.o.sorted" "$HARNESS_TMP/several.c.sorted" || {
    diff "$HARNESS_TMP/several.c.sorted" "$HARNESS_TMP/several.o.sorted" >&2
    fail "several: the lines differ from classic's"
}
grep -qx "127.0.0.2:123 127.0.0.2, duplicate address ignored." "$HARNESS_TMP/several.o.out" ||
    fail "several: no duplicate message"
grep -qx "127.0.0.3 no UCST response after 1 seconds" "$HARNESS_TMP/several.o.out" ||
    fail "several: --wait did not wait"
# Without --wait both stop at the first answer; --no-wait waits, as classic.
for opt in "" --no-wait; do
    name="first$(echo "$opt" | tr -dc 'a-z')"
    # shellcheck disable=SC2086
    both "$name" -K /dev/null -t 1 $opt 127.0.0.2 127.0.0.1
    for w in o c; do
        masked "$HARNESS_TMP/$name.$w.out" | sort >"$HARNESS_TMP/$name.$w.sorted"
    done
    cmp -s "$HARNESS_TMP/$name.o.sorted" "$HARNESS_TMP/$name.c.sorted" || {
        diff "$HARNESS_TMP/$name.c.sorted" "$HARNESS_TMP/$name.o.sorted" >&2
        fail "$name: the lines differ from classic's"
    }
done
both silentstep -K /dev/null -S -t 1 127.0.0.2
same silentstep
[ "$(cat "$HARNESS_TMP/silentstep.o.rc")" = 1 ] || fail "silentstep: exit status is not 1"

# Authenticated: our ntpd answers with key 1; a reply under key 2 (which
# ntpd does not trust, so its answer carries no valid MAC) is dropped.
# Only ours: classic sntp 4.3.91 crashes (SIGSEGV) on -a with a keys file.
run o auth -K /dev/null -a 1 -k "$HARNESS_TMP/keys" 127.0.0.1
grep -q " 127.0.0.1 s11 no-leap$" "$HARNESS_TMP/auth.o.out" || fail "auth: no result line"
[ "$(cat "$HARNESS_TMP/auth.o.rc")" = 0 ] || fail "auth: exit status"
run o badkey -K /dev/null -t 1 -a 2 -k "$HARNESS_TMP/keys" 127.0.0.1
if grep -q " s11 " "$HARNESS_TMP/badkey.o.out"; then fail "badkey: an unauthenticated reply was reported"; fi
run c auth -K /dev/null -a 1 -k "$HARNESS_TMP/keys" 127.0.0.1
note "classic sntp -a 1 -k FILE: exit status $(cat "$HARNESS_TMP/auth.c.rc")"

# -S without CAP_SYS_TIME: the line, then classic's refusal, exit 1.
both step -K /dev/null -S 127.0.0.1
same step
[ "$(cat "$HARNESS_TMP/step.o.rc")" = 1 ] || fail "step: exit status is not 1"
note "$(cat "$HARNESS_TMP/step.o.err")"

# Usage errors (stderr, exit 1; the version in the usage masked) and the
# missing server (stdout, exit 64).
for args in "-x" "-o 9 h" "-t abc h"; do
    name="usage$(echo "$args" | tr -dc 'a-z0-9')"
    # shellcheck disable=SC2086
    both "$name" $args
    for w in o c; do
        sed 's/ - Ver\. .*$/ - Ver. V/' "$HARNESS_TMP/$name.$w.err" >"$HARNESS_TMP/$name.$w.v"
    done
    for s in v rc out; do
        cmp -s "$HARNESS_TMP/$name.o.$s" "$HARNESS_TMP/$name.c.$s" || {
            diff "$HARNESS_TMP/$name.c.$s" "$HARNESS_TMP/$name.o.$s" >&2
            fail "$name: $s differs from classic's"
        }
    done
done
both noserver
same noserver
[ "$(cat "$HARNESS_TMP/noserver.o.rc")" = 64 ] || fail "noserver: exit status is not 64"
exit 0
