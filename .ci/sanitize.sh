#!/usr/bin/env bash
# The sanitizer stage (issue 14): AddressSanitizer + UndefinedBehaviorSanitizer, leak checking on,
# in a second build directory, build-asan/ (CMake option MAILLAB_SANITIZE). Any sanitizer report
# fails the stage. Prints how long it took.
#   .ci/sanitize.sh          the protocol test programs, where every byte from outside is parsed
#                            (SMTP, POP3, IMAP, DNS, mail, SPF/DKIM/DMARC, the store, TLS)
#   .ci/sanitize.sh --all    also the engine, its hosts (sessions, teardown, the nothing-lost
#                            test) and the bridge's sockets: what CI runs
# The `maillab` program itself (GUI included) and the interop tests through it are left out: on
# two cores CI has no time for a sanitized build of everything.
set -euo pipefail
cd "$(dirname "$0")/.."
source ./scripts_common.sh
maillab_install_packages

started=$(date +%s)
programs=(test_auth test_common test_dns test_imap test_mail test_pop3 test_smtp test_store test_tls)
if [ "${1:-}" = "--all" ]; then
  programs+=(test_engine test_hosts_auth test_hosts_client test_hosts_dns test_hosts_mail test_hosts_tls test_bridge)
fi
targets=("${programs[@]}")

# shellcheck disable=SC2046
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMAILLAB_SANITIZE=ON \
      $(maillab_cmake_launcher) >/dev/null
cmake --build build-asan -j "$(nproc)" --target "${targets[@]}"
built=$(date +%s)

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:check_initialization_order=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export MAILLAB_BUILD_DIR=$PWD/build-asan
# Each program runs all its test cases in one process: the leak check covers them all at exit.
for program in "${programs[@]}"; do
  echo "== $program (ASan + UBSan)"
  "$(find build-asan/tests -type f -name "$program" | head -n 1)"
done

finished=$(date +%s)
echo "sanitizer stage: build $((built - started)) s, tests $((finished - built)) s"
