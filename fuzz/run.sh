#!/usr/bin/env bash
# Fuzz smoke run: builds the libFuzzer targets with clang and fuzzes each for FUZZ_SECONDS (default 20) seconds.
#   fuzz/run.sh                     every target: the library in its own CMake tree, build-fuzz (KERASPP_FUZZ=ON)
#   fuzz/run.sh npy json_config     only these targets
#   FUZZ_QUICK=1 fuzz/run.sh        only the parser-level targets (npy, npz, zip_container, h5_store), built by one
#                                   direct clang++ line from the few sources they need (a minute, for CI)
# Targets: npy, npz (numpy files), zip_container (the .keras zip reader), h5_store (the HDF5 weights store, Keras 3
# and legacy layouts), keras_zip (load_model on a .keras file), h5_weights (load_weights and load_model on HDF5),
# json_config (model_from_json). Seeds: fuzz/seeds/<target> if present, else the test fixtures.
# Exit status 1 on a finding; libFuzzer leaves the input as build-fuzz/crash-* (rerun: build-fuzz/fuzz/fuzz_<t> FILE).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-20}
quick_targets=(npy npz zip_container h5_store)
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  if [ -n "${FUZZ_QUICK:-}" ]; then targets=("${quick_targets[@]}"); else
    targets=("${quick_targets[@]}" keras_zip h5_weights json_config); fi
fi
mkdir -p build-fuzz/fuzz
if [ -n "${FUZZ_QUICK:-}" ]; then
  hdf5_inc=$(pkg-config --cflags hdf5 2>/dev/null || echo -I/usr/include/hdf5/serial)
  hdf5_lib=$(pkg-config --libs hdf5 2>/dev/null || echo "-L/usr/lib/x86_64-linux-gnu/hdf5/serial -lhdf5")
  flags=(-std=c++20 -O1 -g -fno-omit-frame-pointer -DKERASPP_NO_POOL -Iinclude -Isrc $hdf5_inc)
  srcs=(src/core/errors.cpp src/core/shape.cpp src/core/tensor.cpp src/numpy/npy.cpp src/numpy/npz.cpp
        src/saving/zip_archive.cpp src/saving/h5_store.cpp)
  objs=()
  for s in "${srcs[@]}"; do
    o=build-fuzz/quick-$(basename "$s" .cpp).o
    clang++ "${flags[@]}" -fsanitize=fuzzer-no-link,address -c "$s" -o "$o"
    objs+=("$o")
  done
  for t in "${targets[@]}"; do
    clang++ "${flags[@]}" -fsanitize=fuzzer,address "fuzz/fuzz_$t.cpp" "${objs[@]}" -o "build-fuzz/fuzz/fuzz_$t" \
      $hdf5_lib -lzip -lz
  done
else
  launcher=$(command -v ccache || true)
  cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
    -DCMAKE_CXX_COMPILER=clang++ ${launcher:+-DCMAKE_CXX_COMPILER_LAUNCHER=$launcher} -DKERASPP_FUZZ=ON \
    -DKERASPP_BUILD_TESTS=OFF -DKERASPP_BUILD_EXAMPLES=OFF -DKERASPP_BUILD_CLI=OFF > build-fuzz/cmake.log
  cmake --build build-fuzz --target fuzz_targets -j"${FUZZ_JOBS:-$(nproc)}" > build-fuzz/build.log
fi
fixtures=${KERASPP_SHARED_DIR:-../shared}/fixtures/keras
status=0
for t in "${targets[@]}"; do
  corpus=build-fuzz/corpus/$t
  mkdir -p "$corpus"
  if [ -d "fuzz/seeds/$t" ]; then cp -n fuzz/seeds/"$t"/* "$corpus"/ 2>/dev/null || true
  elif [ -d "$fixtures" ]; then
    case $t in
      npy) cp -n "$fixtures"/*.npy "$corpus"/ ;;
      zip_container|keras_zip) cp -n "$fixtures"/*.keras "$corpus"/ ;;
      h5_store|h5_weights) cp -n "$fixtures"/*.h5 "$corpus"/ ;;
      json_config) cp -n "$fixtures"/*.json "$corpus"/ ;;
    esac
  fi
  echo "== fuzz_$t: ${seconds}s"
  if ! (cd build-fuzz && LSAN_OPTIONS=suppressions=../fuzz/lsan.supp \
        ASAN_OPTIONS=detect_leaks=1:fast_unwind_on_malloc=0:allocator_may_return_null=1 "./fuzz/fuzz_$t" \
        -max_total_time="$seconds" -rss_limit_mb=2048 -malloc_limit_mb=2048 -timeout=20 -print_final_stats=1 \
        "corpus/$t" 2>&1 | tail -n 12); then
    status=1
  fi
done
exit $status
