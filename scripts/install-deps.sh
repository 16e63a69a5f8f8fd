#!/bin/sh
# Installs the Debian packages Basalt needs, when any is missing. Safe to run
# repeatedly: it asks apt only when dpkg lacks a package.
#
#   scripts/install-deps.sh         what building and running the server needs (make run)
#   scripts/install-deps.sh test    that, plus what the tests, fuzzing and benchmarks need (make test)
set -e
PKGS="build-essential pkg-config librocksdb-dev libjemalloc-dev libevent-dev zlib1g-dev libdw-dev"
if [ "${1:-}" = "test" ]; then
    PKGS="$PKGS python3 python3-pytest python3-redis redis-tools redis-server clang libclang-rt-dev gnuplot-nox"
    # Real consumers of the heap profile formats, for the format tests:
    # go tool pprof reads the pprof output, Chromium renders the SVG flame
    # graph (with DejaVu Sans Mono, whose glyph width the SVG layout assumes).
    PKGS="$PKGS golang-go chromium fonts-dejavu-core"
fi
missing=""
for p in $PKGS; do
    dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
