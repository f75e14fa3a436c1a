#!/bin/sh
# make check: every fuzz target runs once over each file of its seed corpus,
# so inputs that once crashed (saved into tests/fuzz/corpus) stay fixed.
# Skips unless configured with --enable-fuzzers.
exec "${SHELL:-/bin/sh}" "$top_srcdir/tests/fuzz/fuzz.sh" replay
