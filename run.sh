#!/usr/bin/env bash
# Installs what is missing, builds, then shows the introductory scenario: in the visualizer when
# a display is available, otherwise headless with its hop-by-hop trace.
cd "$(dirname "$0")"
source ./scripts_common.sh
maillab_install_packages
maillab_build
scenario=scenarios/mail-intro.yaml  # the whole story: submit, MX lookup, relay, mailbox
if [ -n "${DISPLAY:-}" ] && [ -x build/maillab ] && build/maillab gui --help >/dev/null 2>&1; then
  exec build/maillab gui "$scenario"
fi
exec build/maillab run "$scenario" --trace text
