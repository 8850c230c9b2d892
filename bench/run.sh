#!/usr/bin/env bash
# The benchmark, in one command on a fresh Debian 12 machine: installs what it needs (the build's packages, Debian's
# PyTorch and the OpenMP build of OpenBLAS for it), builds keraspp in Release, and runs keraspp and PyTorch
# interleaved on the same models (bench/run.py). Arguments go to run.py, e.g. --models cnn --batches 32 --rounds 3.
# Run it on an otherwise idle machine: another busy process makes both frameworks several times slower.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
for p in python3-torch python3-numpy libopenblas0-openmp; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
      python3-torch python3-numpy libopenblas0-openmp
    break
  fi
done
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build -j2 --target keraspp_bench
/usr/bin/python3 bench/run.py "$@"
