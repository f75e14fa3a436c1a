#!/bin/sh
# Interop: our ntpq against NTPsec's ntpd shows the same associations as
# NTPsec's own ntpq, in the classic layout.
#
# Test bed, in a private network
# namespace with only lo:
#   chronyd 4.3, server only, local stratum 3, on 10.200.0.1 (refid 127.127.1.1)
#   NTPsec ntpd with `disable ntp` on 127.0.0.1 and 10.200.0.2, associations:
#     server 10.200.0.3 (nobody there, stays .INIT.)
#     refclock local stratum 10 (LOCAL(0), .LOCL.)
#     server 10.200.0.1 iburst minpoll 4 maxpoll 4 (becomes the sys.peer, '*')
# Both daemons run without CAP_SYS_TIME and with clock control disabled.
#
# Known differences of NTPsec's ntpq from classic (not bugs of ours):
# 79-column header, numbers with 4 decimals,
# refids 127.127.t.u shown as dotted quads instead of clock names
# (127.127.1.1 -> LOCAL(1) in classic), ISO dates in `rv`.
. "$top_srcdir/tests/lib/harness.sh"
. "$top_srcdir/tests/interop/peers.sh"
peers_prefetch
harness_netns "$@"

NTPSEC_NTPD=$(peers_ntpsec_ntpd) || skip "NTPsec ntpd not available"
NTPSEC_NTPQ=$(peers_ntpsec_ntpq) || skip "NTPsec ntpq not available"
CHRONYD=$(peers_chronyd) || skip "chronyd not available"
[ -x "$NTPQ" ] || fail "our ntpq was not built: $NTPQ"

ip addr add 10.200.0.1/24 dev lo || fail "cannot add 10.200.0.1"
ip addr add 10.200.0.2/24 dev lo || fail "cannot add 10.200.0.2"

cat >"$HARNESS_TMP/chrony.conf" <<EOF
bindaddress 10.200.0.1
port 123
local stratum 3
allow all
driftfile $HARNESS_TMP/chrony.drift
pidfile $HARNESS_TMP/chronyd.pid
EOF
# -x: never touch the clock; -4: leave [::]:123 to ntpd; -u root: no _chrony user here.
start_bg chrony_pid "$HARNESS_TMP/chronyd.log" "$CHRONYD" -4 -x -d -u root -f "$HARNESS_TMP/chrony.conf"

cat >"$HARNESS_TMP/ntp.conf" <<EOF
server 10.200.0.3
refclock local stratum 10
server 10.200.0.1 iburst minpoll 4 maxpoll 4
driftfile $HARNESS_TMP/ntp.drift
disable ntp
interface ignore wildcard
interface ignore all
interface listen 127.0.0.1
interface listen 10.200.0.2
restrict default
restrict 127.0.0.1
restrict ::1
EOF
# NTPsec answers mode 6 only with explicit restrict lines (above).
start_bg ntpd_pid "$HARNESS_TMP/ntpd.log" "$NTPSEC_NTPD" -n -c "$HARNESS_TMP/ntp.conf"

has_syspeer() { "$NTPSEC_NTPQ" -pn 127.0.0.1 2>/dev/null | grep -q '^\*10\.200\.0\.1'; }
wait_until 40 has_syspeer || {
    cat "$HARNESS_TMP/ntpd.log" "$HARNESS_TMP/chronyd.log" >&2
    fail "NTPsec ntpd did not select chronyd as its system peer"
}

# --- peers: same rows, classic layout ---------------------------------------
# Fields compared: tally+remote, refid (NTPsec's dotted refclock refid mapped
# to the classic clock name), st, t, poll, reach; when/delay/offset/jitter
# are compared loosely (they move between the two queries).
normalise() {
    awk 'NR > 2 {
        tr = substr($0, 1, 1); rest = substr($0, 2); n = split(rest, f, " ")
        refid = f[2]; if (refid == "127.127.1.1") refid = "LOCAL(1)"
        printf "%s|%s|%s|%s|%s|%s|%s\n", tr, f[1], refid, f[3], f[4], f[6], f[7]
    }'
}
same_rows() {
    "$NTPSEC_NTPQ" -pn 127.0.0.1 >"$HARNESS_TMP/theirs.txt" 2>&1 || return 1
    "$NTPQ" -pn 127.0.0.1 >"$HARNESS_TMP/ours.txt" 2>"$HARNESS_TMP/ours.err" || return 1
    normalise <"$HARNESS_TMP/theirs.txt" >"$HARNESS_TMP/theirs.rows"
    normalise <"$HARNESS_TMP/ours.txt" >"$HARNESS_TMP/ours.rows"
    [ -s "$HARNESS_TMP/ours.rows" ] && cmp -s "$HARNESS_TMP/theirs.rows" "$HARNESS_TMP/ours.rows"
}
wait_until 20 same_rows || {
    echo "--- NTPsec ntpq:" >&2; cat "$HARNESS_TMP/theirs.txt" >&2
    echo "--- our ntpq:" >&2; cat "$HARNESS_TMP/ours.txt" "$HARNESS_TMP/ours.err" >&2
    fail "our ntpq -pn shows different associations than NTPsec's ntpq"
}
note "NTPsec ntpq -pn:"; sed 's/^/#   /' "$HARNESS_TMP/theirs.txt"
note "our ntpq -pn:"; sed 's/^/#   /' "$HARNESS_TMP/ours.txt"

[ -s "$HARNESS_TMP/ours.err" ] && fail "our ntpq wrote to stderr: $(cat "$HARNESS_TMP/ours.err")"
# Classic header: 78 columns, jitter right-aligned at column 78.
head -n 1 "$HARNESS_TMP/ours.txt" | grep -qx '     remote           refid      st t when poll reach   delay   offset  jitter' ||
    fail "header is not the classic one"
sed -n 2p "$HARNESS_TMP/ours.txt" | grep -qx '==============================================================================' ||
    fail "rule is not 78 '='"
grep -q '^ 10\.200\.0\.3      \.INIT\.          16 u    -   ' "$HARNESS_TMP/ours.txt" || fail "INIT row wrong"
grep -q '^ LOCAL(0)        \.LOCL\.          10 l ' "$HARNESS_TMP/ours.txt" || fail "LOCAL(0) row wrong"
grep -q '^\*10\.200\.0\.1      LOCAL(1)         3 u ' "$HARNESS_TMP/ours.txt" || fail "sys.peer row wrong"
# Classic numbers: 3 decimals, %7.7s / %8.7s columns.
awk 'NR > 2 && length($0) != 78 { bad = 1 } END { exit bad }' "$HARNESS_TMP/ours.txt" ||
    fail "rows are not 78 columns wide"

# --- associations: NTPsec prints the classic table too ------------------------
same_as() {
    "$NTPSEC_NTPQ" -c as 127.0.0.1 >"$HARNESS_TMP/theirs.as" 2>&1 &&
        "$NTPQ" -c as 127.0.0.1 >"$HARNESS_TMP/ours.as" 2>&1 &&
        cmp -s "$HARNESS_TMP/theirs.as" "$HARNESS_TMP/ours.as"
}
wait_until 20 same_as || {
    diff "$HARNESS_TMP/theirs.as" "$HARNESS_TMP/ours.as" >&2
    fail "as differs from NTPsec's ntpq"
}

# --- readvar: same variables as NTPsec's raw view, classic cooking -----------
"$NTPSEC_NTPQ" -c raw -c "rv 0" 127.0.0.1 | tail -n +3 | tr ',' '\n' |
    sed -n 's/^ *\([a-z_]*\)=.*/\1/p' | sort >"$HARNESS_TMP/theirs.names"
"$NTPQ" -c raw -c "rv 0" 127.0.0.1 >"$HARNESS_TMP/ours.raw" 2>&1
head -n 2 "$HARNESS_TMP/ours.raw" | tail -n 1 | grep -q '^associd=0 status=0x[0-9a-f]\{4\},$' ||
    fail "raw status line: $(cat "$HARNESS_TMP/ours.raw")"
tail -n +3 "$HARNESS_TMP/ours.raw" | tr ',' '\n' | sed -n 's/^ *\([a-z_]*\)=.*/\1/p' | sort \
    >"$HARNESS_TMP/ours.names"
cmp -s "$HARNESS_TMP/theirs.names" "$HARNESS_TMP/ours.names" || {
    diff "$HARNESS_TMP/theirs.names" "$HARNESS_TMP/ours.names" >&2
    fail "rv 0 raw shows different variables"
}
"$NTPQ" -c "rv &3" 127.0.0.1 >"$HARNESS_TMP/rv3.txt" 2>&1
grep -q '^associd=[0-9]* status=[0-9a-f]\{4\} conf, .*sel_sys.peer' "$HARNESS_TMP/rv3.txt" ||
    fail "rv &3 status line: $(cat "$HARNESS_TMP/rv3.txt")"
grep -q 'srcadr=10.200.0.1, srcport=123, dstadr=10.200.0.2, dstport=123, leap=00,' "$HARNESS_TMP/rv3.txt" ||
    fail "rv &3 peer variables: $(cat "$HARNESS_TMP/rv3.txt")"
grep -q 'refid=LOCAL(1),' "$HARNESS_TMP/rv3.txt" || fail "rv &3 refid not shown as a clock name"
grep -q 'reach=[0-7][0-7][0-7],' "$HARNESS_TMP/rv3.txt" || fail "rv &3 reach not octal"
grep -q 'rec=[0-9a-f]\{8\}\.[0-9a-f]\{8\}  [A-Z][a-z][a-z], [A-Z][a-z][a-z] [ 0-9][0-9] 20[0-9][0-9] ' \
    "$HARNESS_TMP/rv3.txt" || fail "rv &3 timestamps not in the classic date format"
"$NTPQ" -c "rv 0 stratum,offset" 127.0.0.1 | grep -qx 'stratum=4, offset=[-0-9.]*' ||
    fail "rv 0 stratum,offset"
"$NTPQ" -c "rv 12345" 127.0.0.1 2>&1 | grep -qx '\*\*\*Association ID 12345 unknown to server' ||
    fail "BADASSOC message"
"$NTPQ" -c "rv 0 nosuchvar" 127.0.0.1 2>&1 | grep -qx '\*\*\*A request variable unknown to the server' ||
    fail "UNKNOWNVAR message"

# --- summaries and mrulist ---------------------------------------------------
# Classic sysinfo asks for bcastdelay, which NTPsec dropped: classic ntpq
# reports the server's UNKNOWNVAR, and so do we (NTPsec's own ntpq retries
# one variable at a time instead).
"$NTPQ" -c sysinfo 127.0.0.1 2>&1 | grep -qx '\*\*\*A request variable unknown to the server' ||
    fail "sysinfo against NTPsec: $("$NTPQ" -c sysinfo 127.0.0.1 2>&1)"
"$NTPQ" -c "pstats &3" 127.0.0.1 >"$HARNESS_TMP/pstats.txt" 2>&1
grep -q '^remote host:           10.200.0.1:123$' "$HARNESS_TMP/pstats.txt" ||
    grep -qx '\*\*\*A request variable unknown to the server' "$HARNESS_TMP/pstats.txt" ||
    fail "pstats: $(cat "$HARNESS_TMP/pstats.txt")"
"$NTPQ" -n -c mrulist 127.0.0.1 >"$HARNESS_TMP/mru.txt" 2>"$HARNESS_TMP/mru.err"
grep -q 'Retrieved [0-9]* unique MRU entries' "$HARNESS_TMP/mru.err" || fail "mrulist: $(cat "$HARNESS_TMP/mru.err")"
grep -q ' 123 10.200.0.1$' "$HARNESS_TMP/mru.txt" || fail "mrulist rows: $(cat "$HARNESS_TMP/mru.txt")"
# No key, no terminal: classic asks for a key id and gives up.
"$NTPQ" -c ifstats 127.0.0.1 </dev/null 2>&1 | grep -qx 'Keyid: Invalid key identifier' || fail "ifstats without key"

# --- ntpstat: the 576-octet READVAR; NTPsec never declares sync with
# `disable ntp`, so: unsynchronised, exit 1, poll interval from tc. ---------
if [ -x "$NTPSTAT" ]; then
    "$NTPSTAT" >"$HARNESS_TMP/ntpstat.txt" 2>&1
    rc=$?
    [ "$rc" = 1 ] || fail "ntpstat exit $rc: $(cat "$HARNESS_TMP/ntpstat.txt")"
    head -n 1 "$HARNESS_TMP/ntpstat.txt" | grep -qx unsynchronised || fail "ntpstat: $(cat "$HARNESS_TMP/ntpstat.txt")"
    grep -qx '   polling server every [0-9]* s' "$HARNESS_TMP/ntpstat.txt" || fail "ntpstat poll line"
fi

echo "ntpq interop with NTPsec: ok"
exit 0
