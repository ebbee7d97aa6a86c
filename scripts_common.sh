# Shared by run.sh and test.sh: install missing Debian packages (apt only when something is
# missing), then configure and build into build/.
set -euo pipefail

MAILLAB_PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libsfml-dev libimgui-dev libboost-graph-dev libboost-system-dev libyaml-cpp-dev catch2 libssl-dev libmimalloc-dev
  xvfb xauth fonts-dejavu-core
  python3 python3-dkim python3-spf python3-dnspython dnsutils tshark swaks tmux ccache openssl
  msmtp fetchmail neomutt s-nail  # real TLS clients of tests/interop
)

maillab_install_packages() {
  local missing=()
  for package in "${MAILLAB_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
  done
  if ((${#missing[@]})); then
    echo "installing: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
  fi
}

# ccache, when present, makes a rebuild of unchanged sources (a fresh clone on the same machine,
# the sanitizer and fuzz builds of CI) cost a cache lookup instead of a compile.
maillab_cmake_launcher() {
  if command -v ccache >/dev/null; then
    echo "-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache"
  fi
}

maillab_build() {
  # shellcheck disable=SC2046
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo $(maillab_cmake_launcher) >/dev/null
  cmake --build build -j "$(nproc)"
}
