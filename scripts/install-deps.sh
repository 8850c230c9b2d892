#!/usr/bin/env bash
# Installs every Debian 12 package keraspp needs to build, test and run its examples.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libdnnl-dev ocl-icd-opencl-dev   # oneDNN kernels; find_package(dnnl) needs the OpenCL headers
  libhdf5-dev                      # Keras weights (.h5, .weights.h5)
  libzip-dev zlib1g-dev            # .npz and .keras archives, gzip datasets
  nlohmann-json3-dev               # Keras JSON configs
  libcli11-dev                     # the keraspp command-line tool
  libgtest-dev googletest          # the test suite
  dataset-fashion-mnist            # the real data the examples train on
  clang libclang-rt-14-dev         # fuzz/: libFuzzer targets (the runtime is only a Recommends of clang)
  libomp-dev                       # fuzz/: OpenMP for the clang build of the library (omp.h, libomp)
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
