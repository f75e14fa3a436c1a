#!/bin/sh
# Association ids are 16 bits: `ntpd --configtest` on a file with one server
# line too many names the first one past the limit (FILE:LINE:COL) and fails,
# at once; one line fewer passes. A file of 100 000 restrict lines loads
# (its load time is printed, not asserted).
. "$top_srcdir/tests/lib/harness.sh"
[ -x "$NTPD" ] || fail "$NTPD is not built"

# servers N FILE: N server lines, distinct addresses in 10/8.
servers() {
    awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++)
        printf "server 10.%d.%d.%d\n", int(i / 65536), int(i / 256) % 256, i % 256 }' >"$2"
}
servers 65536 "$HARNESS_TMP/over.conf"
run_nocap timeout 60 "$NTPD" --configtest -c "$HARNESS_TMP/over.conf" >"$HARNESS_TMP/out" 2>"$HARNESS_TMP/err"
rc=$?
[ "$rc" = 1 ] || { cat "$HARNESS_TMP/err" >&2; fail "65536 associations: exit status $rc, not 1"; }
want="$HARNESS_TMP/over.conf:65536:1: error: too many associations (limit 65535): 10.0.255.255 not mobilized"
grep -qxF "$want" "$HARNESS_TMP/err" || { cat "$HARNESS_TMP/err" >&2; fail "65536 associations: no '$want'"; }

servers 65535 "$HARNESS_TMP/full.conf"
run_nocap timeout 60 "$NTPD" --configtest -c "$HARNESS_TMP/full.conf" >"$HARNESS_TMP/out" 2>"$HARNESS_TMP/err" ||
    { cat "$HARNESS_TMP/err" >&2; fail "65535 associations refused"; }

awk 'BEGIN { print "server 127.127.1.0"; for (i = 0; i < 100000; i++)
    printf "restrict 10.%d.%d.%d nomodify\n", int(i / 65536), int(i / 256) % 256, i % 256 }' >"$HARNESS_TMP/r.conf"
t0=$(date +%s.%N)
run_nocap timeout 120 "$NTPD" --configtest -c "$HARNESS_TMP/r.conf" >"$HARNESS_TMP/out" 2>"$HARNESS_TMP/err" ||
    { cat "$HARNESS_TMP/err" >&2; fail "100 000 restrict lines refused"; }
t1=$(date +%s.%N)
grep -q "100000 restrict entries; 0 errors" "$HARNESS_TMP/out" || fail "restrict count wrong: $(cat "$HARNESS_TMP/out")"
note "100 000 restrict lines: --configtest in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s"
echo "fault_assoc_limit: ok"
