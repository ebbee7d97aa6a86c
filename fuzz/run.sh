#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, AddressSanitizer + UBSan, leak checking on) into
# build-fuzz/ and runs every target for SECONDS each (default 20), two at a time on two cores.
# Any crash, sanitizer report, leak, out-of-memory or input slower than 10 s fails the run.
#   fuzz/run.sh [SECONDS] [TARGET...]        e.g.  fuzz/run.sh 600 imap_server smtp_server
# Corpora grow in build-fuzz/corpus/<target>/ (kept between runs), seeded each run from
# fuzz/corpus/, from real client-server conversations (fuzz_make_seeds) and from the shipped
# scenarios and lessons. A finding is written to build-fuzz/findings/<target>-crash-<sha1>;
# replay it with build-fuzz/fuzz/fuzz_<target> FILE.
set -euo pipefail
cd "$(dirname "$0")/.."
source ./scripts_common.sh
MAILLAB_PACKAGES+=(clang libclang-rt-14-dev)
maillab_install_packages

seconds=${1:-20}
shift || true
all_targets=(dns_message smtp_server smtp_client pop3_server pop3_client imap_server imap_client
             mail_message dsn spf dkim dmarc authentication_results tls_session scenario_loader lesson_loader)
targets=("$@")
((${#targets[@]})) || targets=("${all_targets[@]}")
build=build-fuzz
parallel=$(($(nproc) < 2 ? 1 : 2))

# shellcheck disable=SC2046
CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DMAILLAB_FUZZ=ON -DCMAKE_BUILD_TYPE=None \
  -DCMAKE_CXX_FLAGS="-O1 -gline-tables-only" $(maillab_cmake_launcher) >/dev/null
cmake --build "$build" --target maillab_fuzzers -j "$(nproc)"

# Seeds, rebuilt every run so they follow the code and the shipped files.
rm -rf "$build/seeds"
mkdir -p "$build/seeds" "$build/findings" "$build/logs"
cp -r fuzz/corpus/. "$build/seeds/"
"$build/fuzz/fuzz_make_seeds" "$build/seeds"
for kind in scenario:scenarios lesson:lessons; do
  mkdir -p "$build/seeds/${kind%%:*}_loader"
  for file in "${kind#*:}"/*.yaml; do
    { printf 0; cat "$file"; } > "$build/seeds/${kind%%:*}_loader/$(basename "$file")"
  done
done

run_target() {
  local target=$1 options=()
  case $target in
    scenario_loader | lesson_loader) options=(-dict=fuzz/yaml.dict -max_len=16384) ;;
    *) options=(-max_len=8192) ;;
  esac
  mkdir -p "$build/corpus/$target" "$build/seeds/$target"
  "$build/fuzz/fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -seed=1 \
    -print_final_stats=1 -artifact_prefix="$build/findings/$target-" "${options[@]}" \
    "$build/corpus/$target" "$build/seeds/$target" >"$build/logs/$target.log" 2>&1
}

failed=()
report() {  # target status
  local runs
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$build/logs/$1.log" | grep -o '[0-9]*$' || echo '?')
  if [ "$2" -eq 0 ]; then
    echo "fuzz $1: ok, ${runs} runs in ${seconds} s"
  else
    echo "fuzz $1: FAILED (exit $2); log: $build/logs/$1.log"
    grep -E 'ERROR|SUMMARY|==[0-9]+==|runtime error|Test unit written' "$build/logs/$1.log" | head -20
    failed+=("$1")
  fi
}

# Two at a time: each target gets one core.
declare -A running=()
for target in "${targets[@]}"; do
  while ((${#running[@]} >= parallel)); do
    set +e; wait -n -p finished_pid; status=$?; set -e
    report "${running[$finished_pid]}" "$status"
    unset "running[$finished_pid]"
  done
  run_target "$target" &
  running[$!]=$target
done
for pid in "${!running[@]}"; do
  set +e; wait "$pid"; status=$?; set -e
  report "${running[$pid]}" "$status"
done

if ((${#failed[@]})); then
  echo "fuzzing found problems in: ${failed[*]}"
  exit 1
fi
echo "fuzzing: ${#targets[@]} targets, ${seconds} s each, nothing found"
