#!/bin/sh
# The Debian packages, built and inspected as an administrator would meet
# them: `dpkg-buildpackage -b` on a copy of the tracked tree (nocheck: the
# tests run elsewhere), then
#   * files: each program, unit, man page in the package it belongs to;
#   * control: the relations that make it replace ntp/ntpsec/ntpstat, a
#     version above Debian's own ntpdate, /etc/ntp.conf a conffile;
#   * install into a throwaway root (dpkg --root, maintainer scripts run
#     chrootless with DPKG_ROOT): the ntp account and ntpd's directories
#     are created there and nowhere else, ntpd.service is enabled;
#   * `systemd-analyze verify --root` accepts every unit shipped (each
#     ExecStart program present and executable).
# Runs in the plain build only (the sanitizer build would build it again).
. "$top_srcdir/tests/lib/harness.sh"

grep -q '^SANITIZER_FLAGS = .*-fsanitize' "$top_builddir/Makefile" 2>/dev/null && skip "packages are checked in the plain build"
for tool in dpkg-buildpackage dh dpkg-deb systemd-analyze git; do
    command -v "$tool" >/dev/null || skip "$tool not installed (Debian: dpkg-dev debhelper systemd git)"
done
git -C "$top_srcdir" rev-parse --git-dir >/dev/null 2>&1 || skip "not a git checkout"

src="$HARNESS_TMP/src"
mkdir "$src" && git -C "$top_srcdir" ls-files -z | (cd "$top_srcdir" && xargs -0 tar -cf -) |
    tar -xf - -C "$src" || fail "cannot copy the tracked tree"
(cd "$src" && DEB_BUILD_OPTIONS="nocheck parallel=2" dpkg-buildpackage -b -us -uc) \
    >"$HARNESS_TMP/build.log" 2>&1 || { tail -30 "$HARNESS_TMP/build.log" >&2; fail "dpkg-buildpackage failed"; }
suite=$(ls "$HARNESS_TMP"/ntp-suite_*.deb) && ntpdate=$(ls "$HARNESS_TMP"/ntpdate_*.deb) ||
    fail "no ntp-suite or ntpdate .deb"

files() { dpkg-deb -c "$1" | awk '{print $6}' | sed 's|^\./|/|'; }
files "$suite" >"$HARNESS_TMP/suite.files"
files "$ntpdate" >"$HARNESS_TMP/ntpdate.files"
has() {  # LIST PATH
    grep -qx "$2" "$HARNESS_TMP/$1.files" || fail "$1 package lacks $2"
}
for p in /usr/sbin/ntpd /usr/bin/ntpq /usr/bin/ntpstat /usr/sbin/ntptime /usr/sbin/ntp-keygen \
    /etc/ntp.conf /etc/default/ntp /etc/init.d/ntpd /lib/systemd/system/ntpd.service \
    /lib/systemd/system/ntp-wait.service /usr/lib/sysusers.d/ntp.conf /usr/lib/tmpfiles.d/ntp.conf \
    /usr/share/man/man8/ntpd.8.gz /usr/share/man/man5/ntp.conf.5.gz /usr/share/man/man1/ntpq.1.gz \
    /usr/sbin/ntp-wait /usr/bin/ntptrace /usr/bin/ntpdc /usr/share/man/man8/ntp-wait.8.gz \
    /usr/share/man/man1/ntptrace.1.gz /usr/share/man/man1/ntpdc.1.gz \
    /usr/bin/sntp /usr/share/man/man1/sntp.1.gz; do
    has suite "$p"
done
for p in /usr/sbin/ntpdate /lib/systemd/system/ntpdate.service /etc/default/ntpdate \
    /etc/ntp/step-tickers /usr/share/man/man8/ntpdate.8.gz; do
    has ntpdate "$p"
done
grep -q 'ntpdate' "$HARNESS_TMP/suite.files" && fail "ntpdate's files are in ntp-suite too"

field() { dpkg-deb -f "$1" "$2"; }
for rel in Conflicts Replaces; do
    for pkg in ntp ntpsec ntpstat; do
        field "$suite" "$rel" | tr ',' '\n' | grep -q "^ *$pkg\( \|$\)" || fail "ntp-suite $rel lacks $pkg"
    done
done
field "$suite" Provides | grep -q 'ntp (= ' || fail "ntp-suite does not provide a versioned ntp"
field "$ntpdate" Conflicts | grep -q 'ntpsec-ntpdate' || fail "ntpdate does not conflict with ntpsec-ntpdate"
# Debian's own ntpdate is 1:4.2.8p15...; ours must not be "upgraded" away.
dpkg --compare-versions "$(field "$ntpdate" Version)" gt "1:4.2.8p15+dfsg-2~1.2.2+deb12u1" ||
    fail "ntpdate version $(field "$ntpdate" Version) is below Debian's ntpdate"
dpkg-deb -I "$suite" conffiles | grep -qx '/etc/ntp.conf' || fail "/etc/ntp.conf is not a conffile"
dpkg-deb -I "$suite" postinst | grep -q 'systemd-sysusers' || fail "postinst does not create the ntp account"

# A throwaway root with systemd's own units (for verify) and nothing else.
root="$HARNESS_TMP/root"
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/etc" "$root/usr/bin" "$root/lib/systemd" &&
    touch "$root/var/lib/dpkg/status" && cp /etc/passwd /etc/group "$root/etc/" &&
    cp -a /lib/systemd/system "$root/lib/systemd/" && cp /usr/bin/kill "$root/usr/bin/" &&
    ln -s usr/bin "$root/bin" || fail "cannot make the throwaway root"
cp /etc/passwd "$HARNESS_TMP/host.passwd"
dpkg --root="$root" --force-depends --force-script-chrootless --log=/dev/null -i "$suite" "$ntpdate" \
    >"$HARNESS_TMP/install.log" 2>&1 || { cat "$HARNESS_TMP/install.log" >&2; fail "dpkg --root -i failed"; }
cmp -s /etc/passwd "$HARNESS_TMP/host.passwd" || fail "installing into the root changed the host's /etc/passwd"
ntp_uid=$(awk -F: '$1 == "ntp" {print $3}' "$root/etc/passwd")
[ -n "$ntp_uid" ] || fail "no ntp account in the root"
for d in /var/lib/ntp /var/log/ntpstats; do
    [ "$(stat -c %u "$root$d" 2>/dev/null)" = "$ntp_uid" ] || fail "$d missing or not owned by ntp"
done
[ -L "$root/etc/systemd/system/multi-user.target.wants/ntpd.service" ] || fail "ntpd.service is not enabled"
for unit in ntpd.service ntpdate.service ntp-wait.service; do
    systemd-analyze verify --man=no --root="$root" "$unit" >"$HARNESS_TMP/verify.$unit" 2>&1
    [ -s "$HARNESS_TMP/verify.$unit" ] && { cat "$HARNESS_TMP/verify.$unit" >&2; fail "systemd-analyze verify $unit"; }
done
note "ntp-suite $(field "$suite" Version): $(wc -l <"$HARNESS_TMP/suite.files") entries; ntpdate: $(wc -l <"$HARNESS_TMP/ntpdate.files")"
echo "deb: ok"
