#!/bin/sh
# tests/interop/peers.sh: third-party NTP programs for interop tests.
#
# Fetches the Debian packages of NTPsec (ntpsec, python3-ntp, ntpsec-ntpdig,
# ntpsec-ntpdate) and chrony with `apt-get download`, unpacks them with
# `dpkg -x` into a cache directory and prints the paths of the programs.
# Nothing is installed: installing would start system services.
#
# Two ways to use it:
#
#   sourced, from a test (after tests/lib/harness.sh):
#       . "$top_srcdir/tests/interop/peers.sh"
#       peers_prefetch                  # before harness_netns, see below
#       harness_netns "$@"
#       ntpsec_ntpd=$(peers_ntpsec_ntpd) || exit $?     # 77 = skip
#       ntpsec_ntpq=$(peers_ntpsec_ntpq) || exit $?
#
#   called:
#       sh tests/interop/peers.sh            # fetch all, print "name path" lines
#       sh tests/interop/peers.sh ntpq       # print one path
#
# Every peers_* function prints one absolute path on stdout and returns 0, or
# prints the reason on stderr and returns 77 (automake "skip") when the
# packages cannot be fetched (no network, not Debian, no apt-get...).
#
# Environment:
#   NTP_PEERS_CACHE  cache directory (default $HOME/.cache/ntp-suite-peers)
#   NTP_PEERS_DEBS   optional directory that already holds the .deb files;
#                    they are copied into the cache instead of downloading
#   NTP_PEERS_UPDATE set to 0 to never run `apt-get update` when the first
#                    download attempt fails (default: run it once, as root)
#
# Layout of the cache:
#   debs/   the .deb files
#   root/   all packages unpacked together (usr/sbin/ntpd, usr/bin/ntpq, ...)
#   bin/    small wrappers: ntpq, ntpdig, ntpdate (Python tools need
#           PYTHONPATH and the libntpc.so copy; ntpdate needs ntpdig on PATH)

PEERS_PACKAGES="ntpsec python3-ntp ntpsec-ntpdig ntpsec-ntpdate chrony"

peers_cache_dir() {
    echo "${NTP_PEERS_CACHE:-${HOME:-/tmp}/.cache/ntp-suite-peers}"
}

# Prints the .deb already in $1 for package $2 (newest by name), if any.
peers_find_deb() {
    for _pf_deb in "$1/$2"_*.deb; do
        [ -f "$_pf_deb" ] && _pf_last=$_pf_deb
    done
    [ -n "${_pf_last:-}" ] && echo "$_pf_last"
    _pf_last=""
}

# Makes sure every package is in debs/ and unpacked in root/. Idempotent and
# cheap once done (a stamp file records the unpacked set).
# Tests run in parallel (make -j check): one fetches and unpacks while the
# others wait on a lock in the cache directory (flock(1), util-linux).
peers_fetch() {
    _cache=$(peers_cache_dir)
    _stamp="$_cache/root/.unpacked"
    if [ -f "$_stamp" ] && [ "$(cat "$_stamp")" = "$PEERS_PACKAGES" ]; then
        return 0
    fi
    mkdir -p "$_cache/debs" ||
        { echo "peers.sh: cannot create $_cache" >&2; return 77; }
    if command -v flock >/dev/null 2>&1; then
        (
            flock 9 || exit 77
            peers_fetch_unlocked
        ) 9>"$_cache/.lock"
    else
        peers_fetch_unlocked
    fi
}

peers_fetch_unlocked() {
    _cache=$(peers_cache_dir)
    _stamp="$_cache/root/.unpacked"
    if [ -f "$_stamp" ] && [ "$(cat "$_stamp")" = "$PEERS_PACKAGES" ]; then
        return 0
    fi
    command -v dpkg >/dev/null 2>&1 ||
        { echo "peers.sh: dpkg not found: cannot unpack Debian packages" >&2; return 77; }

    _missing=""
    for _pkg in $PEERS_PACKAGES; do
        if [ -z "$(peers_find_deb "$_cache/debs" "$_pkg")" ]; then
            _local=""
            [ -n "${NTP_PEERS_DEBS:-}" ] && _local=$(peers_find_deb "$NTP_PEERS_DEBS" "$_pkg")
            if [ -n "$_local" ]; then
                cp "$_local" "$_cache/debs/" || return 77
            else
                _missing="$_missing $_pkg"
            fi
        fi
    done

    if [ -n "$_missing" ]; then
        command -v apt-get >/dev/null 2>&1 ||
            { echo "peers.sh: apt-get not found: cannot fetch$_missing" >&2; return 77; }
        # apt-get download writes into the current directory.
        if ! (cd "$_cache/debs" && apt-get download -qq $_missing) >/dev/null 2>&1; then
            if [ "${NTP_PEERS_UPDATE:-1}" != 0 ] && [ "$(id -u)" = 0 ]; then
                apt-get update -qq >/dev/null 2>&1
            fi
            (cd "$_cache/debs" && apt-get download -qq $_missing) >/dev/null 2>&1 ||
                { echo "peers.sh: apt-get download failed for$_missing" >&2; return 77; }
        fi
    fi

    rm -rf "$_cache/root" "$_cache/bin"
    mkdir -p "$_cache/root" "$_cache/bin" || return 77
    for _pkg in $PEERS_PACKAGES; do
        _deb=$(peers_find_deb "$_cache/debs" "$_pkg")
        [ -n "$_deb" ] || { echo "peers.sh: $_pkg missing after download" >&2; return 77; }
        dpkg -x "$_deb" "$_cache/root" ||
            { echo "peers.sh: dpkg -x $_deb failed" >&2; return 77; }
    done
    peers_make_wrappers "$_cache" || return 77
    echo "$PEERS_PACKAGES" >"$_stamp"
}

# A test that runs in its own network namespace (harness_netns) has no route
# to the Debian mirror there: fetch before entering it. Inside the namespace
# this does nothing; the peers_* calls then find the unpacked cache, or skip.
# A failed fetch is not an error here (the peers_* calls report it).
peers_prefetch() {
    [ -n "${HARNESS_IN_NETNS:-}" ] && return 0
    peers_fetch 2>/dev/null || true
}

# NTPsec's Python tools look for libntpc.so first beside their package
# (ntp/ntpc.py), then in the system library path: copy it beside the package
# so the unpacked tree works without being installed.
peers_make_wrappers() {
    _root="$1/root"
    _bin="$1/bin"
    _py="$_root/usr/lib/python3/dist-packages"
    _lib=$(ls "$_root"/usr/lib/*/ntp/libntpc.so.* 2>/dev/null | head -n 1)
    [ -n "$_lib" ] || { echo "peers.sh: libntpc.so not found in python3-ntp/ntpsec" >&2; return 1; }
    cp "$_lib" "$_py/ntp/libntpc.so" || return 1

    # Debian's scripts say #!/usr/bin/python3; prefer it, as the packages were
    # built for the system Python.
    _python=/usr/bin/python3
    [ -x "$_python" ] || _python=$(command -v python3) ||
        { echo "peers.sh: python3 not found (needed by NTPsec ntpq/ntpdig)" >&2; return 1; }

    for _tool in ntpq ntpdig; do
        cat >"$_bin/$_tool" <<EOF
#!/bin/sh
PYTHONPATH="$_py\${PYTHONPATH:+:\$PYTHONPATH}" exec "$_python" "$_root/usr/bin/$_tool" "\$@"
EOF
        chmod +x "$_bin/$_tool"
    done
    # The ntpdate wrapper script runs `ntpdig` from PATH.
    cat >"$_bin/ntpdate" <<EOF
#!/bin/sh
PATH="$_bin:\$PATH" exec /bin/sh "$_root/usr/sbin/ntpdate" "\$@"
EOF
    chmod +x "$_bin/ntpdate"
}

# Prints $1 if it is executable, else explains.
peers_path() {
    [ -x "$1" ] && { echo "$1"; return 0; }
    echo "peers.sh: $1 is missing after unpacking" >&2
    return 77
}

peers_ntpsec_ntpd()    { peers_fetch || return 77; peers_path "$(peers_cache_dir)/root/usr/sbin/ntpd"; }
peers_ntpsec_ntpq()    { peers_fetch || return 77; peers_path "$(peers_cache_dir)/bin/ntpq"; }
peers_ntpdig()         { peers_fetch || return 77; peers_path "$(peers_cache_dir)/bin/ntpdig"; }
peers_ntpsec_ntpdate() { peers_fetch || return 77; peers_path "$(peers_cache_dir)/bin/ntpdate"; }
peers_chronyd()        { peers_fetch || return 77; peers_path "$(peers_cache_dir)/root/usr/sbin/chronyd"; }
peers_chronyc()        { peers_fetch || return 77; peers_path "$(peers_cache_dir)/root/usr/bin/chronyc"; }

# Called as a program rather than sourced: $0 ends in peers.sh.
case "${0##*/}" in
peers.sh)
    set -u
    case "${1:-all}" in
    all)
        peers_fetch || exit 77
        for _n in ntpsec_ntpd ntpsec_ntpq ntpdig ntpsec_ntpdate chronyd chronyc; do
            _p=$("peers_$_n") || exit 77
            echo "$_n $_p"
        done
        ;;
    ntpd | ntpsec-ntpd) peers_ntpsec_ntpd || exit 77 ;;
    ntpq | ntpsec-ntpq) peers_ntpsec_ntpq || exit 77 ;;
    ntpdig) peers_ntpdig || exit 77 ;;
    ntpdate | ntpsec-ntpdate) peers_ntpsec_ntpdate || exit 77 ;;
    chronyd) peers_chronyd || exit 77 ;;
    chronyc) peers_chronyc || exit 77 ;;
    *)
        echo "usage: peers.sh [all|ntpd|ntpq|ntpdig|ntpdate|chronyd|chronyc]" >&2
        exit 2
        ;;
    esac
    ;;
esac
