#!/bin/sh
# ntpdate's clock paths and the classic command-line behaviour, against the
# scripted server. Nothing here can change the host clock: every ntpdate runs
# without CAP_SYS_TIME, and the step/slew paths use the test clock backend
# (--clock=null, which reports the correction it would have made) or the
# real KernelClock refused by the kernel.
. "$top_srcdir/tests/lib/harness.sh"
harness_netns "$@"
. "$top_srcdir/tests/e2e/ntpdate_common.sh"
ntpdate_require

# SO_REUSEADDR on the servers so ntpdate's normal mode can bind *:123 beside them.
bad_server ahead 127.0.0.2 good --offset 3.5 --reuseaddr 1
bad_server near 127.0.0.3 good --offset 0.1 --reuseaddr 1
bad_server behind 127.0.0.4 good --offset -0.04 --reuseaddr 1

# Usage errors: exit 2, the classic usage line last on stderr.
usage="usage: ntpdate [-46bBdqsuv] [-a key#] [-e delay] [-k file] [-p samples] [-o version#] [-t timeo] server ..."
nd usage1 -p 9 127.0.0.2
expect_rc usage1 2
expect_err usage1 "ntpdate: number of samples (9) is invalid"
[ "$(tail -n 1 "$HARNESS_TMP/usage1.err")" = "$usage" ] || { show usage1; fail "usage line"; }
nd usage2 -Z 127.0.0.2
expect_rc usage2 2
nd usage3 -e 2 127.0.0.2
expect_rc usage3 2
expect_err usage3 "ntpdate: encryption delay 2 is unlikely"

# No usable server: a name that does not resolve, an address without a route.
nd noserv -q 192.0.2.1
expect_rc noserv 1
expect_err noserv "]: no servers can be used, exiting"
nd badname -q no-such-host.invalid
expect_rc badname 1
# Without DNS in the namespace the resolver may say "try again" instead:
# classic then gives up on the name server altogether. Exit 1 either way.
grep -Eq "^Error resolving no-such-host.invalid: .* \(-?[0-9]+\)$|^Exiting, name server cannot be used: " \
    "$HARNESS_TMP/badname.err" || { show badname; fail "no resolver error text"; }

# Small offset: a slew with classic's overshoot, "adjust". One sample on a
# busy machine can be some milliseconds off, so the offset is checked
# loosely and the slew against the offset ntpdate reported:
# slew = offset + sign * min(|offset| / 2, 62.5 ms).
reported_offset() {
    sed -n 's/.*]: \(adjust\|step\) time server [^ ]* offset \(-\{0,1\}[0-9.]*\) sec$/\2/p' "$HARNESS_TMP/$1.out"
}
pending_slew() {
    sed -n 's/.*slew pending \(-\{0,1\}[0-9.]*\) s$/\1/p' "$HARNESS_TMP/$1.err"
}
check_offset() {  # NAME EXPECTED_OFFSET
    _o=$(reported_offset "$1")
    awk -v o="$_o" -v e="$2" 'BEGIN {d = o - e; exit !(o != "" && d < 0.03 && d > -0.03)}' ||
        { show "$1"; fail "$1: offset '$_o' is not about $2"; }
}
check_slew() {  # NAME EXPECTED_OFFSET
    _o=$(reported_offset "$1")
    _p=$(pending_slew "$1")
    [ -n "$_o" ] && [ -n "$_p" ] || { show "$1"; fail "$1: no offset or slew reported"; }
    awk -v o="$_o" -v p="$_p" -v e="$2" 'function abs(x) {return x < 0 ? -x : x}
        BEGIN {
            over = abs(o) / 2; if (over > 0.0625) over = 0.0625
            want = o < 0 ? o - over : o + over
            exit !(abs(o - e) < 0.03 && abs(p - want) < 0.001)
        }' || { show "$1"; fail "$1: offset $_o, slew $_p: not the classic overshoot around $2"; }
}
# Large offset: a step of exactly the offset, reported on stdout, exit 0.
# Normal mode (no -q/-u): requests go out from port 123.
nd step --clock=null 127.0.0.2
expect_rc step 0
expect_out step "]: step time server 127.0.0.2 offset 3."
check_offset step 3.5
grep -q "null clock: correction $(reported_offset step) s, slew pending 0.000000 s" "$HARNESS_TMP/step.err" ||
    { show step; fail "the step differs from the reported offset"; }
grep -q "port=123 " "$HARNESS_TMP/ahead.log" || fail "normal mode did not send from port 123"
[ "$(requests ahead)" = 4 ] || fail "default -p: $(requests ahead) requests, expected 4"
# Polite spacing: never two requests closer than 2 s (restrict limited).
awk '{sub("t=", "", $2); if (NR > 1 && $2 - last < 1.95) bad = 1; last = $2} END {exit bad}' \
    "$HARNESS_TMP/ahead.log" || { cat "$HARNESS_TMP/ahead.log" >&2; fail "requests closer than 2 s"; }

nd slew --clock=null -p 1 -u 127.0.0.3
expect_rc slew 0
expect_out slew "]: adjust time server 127.0.0.3 offset 0."
check_slew slew 0.1
grep -q "port=123 " "$HARNESS_TMP/near.log" && fail "-u sent from port 123"

nd slewneg --clock=null -p 2 -u 127.0.0.4
expect_out slewneg "]: adjust time server 127.0.0.4 offset -0.0"
check_slew slewneg -0.04

# -b steps a small offset, -B slews a large one.
nd forcestep --clock=null -b -p 1 -u 127.0.0.3
expect_out forcestep "]: step time server 127.0.0.3 offset 0."
# The correction is the reported offset, to the microsecond.
grep -q "null clock: correction $(reported_offset forcestep) s, slew pending 0.000000 s" \
    "$HARNESS_TMP/forcestep.err" || { show forcestep; fail "-b: step differs from the reported offset"; }
nd forceslew --clock=null -B -p 1 -u 127.0.0.2
expect_out forceslew "]: adjust time server 127.0.0.2 offset 3."
check_slew forceslew 3.5

# -p 1 is one round trip: one request, and no waiting for a spacing.
before=$(requests near)
start=$(date +%s%N)
nd fast -q -p 1 127.0.0.3
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
expect_rc fast 0
[ $(( $(requests near) - before )) = 1 ] || fail "-p 1 sent more than one request"
[ "$elapsed_ms" -lt 1900 ] || fail "-p 1 took $elapsed_ms ms"
note "-p 1 took $elapsed_ms ms"

# -q never touches the clock, even with a big offset; it still says "step".
nd query --clock=null -q -p 1 127.0.0.2
expect_rc query 0
expect_out query "server 127.0.0.2, stratum 2, offset 3."
expect_out query "]: step time server 127.0.0.2 offset 3."
check_offset query 3.5
expect_err query "null clock: correction 0.000000 s, slew pending 0.000000 s"

# -s: the step message goes to syslog, not to the terminal.
nd syslog --clock=null -s -p 1 -u 127.0.0.2
expect_rc syslog 0
[ -s "$HARNESS_TMP/syslog.out" ] && { show syslog; fail "-s printed on stdout"; }
expect_err syslog "null clock: correction 3."

# --hwclock after a successful set (simulated RTC with the test backend).
nd hw --clock=null --hwclock -p 1 -u 127.0.0.2
expect_rc hw 0
expect_out hw "]: RTC null-rtc set to "
nd hwq --clock=null --hwclock -q -p 1 127.0.0.2
grep -q RTC "$HARNESS_TMP/hwq.out" "$HARNESS_TMP/hwq.err" && fail "--hwclock wrote the RTC after -q"

# -U (Red Hat's "OPTIONS=-U ntp -s -b"): bind port 123 as root, then run
# as the user; an unknown user is an error before anything is sent.
if id nobody >/dev/null 2>&1; then
    nd runas -U nobody --clock=null -p 1 127.0.0.3
    expect_rc runas 0
    expect_out runas "]: adjust time server 127.0.0.3 offset "
fi
nd runas_bad -U no-such-user-here --clock=null -p 1 127.0.0.3
expect_rc runas_bad 1
expect_err runas_bad "no-such-user-here"

# Port 123 held by a daemon without SO_REUSEADDR (as classic ntpd and ours):
# normal mode refuses to run, -q still works (classic ntpdate-q-portheld.txt).
bad_server held 127.0.0.1 good
nd inuse --clock=null 127.0.0.1
expect_rc inuse 1
expect_err inuse "]: the NTP socket is in use, exiting"
[ "$(requests held)" = 0 ] || fail "ntpdate sent requests although port 123 was in use"
nd portheld -q -p 1 127.0.0.1
expect_rc portheld 0
expect_out portheld "]: adjust time server 127.0.0.1 offset "

# The real clock, refused by the kernel: run only if CAP_SYS_TIME is really
# gone in what run_nocap starts.
if run_nocap sh -c 'e=$(awk "/^CapEff:/ {print \$2}" /proc/self/status); [ $(( (0x$e >> 25) & 1 )) -eq 0 ]'; then
    nd kstep -p 1 -u 127.0.0.2
    expect_rc kstep 0
    expect_err kstep "]: step-systime: Operation not permitted"
    expect_no_out kstep "time server"
    nd kslew -p 1 -u 127.0.0.3
    expect_rc kslew 1
    expect_err kslew "]: Can't adjust the time of day: Operation not permitted"
else
    note "CAP_SYS_TIME not dropped by run_nocap: kernel clock cases skipped"
fi
exit 0
