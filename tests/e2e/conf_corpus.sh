#!/bin/sh
# The corpus gate: every real-world ntp.conf in $shared_dir/conf-corpus loads
# with `ntpd --configtest -c FILE`, and the verdicts match the table at the
# end of conf-corpus/README.md:
#   * errors exactly on 007:26 009:17 012:45 027:15 045:7, nowhere else;
#   * 063:8 (fudge without options) gives a warning (the README allows
#     either; we chose a warning); 064:9 (bare multicastclient) is accepted
#     as 4.2.8 accepts it: the client joins the default group 224.0.1.1;
#   * exit status 1 for those five files, 0 for all others, never a crash;
#   * every diagnostic is FILE:LINE:COL: error|warning: MESSAGE;
#   * each run takes less than a second (host names are never resolved).
. "$top_srcdir/tests/lib/harness.sh"

corpus="$shared_dir/conf-corpus"
[ -d "$corpus" ] || skip "no corpus at $corpus (configure --with-shared-dir)"
[ -x "$NTPD" ] || fail "$NTPD is not built"

# Run offline when we can: in a network namespace nothing could be resolved.
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null 2>&1; then
    harness_netns "$@"
fi

expected_errors() {
    case "$1" in
        007.conf) echo 26 ;;
        009.conf) echo 17 ;;
        012.conf) echo 45 ;;
        027.conf) echo 15 ;;
        045.conf) echo 7 ;;
        *) echo "" ;;
    esac
}

expected_warning_lines() {
    case "$1" in
        063.conf) echo 8 ;;
        *) echo "" ;;
    esac
}

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

count=0
failures=0
bad() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

for conf in "$corpus"/*.conf; do
    name=$(basename "$conf")
    out="$HARNESS_TMP/$name.out"
    err="$HARNESS_TMP/$name.err"
    start=$(now_ms)
    run_nocap "$NTPD" --configtest -c "$conf" >"$out" 2>"$err"
    rc=$?
    elapsed=$(( $(now_ms) - start ))
    count=$((count + 1))

    [ "$rc" -eq 0 ] || [ "$rc" -eq 1 ] || { bad "$name: exit status $rc (crash?)"; cat "$err" >&2; continue; }
    [ "$elapsed" -lt 1000 ] || bad "$name: took ${elapsed} ms (limit 1000 ms)"

    # Every line on stderr is a well-formed diagnostic about this file.
    while IFS= read -r line; do
        case "$line" in
            "$conf":*)
                rest=${line#"$conf":}
                echo "$rest" | grep -Eq '^[0-9]+:[0-9]+: (error|warning): .+' ||
                    bad "$name: malformed diagnostic: $line"
                ;;
            *) bad "$name: diagnostic does not start with the file name: $line" ;;
        esac
    done <"$err"

    got_errors=$(sed -n "s|^$conf:\([0-9]*\):[0-9]*: error: .*|\1|p" "$err" | sort -n | tr '\n' ' ' | sed 's/ $//')
    want_errors=$(expected_errors "$name")
    [ "$got_errors" = "$want_errors" ] ||
        bad "$name: errors on lines [$got_errors], expected [$want_errors]: $(grep ': error: ' "$err")"

    for l in $(expected_warning_lines "$name"); do
        grep -q "^$conf:$l:[0-9]*: warning: " "$err" || bad "$name: expected a warning on line $l"
    done

    if [ -n "$want_errors" ]; then want_rc=1; else want_rc=0; fi
    [ "$rc" -eq "$want_rc" ] || bad "$name: exit status $rc, expected $want_rc"
    grep -q "^ntpd: configuration file $conf: " "$out" || bad "$name: no summary line on stdout"
done

[ "$count" -ge 60 ] || bad "only $count corpus files found"
[ "$failures" -eq 0 ] || fail "$failures problem(s) in the corpus gate"
echo "corpus gate: $count files, verdicts as expected"
exit 0
