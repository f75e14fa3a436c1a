#!/bin/sh
# tests/lint/include_rules.sh: who may include whom (a `make check` test).
#
#   * libntp/ includes no program and no test support;
#   * a program (any top-level folder with a local.am besides libntp, tests,
#     etc, man) includes only its own headers and libntp's;
#   * no product source includes tests/ (test doubles live in tests/support
#     and are built only into check programs);
#   * inside ntpd, each room includes only the rooms below it:
#         refclock  -> (nothing else in ntpd)
#         core      -> refclock
#         server    -> core
#         control   -> core, server, refclock
#         ntpd/*    (the process shell) -> any room
# Unit tests (*_test.cc) may also include tests/support. Prints every
# violation as FILE:LINE: ... and fails if there is one.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
cd "$top_srcdir" || exit 99

programs=""
for d in */; do
    d=${d%/}
    case "$d" in libntp | tests | etc | man | m4 | build* | debian) continue ;; esac
    [ -f "$d/local.am" ] && programs="$programs $d"
done

# Which include prefixes a source file may use, as a space-separated list.
allowed() {
    _f=$1
    case "$_f" in
        *_test.cc) _extra="tests/support/" ;;
        *) _extra="" ;;
    esac
    case "$_f" in
        tests/*) echo "ANY"; return ;;
        libntp/*) echo "libntp/ $_extra"; return ;;
        ntpd/refclock/*) echo "libntp/ ntpd/refclock/ $_extra"; return ;;
        ntpd/core/*) echo "libntp/ ntpd/core/ ntpd/refclock/ $_extra"; return ;;
        ntpd/server/*) echo "libntp/ ntpd/server/ ntpd/core/ $_extra"; return ;;
        ntpd/control/*) echo "libntp/ ntpd/control/ ntpd/core/ ntpd/server/ ntpd/refclock/ $_extra"; return ;;
    esac
    _top=${_f%%/*}
    echo "libntp/ $_top/ $_extra"
}

bad=0
for f in $(find libntp $programs -name '*.cc' -o -name '*.hh' | sort); do
    _ok=$(allowed "$f")
    [ "$_ok" = ANY ] && continue
    # Quoted includes only: system and library headers use <...>.
    grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" | while IFS= read -r line; do
        _n=${line%%:*}
        _inc=$(echo "$line" | sed 's/.*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/')
        case "$_inc" in config.h) continue ;; esac
        _pass=0
        for p in $_ok; do
            case "$_inc" in "$p"*) _pass=1; break ;; esac
        done
        if [ "$_pass" = 0 ]; then
            echo "$f:$_n: includes \"$_inc\" (allowed here: $_ok)"
        fi
    done
done >"${TMPDIR:-/tmp}/include_rules.$$"
if [ -s "${TMPDIR:-/tmp}/include_rules.$$" ]; then
    cat "${TMPDIR:-/tmp}/include_rules.$$"
    bad=1
fi
rm -f "${TMPDIR:-/tmp}/include_rules.$$"
[ "$bad" = 0 ] && echo "include rules: ok (programs:$programs)"
exit "$bad"
