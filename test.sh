#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test through ctest.
cd "$(dirname "$0")"
source ./scripts_common.sh
maillab_install_packages
maillab_build
cd build && ctest --output-on-failure -j "$(nproc)" "$@"
