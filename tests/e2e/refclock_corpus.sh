#!/bin/sh
# How many real-world configs in $shared_dir/conf-corpus still name a time
# source or mode that will not run (`ntpd --configtest` says "... will not
# run" or "(broadcast/manycast mode) is not supported"); Autokey aside.
# Prints the count and the drivers/modes behind it, and fails when
#   * a driver ntpd runs (LOCAL 1, NMEA 20, SHM 28) is reported as not run, or
#   * the count rises above the ceiling below (lower it as drivers land).
. "$top_srcdir/tests/lib/harness.sh"

corpus="$shared_dir/conf-corpus"
[ -d "$corpus" ] || skip "no corpus at $corpus (configure --with-shared-dir)"
[ -x "$NTPD" ] || fail "$NTPD is not built"
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null 2>&1; then
    harness_netns "$@"
fi

ceiling=11
files=0
idle=0
: >"$HARNESS_TMP/why"
for conf in "$corpus"/*.conf; do
    files=$((files + 1))
    run_nocap "$NTPD" --configtest -c "$conf" 2>"$HARNESS_TMP/err" >/dev/null
    grep -E 'will not run|\(broadcast/manycast mode\) is not supported' "$HARNESS_TMP/err" >"$HARNESS_TMP/hits"
    [ -s "$HARNESS_TMP/hits" ] || continue
    idle=$((idle + 1))
    sed 's/.*warning: //' "$HARNESS_TMP/hits" >>"$HARNESS_TMP/why"
done
[ "$files" -ge 60 ] || fail "only $files corpus files found"

echo "corpus: $idle of $files files name a source or mode that will not run"
sort "$HARNESS_TMP/why" | uniq -c | sort -rn | sed 's/^/#   /'
if grep -Eq 'driver (1|20|28) ' "$HARNESS_TMP/why"; then
    fail "a driver ntpd runs is reported as not running: $(grep -E 'driver (1|20|28) ' "$HARNESS_TMP/why" | head -1)"
fi
[ "$idle" -le "$ceiling" ] || fail "$idle files will not fully run, more than the $ceiling of before"
exit 0
