#!/usr/bin/env bash
# Runs a lesson with its answers file and fails unless it ends with full marks ("score: N/N").
set -u
output=$("$1" lesson "$2" --answers "$3") || { echo "$output"; exit 1; }
last=$(printf '%s\n' "$output" | tail -n 1)
echo "$last"
[[ $last =~ ^score:\ ([0-9]+)/([0-9]+)$ ]] && [ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ]
