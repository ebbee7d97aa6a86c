#!/usr/bin/env bash
# A lesson must score full marks ("score: N/N") with its hand-written answers file
# (tests/lessons/answers/<name>.txt), and with the key `maillab lesson --key` prints, for the
# author's variant and for a student's: the key a teacher gets must be right for that student.
set -u
maillab=$1 lesson=$2 answers=$3
full_marks() {  # full_marks DESCRIPTION ARGS...: runs the lesson, checks the last line
  local what=$1
  shift
  local output last
  output=$("$maillab" lesson "$lesson" "$@") || { echo "$what: $output"; return 1; }
  last=$(printf '%s\n' "$output" | tail -n 1)
  echo "$what: $last"
  [[ $last =~ ^score:\ ([0-9.]+)/([0-9]+)$ ]] && [ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ]
}
key=$(mktemp)
trap 'rm -f "$key"' EXIT
full_marks "answers file" --answers "$answers" || exit 1
"$maillab" lesson "$lesson" --key >"$key" || exit 1
full_marks "--key" --answers "$key" || exit 1
"$maillab" lesson "$lesson" --student shipped-test --key >"$key" || exit 1
full_marks "--student --key" --student shipped-test --answers "$key" || exit 1
