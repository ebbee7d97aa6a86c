#!/usr/bin/env bash
# The trace writers' output for every shipped scenario, pinned by checksum: the text trace, the
# JSONL trace and the pcap file must stay byte-identical to what is recorded in trace_goldens.txt
# (one line per scenario and format: "<name> <format> <sha256>").
#
#   trace_goldens.sh MAILLAB SCENARIO.yaml    check one scenario (what ctest runs)
#   trace_goldens.sh --update MAILLAB         rewrite trace_goldens.txt from every scenarios/*.yaml
#
# A change that is meant to change traces (a protocol fix, a new record) refreshes the list with
# --update in the same commit and says why; anything else that changes a checksum is a bug.
set -u
here=$(cd "$(dirname "$0")" && pwd)
goldens="$here/trace_goldens.txt"
top=$(cd "$here/../.." && pwd)
# The text trace names the scenario file, so every run names it the same way: scenarios/NAME.yaml
# from the top of the repository.
absolute() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }

# Prints "<name> text|jsonl|pcap <sha256>" for one scenario.
checksums() {
  local maillab=$1 scenario=$2 dir name
  dir=$(mktemp -d)
  name=$(basename "$scenario" .yaml)
  (cd "$top" && "$maillab" run "scenarios/$name.yaml" --trace text --out "$dir/trace.txt" >/dev/null)
  (cd "$top" && "$maillab" run "scenarios/$name.yaml" --trace jsonl --out "$dir/trace.jsonl" --pcap "$dir/trace.pcap" >/dev/null)
  for format in text jsonl pcap; do
    case $format in text) file=trace.txt ;; jsonl) file=trace.jsonl ;; pcap) file=trace.pcap ;; esac
    [ -s "$dir/$file" ] || { echo "$name: no $format output written" >&2; rm -rf "$dir"; return 1; }
    echo "$name $format $(sha256sum < "$dir/$file" | cut -d' ' -f1)"
  done
  rm -rf "$dir"
}

if [ "${1:-}" = "--update" ]; then
  maillab=$(absolute "$2")
  tmp=$(mktemp)
  for scenario in "$top"/scenarios/*.yaml; do checksums "$maillab" "$scenario" >> "$tmp" || exit 1; done
  mv "$tmp" "$goldens"
  echo "wrote $(wc -l < "$goldens") checksums to $goldens"
  exit 0
fi

maillab=$(absolute "$1") scenario=$2
name=$(basename "$scenario" .yaml)
actual=$(checksums "$maillab" "$scenario") || exit 1
expected=$(grep "^$name " "$goldens")
if [ -z "$expected" ]; then
  echo "$name has no checksums in $goldens; add them with: $0 --update $maillab"
  exit 1
fi
if [ "$actual" != "$expected" ]; then
  echo "trace output of $name changed:"
  diff <(echo "$expected") <(echo "$actual")
  echo "if the change is intended, refresh with: $0 --update $maillab (and say why in the commit)"
  exit 1
fi
echo "$name: text, jsonl and pcap output unchanged"
