#!/bin/sh
# e2e: our ntpq and ntpstat against our ntpd, in a private network namespace.
#
# ntpd runs with --no-adjust (it never touches the clock) and without
# CAP_SYS_TIME, with the LOCAL driver, an upstream that does not exist
# (stays .INIT.) and a control key for the authenticated commands.
# Skips (77) while ntpd cannot run as a daemon that answers mode 6.
. "$top_srcdir/tests/lib/harness.sh"
harness_netns "$@"

[ -x "$NTPD" ] || skip "ntpd is not built"
[ -x "$NTPQ" ] || fail "ntpq is not built: $NTPQ"
"$NTPD" --help >/dev/null 2>&1 || skip "ntpd --help fails: no daemon yet"

ip addr add 10.200.0.2/24 dev lo || fail "cannot add 10.200.0.2"

cat >"$HARNESS_TMP/ntp.keys" <<EOF
1 MD5 secret
EOF
chmod 600 "$HARNESS_TMP/ntp.keys"
cat >"$HARNESS_TMP/ntp.conf" <<EOF
server 127.127.1.0
fudge 127.127.1.0 stratum 10
server 10.200.0.3 iburst
driftfile $HARNESS_TMP/ntp.drift
keys $HARNESS_TMP/ntp.keys
trustedkey 1
controlkey 1
restrict default nomodify notrap nopeer
restrict 127.0.0.1
restrict ::1
EOF
start_bg ntpd_pid "$HARNESS_TMP/ntpd.log" "$NTPD" -n --no-adjust -c "$HARNESS_TMP/ntp.conf"

answers() { "$NTPQ" -c "timeout 300" -c rv 127.0.0.1 2>/dev/null | grep -q '^associd=0 status='; }
ready_or_gone() { answers || ! kill -0 "$ntpd_pid" 2>/dev/null; }
wait_until 15 ready_or_gone
if ! answers; then
    cat "$HARNESS_TMP/ntpd.log" >&2
    kill -0 "$ntpd_pid" 2>/dev/null || skip "ntpd does not run as a daemon yet"
    skip "ntpd does not answer mode 6 yet"
fi

run() {  # run NAME ntpq-args...: stdout to $HARNESS_TMP/NAME.out, stderr to .err
    _name=$1
    shift
    "$NTPQ" "$@" >"$HARNESS_TMP/$_name.out" 2>"$HARNESS_TMP/$_name.err"
    _rc=$?
    [ "$_rc" = 0 ] || fail "ntpq $* exited $_rc"
}
show() { echo "--- $1:"; cat "$HARNESS_TMP/$1.out" "$HARNESS_TMP/$1.err"; }
no_errors() { [ -s "$HARNESS_TMP/$1.err" ] && { show "$1" >&2; fail "ntpq $1 wrote to stderr"; }; true; }

# --- peers: classic header, 78-column rows, the two associations ------------
run peers -p 127.0.0.1
no_errors peers
show peers
head -n 1 "$HARNESS_TMP/peers.out" |
    grep -qx '     remote           refid      st t when poll reach   delay   offset  jitter' ||
    fail "peers header"
sed -n 2p "$HARNESS_TMP/peers.out" | grep -qx '==============================================================================' ||
    fail "peers rule"
awk 'NR > 2 && length($0) != 78 { bad = 1 } END { exit bad }' "$HARNESS_TMP/peers.out" ||
    fail "rows are not 78 columns"
[ "$(wc -l <"$HARNESS_TMP/peers.out")" -eq 4 ] || fail "expected two associations"
# Classic ntpd shows .LOCL. for the LOCAL driver from the start.
grep -q '^[ *o#+-]LOCAL(0)        \.LOCL\.   *10 l ' "$HARNESS_TMP/peers.out" || fail "LOCAL(0) row"
grep -q '^ 10\.200\.0\.3      \.INIT\.          16 u ' "$HARNESS_TMP/peers.out" || fail ".INIT. row"

run peers_n -pn 127.0.0.1
grep -q '^.127\.127\.1\.0     \.[A-Z]*\. ' "$HARNESS_TMP/peers_n.out" ||
    grep -q '^.LOCAL(0)        \.[A-Z]*\. ' "$HARNESS_TMP/peers_n.out" || fail "-n LOCAL row"

# --- associations and variables -----------------------------------------------
run as -c as 127.0.0.1
no_errors as
show as
sed -n 2p "$HARNESS_TMP/as.out" | grep -qx 'ind assid status  conf reach auth condition  last_event cnt' ||
    fail "as header"
[ "$(grep -c '^  [12] [ 0-9]\{5\}  [0-9a-f]\{4\}   yes ' "$HARNESS_TMP/as.out")" = 2 ] || fail "as rows"

run rv -c rv 127.0.0.1
no_errors rv
show rv
head -n 1 "$HARNESS_TMP/rv.out" |
    grep -q '^associd=0 status=[0-9a-f]\{4\} leap_[a-z_]*, sync_[a-z_]*, [a-z0-9]* events*, [a-z_]*,$' ||
    fail "rv status line"
grep -q 'version="' "$HARNESS_TMP/rv.out" || fail "rv: no version"
grep -q 'reftime=[0-9a-f]\{8\}\.[0-9a-f]\{8\}  [A-Z][a-z][a-z], ' "$HARNESS_TMP/rv.out" || fail "rv: reftime"
awk 'length($0) > 72 && !/^version=/ { bad = 1 } END { exit bad }' "$HARNESS_TMP/rv.out" ||
    fail "rv lines longer than 72 columns"

run rv_named -c "rv 0 stratum,offset" 127.0.0.1
grep -qx 'stratum=[0-9]*, offset=[-0-9.]*' "$HARNESS_TMP/rv_named.out" || { show rv_named >&2; fail "rv 0 stratum,offset"; }
run rv_peer -c "rv &1" 127.0.0.1
grep -q '^associd=[0-9]* status=[0-9a-f]\{4\} conf, ' "$HARNESS_TMP/rv_peer.out" || { show rv_peer >&2; fail "rv &1"; }
grep -q 'reach=[0-7][0-7][0-7]' "$HARNESS_TMP/rv_peer.out" || fail "rv &1: reach not octal"
run rv_bad -c "rv 9999" 127.0.0.1
grep -qx '\*\*\*Association ID 9999 unknown to server' "$HARNESS_TMP/rv_bad.err" || { show rv_bad >&2; fail "BADASSOC"; }
run rv_unknown -c "rv 0 nosuchvar" 127.0.0.1
grep -qx '\*\*\*A request variable unknown to the server' "$HARNESS_TMP/rv_unknown.err" || fail "UNKNOWNVAR"
run raw -c raw -c "rv 0 stratum" 127.0.0.1
grep -qx 'stratum=[0-9]*' "$HARNESS_TMP/raw.out" || { show raw >&2; fail "raw rv"; }

# cv without an association: the server picks its reference clock (LOCAL).
run cv -c cv 127.0.0.1
no_errors cv
grep -q '^associd=0 status=[0-9a-f]\{4\} [a-z0-9]* events*, clk_[a-z_]*,$' "$HARNESS_TMP/cv.out" || { show cv >&2; fail "cv"; }

# --- summaries ----------------------------------------------------------------
for c in sysinfo sysstats kerninfo monstats iostats timerstats authinfo; do
    run "$c" -c "$c" 127.0.0.1
    no_errors "$c"
done
grep -q '^system peer:        ' "$HARNESS_TMP/sysinfo.out" || fail "sysinfo"
grep -q '^system peer mode:   ' "$HARNESS_TMP/sysinfo.out" || fail "sysinfo mode"
grep -q '^uptime:                 [0-9]' "$HARNESS_TMP/sysstats.out" || fail "sysstats"
grep -q '^pll offset:            ' "$HARNESS_TMP/kerninfo.out" || fail "kerninfo"
grep -q '^addresses:            [0-9]' "$HARNESS_TMP/monstats.out" || fail "monstats"
run pstats -c "pstats &1" 127.0.0.1
no_errors pstats
grep -q '^remote host:          ' "$HARNESS_TMP/pstats.out" || fail "pstats"

# --- mrulist --------------------------------------------------------------------
run mru -n -c mrulist 127.0.0.1
grep -q 'Retrieved [0-9]* unique MRU entries' "$HARNESS_TMP/mru.err" || { show mru >&2; fail "mrulist"; }
sed -n 1p "$HARNESS_TMP/mru.out" | grep -qx 'lstint avgint rstr r m v  count rport remote address' ||
    fail "mrulist header"

# --- authentication: the control key -------------------------------------------
run noauth -c ifstats 127.0.0.1 </dev/null
grep -qx 'Keyid: Invalid key identifier' "$HARNESS_TMP/noauth.err" || { show noauth >&2; fail "ifstats without key"; }
run ifstats -c "keyid 1" -c "passwd secret" -c ifstats 127.0.0.1 </dev/null
no_errors ifstats
sed -n 2p "$HARNESS_TMP/ifstats.out" |
    grep -qx ' #  address/broadcast     drop flag ttl mc received sent failed peers   uptime' || { show ifstats >&2; fail "ifstats"; }
grep -q '^    127\.0\.0\.1:123$' "$HARNESS_TMP/ifstats.out" || { show ifstats >&2; fail "ifstats rows"; }
run reslist -c "keyid 1" -c "passwd secret" -c reslist 127.0.0.1 </dev/null
no_errors reslist
grep -q '127\.0\.0\.1/32' "$HARNESS_TMP/reslist.out" || grep -q '127\.0\.0\.1 255' "$HARNESS_TMP/reslist.out" ||
    { show reslist >&2; fail "reslist"; }
run badkey -c "keyid 1" -c "passwd wrong" -c ifstats 127.0.0.1 </dev/null
grep -qx '\*\*\*Server disallowed request (authentication?)' "$HARNESS_TMP/badkey.err" || { show badkey >&2; fail "wrong key accepted"; }

# --- ntpstat ---------------------------------------------------------------------
"$NTPSTAT" >"$HARNESS_TMP/ntpstat.out" 2>&1
rc=$?
cat "$HARNESS_TMP/ntpstat.out"
case $rc in
0) head -n 1 "$HARNESS_TMP/ntpstat.out" | grep -q '^synchronised to .* at stratum [0-9]* $' || fail "ntpstat line 1" ;;
1) head -n 1 "$HARNESS_TMP/ntpstat.out" | grep -qx 'unsynchronised' || fail "ntpstat line 1" ;;
*) fail "ntpstat exit $rc" ;;
esac
tail -n 1 "$HARNESS_TMP/ntpstat.out" | grep -qx '   polling server every [0-9]* s' || fail "ntpstat poll line"

echo "ntpq/ntpstat against our ntpd: ok"
exit 0
