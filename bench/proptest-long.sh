#!/bin/sh
# The property tests (tests/properties.rs) with many more random cases than `cargo test`
# runs: the reader, sentence splitter, matcher and relation stage on arbitrary bytes, and
# the cutting of over-long sentences. Run before a release; takes minutes.
#   bench/proptest-long.sh [CASES]   (default 20000)
set -e
cd "$(dirname "$0")/.."
PROPTEST_CASES="${1:-20000}" cargo test --release --test properties -- --test-threads 2
