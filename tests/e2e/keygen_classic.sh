#!/bin/sh
# ntp-keygen -M side by side with classic's: the same file name pattern,
# header, line layout (key material masked: it is random), mode 0640, the
# ntp.keys link and the same stderr lines; every key of ours is printable
# ASCII without '#' (MD5) or 40 hex digits (SHA1). Autokey options are
# refused with a message and exit status 1.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/lib/classic.sh"
CLASSIC=$(classic_path sbin/ntp-keygen) || exit $?
OURS="$top_builddir/keygen/ntp-keygen"
[ -x "$OURS" ] || fail "$OURS not built"
mkdir "$HARNESS_TMP/o" "$HARNESS_TMP/c" || fail "mkdir"
(cd "$HARNESS_TMP/o" && run_nocap "$OURS" -M 2>err) || fail "our ntp-keygen -M failed"
(cd "$HARNESS_TMP/c" && run_nocap "$CLASSIC" -M 2>err) || fail "classic ntp-keygen -M failed"

for who in o c; do
    d="$HARNESS_TMP/$who"
    f=$(readlink "$d/ntp.keys") || fail "$who: no ntp.keys link"
    case "$f" in ntpkey_MD5key_"$(hostname)".[0-9]*) ;; *) fail "$who: link points at '$f'" ;; esac
    [ "$(stat -c %a "$d/$f")" = 640 ] || fail "$who: mode $(stat -c %a "$d/$f")"
    sed -e 's/^\( *[0-9]*\) MD5 .\{20\}  #/\1 MD5 K  #/' -e 's/^\([0-9]*\) SHA1 [0-9a-f]\{40\}  #/\1 SHA1 K  #/' \
        -e 's/[0-9][0-9]*/N/g' -e 's/^# [A-Z][a-z][a-z] [A-Z][a-z][a-z] .*/# DATE/' "$d/$f" >"$d/mask"
    sed -e 's/[0-9][0-9]*/N/g' "$d/err" >"$d/err.mask"
done
cmp -s "$HARNESS_TMP/o/mask" "$HARNESS_TMP/c/mask" || {
    diff "$HARNESS_TMP/c/mask" "$HARNESS_TMP/o/mask" >&2
    fail "the keys file layout differs from classic's"
}
cmp -s "$HARNESS_TMP/o/err.mask" "$HARNESS_TMP/c/err.mask" || {
    diff "$HARNESS_TMP/c/err.mask" "$HARNESS_TMP/o/err.mask" >&2
    fail "stderr differs from classic's"
}
f="$HARNESS_TMP/o/$(readlink "$HARNESS_TMP/o/ntp.keys")"
[ "$(grep -c '^ *[0-9]* MD5 [!-~]\{20\}  # MD5 key$' "$f")" = 10 ] || fail "not 10 MD5 keys"
[ "$(grep -c '^[0-9]* SHA1 [0-9a-f]\{40\}  # SHA1 key$' "$f")" = 10 ] || fail "not 10 SHA1 keys"
grep '^ *[0-9]* MD5 ' "$f" | cut -c8-27 | grep -q '#' && fail "an MD5 key holds '#'"

for opt in -m -T -I -H -G "" ; do
    # shellcheck disable=SC2086
    (cd "$HARNESS_TMP/o" && run_nocap "$OURS" $opt 512 >/dev/null 2>err2)
    rc=$?
    [ "$rc" = 1 ] || fail "ntp-keygen $opt: exit status $rc"
    grep -q "Autokey is not supported" "$HARNESS_TMP/o/err2" || fail "ntp-keygen $opt: no Autokey message"
done
exit 0
