#!/bin/sh
# Broken configurations of every kind the issue lists: each one must give the
# exact FILE:LINE:COL: error|warning: prefix (and message) and the right exit
# status from `ntpd --configtest`, never a crash.
. "$top_srcdir/tests/lib/harness.sh"

[ -x "$NTPD" ] || fail "$NTPD is not built"

failures=0
n=0

# check NAME RC EXPECTED PRINTF-FORMAT [ARGS...]
# The configuration is printf FORMAT ARGS. EXPECTED is the diagnostic line
# after "FILE:"; "" means "no diagnostics at all". (No pipes into check: it
# must run in this shell so the counters survive.)
check() {
    name=$1 want_rc=$2 want=$3
    shift 3
    n=$((n + 1))
    conf="$HARNESS_TMP/$name.conf"
    # shellcheck disable=SC2059
    printf "$@" >"$conf"
    run_nocap "$NTPD" --configtest -c "$conf" >"$HARNESS_TMP/out" 2>"$HARNESS_TMP/err"
    rc=$?
    if [ "$rc" -ne "$want_rc" ]; then
        echo "FAIL: $name: exit status $rc, expected $want_rc" >&2
        cat "$HARNESS_TMP/err" >&2
        failures=$((failures + 1))
        return
    fi
    if [ -z "$want" ]; then
        if [ -s "$HARNESS_TMP/err" ]; then
            echo "FAIL: $name: expected no diagnostics, got:" >&2
            cat "$HARNESS_TMP/err" >&2
            failures=$((failures + 1))
        fi
        return
    fi
    if ! grep -qxF "$conf:$want" "$HARNESS_TMP/err"; then
        echo "FAIL: $name: expected '$conf:$want', got:" >&2
        cat "$HARNESS_TMP/err" >&2
        failures=$((failures + 1))
    fi
}

# --- rejected lines (exit 1)
check unknown_directive 1 "2:1: error: unknown directive 'foo'" \
    'server 192.0.2.1\nfoo 1\n'
check upper_case 1 "1:1: error: unknown directive 'Server' (keywords are lower case)" \
    'Server 192.0.2.1\n'
check unknown_option 1 "1:25: error: unknown option 'fast' for 'server'" \
    'server 192.0.2.1 iburst fast\n'
check glued_value 1 "1:31: error: unknown option 'maxpoll4' for 'server'" \
    'server 127.127.28.0 minpoll 4 maxpoll4 iburst prefer\n'
check bad_mask 1 "1:27: error: mask '255.255.255.999' is not a valid address mask" \
    'restrict 192.168.1.0 mask 255.255.255.999 nomodify\n'
check open_bracket 1 "1:10: error: missing ']' after IPv6 address '[::1'" \
    'restrict [::1 nomodify\n'
check bad_ipv4 1 "1:8: error: '192.0.2.300' is not a valid IPv4 address" \
    'server 192.0.2.300\n'
check missing_address 1 "1:7: error: 'server' needs an address" \
    'server\n'
check missing_value 1 "1:17: error: missing value after 'minpoll'" \
    'server a minpoll\n'
check ttl_range 1 "1:14: error: 'ttl' value 8 is out of range [0-7]" \
    'server a ttl 8\n'
check key_range 1 "1:14: error: 'key' value 4294967295 is out of range [0-4294967294]" \
    'server a key 4294967295\n'
check fudge_address 1 "1:7: error: '192.0.2.1' is not a reference clock address (127.127.t.u) for fudge" \
    'fudge 192.0.2.1 stratum 10\n'
check binary_junk 1 "1:9: error: invalid character 0x01 in configuration text" \
    'server a\001b\n'
check long_item 1 "1:6: error: item longer than 1024 characters" \
    'keys /%02000d\n' 0
# A file including itself: five levels are read, the sixth is refused.
self="$HARNESS_TMP/self.conf"
printf 'includefile %s\n' "$self" >"$self"
run_nocap "$NTPD" --configtest -c "$self" >/dev/null 2>"$HARNESS_TMP/err"
rc=$?
n=$((n + 1))
[ "$rc" -eq 1 ] && grep -qxF "$self:1:1: error: maximum include file level (5) exceeded, '$self' not read" "$HARNESS_TMP/err" ||
    { echo "FAIL: include nesting (rc $rc)" >&2; cat "$HARNESS_TMP/err" >&2; failures=$((failures + 1)); }

# --- accepted with a warning (exit 0)
check unterminated_quote 0 "1:9: warning: unterminated quoted string (it ends at the end of the line)" \
    'logfile "/var/log/ntp.log\n'
check missing_include 0 "1:13: warning: cannot open includefile '/nonexistent/ntp/crypto/pw': No such file or directory" \
    'includefile /nonexistent/ntp/crypto/pw\nkeys /etc/ntp/keys\n'
check poll_clamp 0 "1:10: warning: minpoll 1 is out of range [3-17], using 3" \
    'server a minpoll 1\n'
check fudge_stratum 0 "1:19: warning: stratum 17 is not in [0..16], ignored" \
    'fudge 127.127.1.0 stratum 17\n'
check kod_without_limited 0 "1:1: warning: kod does nothing without limited" \
    'restrict default kod nomodify\n'
check autokey 0 "1:1: warning: crypto (Autokey) is not supported, ignored" \
    'crypto pw secret\n'

# --- fine as they are (exit 0, nothing to say)
check crlf_tabs_trailing 0 "" \
    'server\t192.0.2.1\tiburst   \r\nrestrict [::1]\r\n'
check comments_quotes 0 "" \
    'server 192.0.2.1 # comment\nrestrict -6 ::1#comment\nleapfile "/usr/share/zoneinfo/leap seconds.list"\n'
check no_final_newline 0 "" \
    'pool 0.pool.ntp.org iburst\nserver server iburst'

# A missing main file: one file-level error.
run_nocap "$NTPD" --configtest -c "$HARNESS_TMP/none.conf" >/dev/null 2>"$HARNESS_TMP/err"
rc=$?
n=$((n + 1))
[ "$rc" -eq 1 ] && grep -qxF "$HARNESS_TMP/none.conf: error: cannot open configuration file: No such file or directory" "$HARNESS_TMP/err" ||
    { echo "FAIL: missing main file (rc $rc)" >&2; cat "$HARNESS_TMP/err" >&2; failures=$((failures + 1)); }

# Usage errors exit 1, as classic's.
run_nocap "$NTPD" --configtest --bogus >/dev/null 2>&1
rc=$?
n=$((n + 1))
[ "$rc" -eq 1 ] || { echo "FAIL: usage error gave $rc, expected 1" >&2; failures=$((failures + 1)); }

[ "$failures" -eq 0 ] || fail "$failures of $n configtest cases failed"
echo "configtest: $n broken-config cases give the expected diagnostics"
exit 0
