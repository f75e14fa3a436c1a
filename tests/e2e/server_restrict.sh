#!/bin/sh
# restrict rules enforced per source address: several 127.0.0.x sources get
# what their (most specific) entry says, whatever the order in the file.
. "$top_srcdir/tests/lib/harness.sh"
harness_netns "$@"
. "$top_srcdir/tests/e2e/server_common.sh"
server_require

cat >"$HARNESS_TMP/ntp.conf" <<CONF
server 127.127.1.0
fudge 127.127.1.0 stratum 10
restrict default ignore
restrict 127.0.0.0 mask 255.0.0.0 nomodify
restrict 127.0.0.2 ignore
restrict 127.0.0.3 noserve
restrict 127.0.0.4 version
restrict 127.0.0.5 notrust
restrict 127.0.0.6 noquery
restrict 127.0.0.64 mask 255.255.255.192 ignore
restrict 127.0.0.66
CONF
server_start "$HARNESS_TMP/ntp.conf"
T=300

answered() { probe --timeout-ms $T "$@" 127.0.0.1 | grep -q "^reply"; }
silent() { probe --timeout-ms $T "$@" 127.0.0.1 | grep -q "^timeout"; }
# A mode 6 READSTAT: answered or not (we only look whether anything comes back).
READSTAT=160100010000000000000000

answered --bind 127.0.0.1 || fail "127.0.0.1 (nomodify) not served"
silent --bind 127.0.0.2 || fail "127.0.0.2 (ignore) served"
silent --bind 127.0.0.3 || fail "127.0.0.3 (noserve) served"
answered --bind 127.0.0.3 --raw $READSTAT || fail "127.0.0.3 (noserve) mode 6 refused"
answered --bind 127.0.0.4 --version 4 || fail "127.0.0.4 (version) v4 not served"
silent --bind 127.0.0.4 --version 3 || fail "127.0.0.4 (version) v3 served"
silent --bind 127.0.0.5 || fail "127.0.0.5 (notrust) served without a MAC"
answered --bind 127.0.0.6 || fail "127.0.0.6 (noquery) time not served"
silent --bind 127.0.0.6 --raw $READSTAT || fail "127.0.0.6 (noquery) mode 6 answered"
answered --bind 127.0.0.7 --raw $READSTAT || fail "127.0.0.7 mode 6 refused"
silent --bind 127.0.0.65 || fail "127.0.0.65 (ignore /26) served"
answered --bind 127.0.0.66 || fail "127.0.0.66 (host entry inside the /26) not served"
# IPv6 falls under `restrict default ignore`.
probe --timeout-ms $T ::1 | grep -q "^timeout" || fail "::1 served despite restrict default ignore"
echo "server_restrict: ok"
