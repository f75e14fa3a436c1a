#!/bin/sh
# ntptime side by side with classic ntptime on the same kernel: the same
# lines, labels and layout (numbers masked: the time moves between the two
# runs), the same decoded state and status names, and byte for byte the same
# usage text and the same refusal of every setting when CAP_SYS_TIME is gone
# (everything runs through run_nocap, so no run can change the clock).
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/lib/classic.sh"
CLASSIC=$(classic_path sbin/ntptime) || exit $?
OURS="$top_builddir/ntptime/ntptime"
[ -x "$OURS" ] || fail "$OURS not built"

# Both programs under the same argv[0], so their messages can be compared.
ln -s "$OURS" "$HARNESS_TMP/ours" && mkdir "$HARNESS_TMP/o" "$HARNESS_TMP/c" &&
    ln -s "$OURS" "$HARNESS_TMP/o/ntptime" && ln -s "$CLASSIC" "$HARNESS_TMP/c/ntptime" ||
    fail "cannot make the links"

run() {  # WHO NAME ARGS...: stdout, stderr and status in $HARNESS_TMP/NAME.WHO.*
    _who=$1 _name=$2
    shift 2
    (cd "$HARNESS_TMP/$_who" && run_nocap ./ntptime "$@" >"../$_name.$_who.out" 2>"../$_name.$_who.err"
     echo $? >"../$_name.$_who.rc")
}
both() { run o "$@"; run c "$@"; }
masked() { sed -e 's/[0-9a-f][0-9a-f]*/N/g' "$1"; }
same_bytes() {  # NAME SUFFIX
    cmp -s "$HARNESS_TMP/$1.o.$2" "$HARNESS_TMP/$1.c.$2" || {
        diff "$HARNESS_TMP/$1.c.$2" "$HARNESS_TMP/$1.o.$2" >&2
        fail "$1: $2 differs from classic's"
    }
}
same_layout() {  # NAME
    masked "$HARNESS_TMP/$1.o.out" >"$HARNESS_TMP/$1.o.mask"
    masked "$HARNESS_TMP/$1.c.out" >"$HARNESS_TMP/$1.c.mask"
    same_bytes "$1" mask
    same_bytes "$1" rc
}

# Reading: the layout, and the decoded names exactly.
for args in "" "-r" "-c" "-M" "-N"; do
    name="read$(echo "$args" | tr -d ' -')"
    # shellcheck disable=SC2086
    both "$name" $args
    same_layout "$name"
    same_bytes "$name" err
    # -M/-N change a mode bit: refused like every other setting.
    case "$args" in -M|-N) continue ;; esac
    grep -q '^ntp_adjtime() returns code [0-9] (' "$HARNESS_TMP/$name.o.out" || fail "$name: no ntp_adjtime() block"
    for pat in '^ntp_gettime() returns' '^  status ' '^  modes '; do
        a=$(grep "$pat" "$HARNESS_TMP/$name.o.out") b=$(grep "$pat" "$HARNESS_TMP/$name.c.out")
        [ "$a" = "$b" ] || fail "$name: '$a' where classic prints '$b'"
    done
done
note "$(grep status "$HARNESS_TMP/read.o.out")"

# Setting without CAP_SYS_TIME: classic's two-line refusal on stderr, the
# ntp_gettime() block still printed, exit status 0 (as classic).
for args in "-f 12.5" "-o 100" "-s 0" "-t 4" "-e 10" "-m 10" "-T 37"; do
    name="set$(echo "$args" | tr -d ' -.')"
    # shellcheck disable=SC2086
    both "$name" $args
    same_layout "$name"
    same_bytes "$name" err
    grep -q "^Must be root to set kernel values$" "$HARNESS_TMP/$name.o.err" || fail "$name: not refused"
done

# Bad command lines: the usage text byte for byte, exit status 2.
for args in "-h" "-x" "-f" "extra" "-s 256" "-q -r"; do
    name="usage$(echo "$args" | tr -d ' -')"
    # shellcheck disable=SC2086
    both "$name" $args
    same_bytes "$name" err
    same_bytes "$name" out
    same_bytes "$name" rc
    [ "$(cat "$HARNESS_TMP/$name.o.rc")" = 2 ] || fail "$name: exit status is not 2"
done
exit 0
