#!/bin/sh
# e2e: runtime configuration through mode 6 with our ntpq against our ntpd:
# `:config`, `saveconfig` and `writevar` need a request signed with the
# controlkey; without it (or with a wrong password) nothing changes.
# ntpd runs with --no-adjust and without CAP_SYS_TIME in a private netns.
. "$top_srcdir/tests/lib/harness.sh"
harness_netns "$@"

[ -x "$NTPD" ] || skip "ntpd is not built"
[ -x "$NTPQ" ] || fail "ntpq is not built: $NTPQ"

mkdir "$HARNESS_TMP/saved" || fail "mkdir"
printf '1 MD5 secret\n' >"$HARNESS_TMP/ntp.keys"
chmod 600 "$HARNESS_TMP/ntp.keys"
cat >"$HARNESS_TMP/ntp.conf" <<EOF
server 127.127.1.0
fudge 127.127.1.0 stratum 10
keys $HARNESS_TMP/ntp.keys
trustedkey 1
controlkey 1
saveconfigdir $HARNESS_TMP/saved
setvar site = "rack 4" default
restrict default nomodify notrap nopeer
restrict 127.0.0.1
EOF
start_bg ntpd_pid "$HARNESS_TMP/ntpd.log" "$NTPD" -n --no-adjust -c "$HARNESS_TMP/ntp.conf"

answers() { "$NTPQ" -c rv 127.0.0.1 2>/dev/null | grep -q '^associd=0 status='; }
ready_or_gone() { answers || ! kill -0 "$ntpd_pid" 2>/dev/null; }
wait_until 15 ready_or_gone
answers || { cat "$HARNESS_TMP/ntpd.log" >&2; fail "ntpd does not answer mode 6"; }

auth() { "$NTPQ" -c "keyid 1" -c "passwd secret" "$@" 127.0.0.1 </dev/null 2>&1; }
peers_count() { "$NTPQ" -pn 127.0.0.1 2>/dev/null | awk 'NR > 2' | wc -l; }

# --- the setvar variable is in rv, and writevar changes it ---------------------
"$NTPQ" -c rv 127.0.0.1 | grep -q 'site=rack 4' || fail "setvar variable missing from rv"
out=$("$NTPQ" -c "writevar 0 site=rack5" 127.0.0.1 </dev/null 2>&1)
echo "unauthenticated writevar: $out"
"$NTPQ" -c "rv 0 site" 127.0.0.1 | grep -q 'site=rack 4' || fail "unauthenticated writevar changed it"
out=$(auth -c "writevar 0 site=rack5")
echo "writevar: $out"
"$NTPQ" -c "rv 0 site" 127.0.0.1 | grep -q 'site=rack5' || fail "writevar did not change site"

# --- :config adds and removes an association -----------------------------------
[ "$(peers_count)" -eq 1 ] || fail "expected one association at start"
out=$("$NTPQ" -c ":config server 127.0.0.5 iburst" 127.0.0.1 </dev/null 2>&1)
echo "unauthenticated :config: $out"
[ "$(peers_count)" -eq 1 ] || fail "unauthenticated :config changed the associations"
out=$(auth -c "passwd wrong" -c ":config server 127.0.0.5 iburst")
[ "$(peers_count)" -eq 1 ] || fail ":config with a wrong password changed the associations"

out=$(auth -c ":config server 127.0.0.5 iburst")
echo ":config: $out"
echo "$out" | grep -qx 'Config Succeeded' || fail ":config reply: $out"
"$NTPQ" -pn 127.0.0.1 | grep -q '^ 127\.0\.0\.5 ' || fail "the new association is not listed"

out=$(auth -c ":config server 127.0.0.6 minpoll")
echo ":config with an error: $out"
echo "$out" | grep -q 'column' || fail "a syntax error is not reported with its column"
out=$(auth -c ":config driftfile /tmp/x")
echo "$out" | grep -qx 'driftfile cannot be changed at runtime' || fail "driftfile reply: $out"

# --- saveconfig writes what is in effect ---------------------------------------
out=$(auth -c "saveconfig running.conf")
echo "saveconfig: $out"
[ -f "$HARNESS_TMP/saved/running.conf" ] || fail "saveconfig wrote nothing"
grep -q '^server 127.0.0.5 iburst' "$HARNESS_TMP/saved/running.conf" || fail "saved config lacks the new server"
grep -q 'site' "$HARNESS_TMP/saved/running.conf" || fail "saved config lacks setvar"
"$NTPD" --configtest -c "$HARNESS_TMP/saved/running.conf" >"$HARNESS_TMP/configtest.out" 2>&1 ||
    { cat "$HARNESS_TMP/configtest.out" >&2; fail "the saved configuration does not load"; }

out=$(auth -c ":config unpeer 127.0.0.5")
echo "unpeer: $out"
echo "$out" | grep -qx 'Config Succeeded' || fail "unpeer reply: $out"
[ "$(peers_count)" -eq 1 ] || fail "unpeer left the association"

# --- :config restrict applies to the next packet ---------------------------------
out=$(auth -c ":config restrict 127.0.0.1 noquery")
echo "restrict: $out"
"$NTPQ" -c "timeout 500" -c rv 127.0.0.1 >"$HARNESS_TMP/after.out" 2>&1
grep -q 'associd=0' "$HARNESS_TMP/after.out" && fail "noquery added at runtime is not enforced"

grep -q 'ntpq config from 127.0.0.1' "$HARNESS_TMP/ntpd.log" || fail "runtime changes are not logged"
kill "$ntpd_pid"
echo "ok"
