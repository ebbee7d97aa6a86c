#!/usr/bin/env bash
# Runs a scenario twice with the same seed and fails unless both JSONL traces are byte-identical.
set -u
maillab=$1 scenario=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$maillab" run "$scenario" --trace jsonl --out "$dir/first.jsonl" --seed 11 >/dev/null
"$maillab" run "$scenario" --trace jsonl --out "$dir/second.jsonl" --seed 11 >/dev/null
[ -s "$dir/first.jsonl" ] || { echo "no trace written"; exit 1; }
cmp "$dir/first.jsonl" "$dir/second.jsonl" && echo "identical: $(wc -l < "$dir/first.jsonl") records"
