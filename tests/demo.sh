#!/bin/sh
# make demo: the main job on a built-in default.
set -eu
. "$top_srcdir/tests/lib/harness.sh"
echo "== ntpd --configtest -c etc/ntp.conf"
run_nocap "$NTPD" --configtest -c "$top_srcdir/etc/ntp.conf"
