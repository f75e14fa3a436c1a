#!/bin/sh
# The drift file on a filesystem that fills up or turns read-only: every
# failed write gives exactly one message and leaves the previous file whole.
# Runs in a private mount namespace on a tiny tmpfs, so nothing on the host
# fills up and the mount vanishes with the test.

if [ -z "${DRIFT_TEST_IN_MNTNS:-}" ]; then
    # Re-enter before the harness creates its temporary directory, so the
    # directory and its cleanup live in the namespace that uses them.
    if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null 2>&1; then
        echo "SKIP: needs root and unshare(1) for a private mount namespace" >&2
        exit 77
    fi
    DRIFT_TEST_IN_MNTNS=1 exec unshare --mount --propagation private -- /bin/sh "$0" "$@"
fi

. "$top_srcdir/tests/lib/harness.sh"

tool="$top_builddir/tests/e2e/drift_write_tool"
[ -x "$tool" ] || fail "$tool not built (make check builds it)"

mnt="$HARNESS_TMP/small"
mkdir "$mnt" || fail "cannot create $mnt"
# 16 pages of data, few inodes; unmount before the harness removes HARNESS_TMP.
mount -t tmpfs -o size=64k,nr_inodes=16,mode=0755 drift-test "$mnt" ||
    skip "cannot mount a tmpfs here"
trap 'umount "$mnt" 2>/dev/null; harness_cleanup' EXIT

drift="$mnt/ntp.drift"
out="$HARNESS_TMP/out"

# $1 = expected file contents; the file must be byte for byte the old one.
expect_drift() {
    printf '%s\n' "$1" | cmp -s - "$drift" || fail "drift file changed: $(od -c "$drift" | head -3)"
    if [ -e "$drift.TEMP" ]; then fail "temporary file $drift.TEMP left behind"; fi
    run_nocap "$tool" read "$drift" >"$out" || fail "cannot read back: $(cat "$out")"
    [ "$(cat "$out")" = "$1" ] || fail "read back $(cat "$out"), expected $1"
}

# $1 = expected single message
expect_one_message() {
    [ "$(wc -l <"$out")" -eq 1 ] || fail "expected one message, got: $(cat "$out")"
    [ "$(cat "$out")" = "$1" ] || fail "message was '$(cat "$out")', expected '$1'"
}

note "a normal write"
run_nocap "$tool" write "$drift" -12.345 >"$out" || fail "first write failed: $(cat "$out")"
if [ -s "$out" ]; then fail "unexpected message on success: $(cat "$out")"; fi
expect_drift -12.345

note "disk full"
dd if=/dev/zero of="$mnt/filler" bs=4096 >/dev/null 2>&1
avail=$(df -P "$mnt" | awk 'NR == 2 {print $4}')
[ "$avail" = 0 ] || fail "could not fill the tmpfs ($avail KiB left)"
run_nocap "$tool" write "$drift" 99.999 >"$out" && fail "write on a full filesystem reported success"
expect_one_message "frequency file $drift.TEMP: No space left on device"
expect_drift -12.345

note "space again"
rm -f "$mnt/filler"
run_nocap "$tool" write "$drift" 99.999 >"$out" || fail "write after freeing space failed: $(cat "$out")"
expect_drift 99.999

note "no inodes left"
i=0
while [ $i -lt 64 ] && (: >"$mnt/inode.$i") 2>/dev/null; do i=$((i + 1)); done
[ $i -lt 64 ] || fail "could not use up the inodes"
run_nocap "$tool" write "$drift" 1.5 >"$out" && fail "write without free inodes reported success"
expect_one_message "frequency file $drift.TEMP: No space left on device"
expect_drift 99.999
rm -f "$mnt"/inode.*

note "read-only filesystem"
mount -o remount,ro "$mnt" || fail "cannot remount read-only"
run_nocap "$tool" write "$drift" 2.25 >"$out" && fail "write on a read-only filesystem reported success"
expect_one_message "frequency file $drift.TEMP: Read-only file system"
expect_drift 99.999

echo "drift file: full disk, no inodes and read-only mount each gave one message; old file intact"
exit 0
