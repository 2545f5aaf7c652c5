#!/usr/bin/env bash
# A/B of decoder changes on the customers page: runs `peer-bench customer`
# with each binary given, in turn, ROUNDS times (default 9), and prints the
# medians of our times and of async-stripe / ours, indented and compact.
# Keep each build's binary first, e.g.
#   cargo build --release && cp target/release/peer-bench /tmp/pb-before
# Walls drift between runs on a noisy machine; runs taken in turn do not.
set -euo pipefail
if [ $# -lt 1 ]; then
    echo "usage: ROUNDS=9 $0 BINARY [BINARY ...]" >&2
    exit 2
fi
rounds=${ROUNDS:-9}
results=$(mktemp)
trap 'rm -f "$results"' EXIT
for _ in $(seq "$rounds"); do
    for binary in "$@"; do
        "$binary" customer | awk -v b="$binary" '
            /indented\), ours/ { indented = $(NF-3) }
            /compact\), ours/ { compact = $(NF-3) }
            /\/ ours/ { ratios = ratios " " substr($NF, 1, length($NF) - 1) }
            END { print b, indented, compact ratios }' >>"$results"
    done
done
median() { # of column $2 of binary $1's rows
    awk -v b="$1" -v c="$2" '$1 == b { print $c }' "$results" | sort -g |
        awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
for binary in "$@"; do
    echo "$binary: indented $(median "$binary" 2) us, compact $(median "$binary" 3) us;" \
        "async-stripe / ours $(median "$binary" 4)x indented, $(median "$binary" 5)x compact"
done
