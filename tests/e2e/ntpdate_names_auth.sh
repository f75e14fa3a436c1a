#!/bin/sh
# ntpdate: every address of a host name is polled (-4/-6 restrict the
# family), and -a/-k symmetric-key authentication: MAC on the requests,
# replies without a valid MAC make the server untrusted, classic key errors.
. "$top_srcdir/tests/lib/harness.sh"
harness_netns "$@"
. "$top_srcdir/tests/e2e/ntpdate_common.sh"
ntpdate_require

bad_server a 127.0.0.2 good
bad_server b 127.0.0.3 good
have_v6=""
if ip -6 addr show dev lo 2>/dev/null | grep -q '::1/128'; then
    bad_server c ::1 good
    have_v6=1
fi

# A name with several addresses (hosts file in a private mount namespace).
printf '127.0.0.2 multi.test\n127.0.0.3 multi.test\n' >"$HARNESS_TMP/hosts"
[ -n "$have_v6" ] && printf '::1 multi.test\n' >>"$HARNESS_TMP/hosts"
command -v unshare >/dev/null || skip "unshare(1) not found"
nd_hosts() {
    _name=$1
    shift
    run_nocap unshare --mount sh -c 'mount --bind "$0" /etc/hosts && exec "$@"' \
        "$HARNESS_TMP/hosts" "$NTPDATE" "$@" >"$HARNESS_TMP/$_name.out" 2>"$HARNESS_TMP/$_name.err"
    echo $? >"$HARNESS_TMP/$_name.rc"
}
nd_hosts multi -q -p 1 multi.test
expect_rc multi 0
expect_out multi "server 127.0.0.2, stratum 2, offset "
expect_out multi "server 127.0.0.3, stratum 2, offset "
if [ -n "$have_v6" ]; then
    expect_out multi "server ::1, stratum 2, offset "
    nd_hosts only6 -6 -q -p 1 multi.test
    expect_rc only6 0
    expect_out only6 "server ::1, stratum 2, offset "
    expect_no_out only6 "server 127.0.0."
    nd_hosts only4 -4 -q -p 1 multi.test
    expect_rc only4 0
    expect_no_out only4 "server ::1,"
    expect_out only4 "server 127.0.0.3, stratum 2, offset "
else
    note "no ::1 in the test namespace: IPv6 cases skipped"
fi
[ "$(requests a)" -ge 1 ] && [ "$(requests b)" -ge 1 ] || fail "not every address was polled"

# Authentication. Key 1 is MD5, key 2 SHA1; key 3 is not in the file.
cat >"$HARNESS_TMP/ntp.keys" <<KEYS
1 MD5 ntpdate-test-key
2 SHA1 0123456789abcdef0123456789abcdef01234567
KEYS
bad_server k1 127.0.0.4 good --keys "$HARNESS_TMP/ntp.keys" --key 1
bad_server k2 127.0.0.5 good --keys "$HARNESS_TMP/ntp.keys" --key 2
bad_server badmac 127.0.0.6 bad-mac --keys "$HARNESS_TMP/ntp.keys" --key 1

nd auth1 -d -a 1 -k "$HARNESS_TMP/ntp.keys" -p 1 127.0.0.4
expect_rc auth1 0
expect_out auth1 "receive: authentication passed"
expect_out auth1 "trust 000"
expect_out auth1 "]: adjust time server 127.0.0.4 offset "
grep -q "len=68$" "$HARNESS_TMP/k1.log" || fail "request with an MD5 MAC is not 68 octets: $(cat "$HARNESS_TMP/k1.log")"

nd auth2 -q -a 2 -k "$HARNESS_TMP/ntp.keys" -p 1 127.0.0.5
expect_rc auth2 0
grep -q "len=72$" "$HARNESS_TMP/k2.log" || fail "request with a SHA1 MAC is not 72 octets"

# A wrong digest, a reply without MAC, a MAC under another key: untrusted.
nd authbad -d -a 1 -k "$HARNESS_TMP/ntp.keys" -p 1 127.0.0.6 127.0.0.2 127.0.0.5
expect_rc authbad 1
expect_out authbad "127.0.0.6: Server dropped: Server is untrusted"
expect_out authbad "127.0.0.2: Server dropped: Server is untrusted"
expect_out authbad "127.0.0.5: Server dropped: Server is untrusted"
expect_out authbad "receive: authentication failed"
expect_out authbad "trust 001"
expect_err authbad "]: no server suitable for synchronization found"

# Classic key errors: exit 1 before anything is sent.
before=$(requests k1)
nd nokey -q -a 3 -k "$HARNESS_TMP/ntp.keys" 127.0.0.4
expect_rc nokey 1
expect_err nokey "]: authentication key 3 unknown"
nd nofile -q -a 1 -k "$HARNESS_TMP/missing.keys" 127.0.0.4
expect_rc nofile 1
expect_err nofile "]: no key file <$HARNESS_TMP/missing.keys>, exiting"
[ "$(requests k1)" = "$before" ] || fail "requests sent despite a key error"
exit 0
