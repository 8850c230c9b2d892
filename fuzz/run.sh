#!/usr/bin/env bash
# Fuzz run: builds the libFuzzer targets with clang (libFuzzer + AddressSanitizer + UndefinedBehaviorSanitizer) and
# fuzzes each for FUZZ_SECONDS (default 60) seconds. See fuzz/README.md.
#   bash fuzz/run.sh                every target; the whole library is built with clang in build-fuzz (KERASPP_FUZZ=ON)
#   bash fuzz/run.sh npy h5_store   only these targets
#   FUZZ_QUICK=1 bash fuzz/run.sh   only the parser-level targets (npy, npz, zip_container, h5_store), built by one
#                                   direct clang++ line from the few sources they need (a minute, for CI)
# Targets: npy, npz (numpy files), zip_container (the .keras zip reader), h5_store (the HDF5 weights store, Keras 3
# and legacy layouts), keras_zip (load_model on a .keras file), h5_weights (load_weights and load_model on HDF5),
# json_config (model_from_json). Seeds: fuzz/seeds/<target> if present, and the test fixtures, and fuzz/findings.
# Each target's log is build-fuzz/logs/<target>.log; a finding (crash, sanitizer report, leak, timeout of 20 s,
# allocation over 2 GB) is saved as build-fuzz/artifacts/<target>/crash-* (or leak-*, timeout-*, oom-*); rerun one
# with build-fuzz/fuzz/fuzz_<target> FILE (build-fuzz/quick/ for FUZZ_QUICK). Exit status 1 on any finding.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
jobs=${FUZZ_JOBS:-$(nproc)}
all_targets=(npy npz zip_container h5_store keras_zip h5_weights json_config)
quick_targets=(npy npz zip_container h5_store)
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  if [ -n "${FUZZ_QUICK:-}" ]; then targets=("${quick_targets[@]}"); else targets=("${all_targets[@]}"); fi
fi
for t in "${targets[@]}"; do
  case " ${all_targets[*]} " in *" $t "*) ;; *) echo "fuzz/run.sh: unknown target '$t' (${all_targets[*]})" >&2; exit 2 ;; esac
  if [ -n "${FUZZ_QUICK:-}" ]; then
    case " ${quick_targets[*]} " in *" $t "*) ;; *) echo "fuzz/run.sh: $t needs the full build (unset FUZZ_QUICK)" >&2; exit 2 ;; esac
  fi
done
command -v clang++ > /dev/null || { echo "fuzz/run.sh: clang++ not found (scripts/install-deps.sh installs it)" >&2; exit 2; }
# The full build's targets land in build-fuzz/fuzz (CMake's), the quick ones in build-fuzz/quick.
bin=build-fuzz/fuzz
if [ -n "${FUZZ_QUICK:-}" ]; then bin=build-fuzz/quick; fi
mkdir -p "$bin" build-fuzz/logs
sanitize=(-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
if [ -n "${FUZZ_QUICK:-}" ]; then
  hdf5_inc=$(pkg-config --cflags hdf5 2>/dev/null || echo -I/usr/include/hdf5/serial)
  hdf5_lib=$(pkg-config --libs hdf5 2>/dev/null || echo "-L/usr/lib/x86_64-linux-gnu/hdf5/serial -lhdf5")
  flags=(-std=c++20 -O1 -g "${sanitize[@]}" -DKERASPP_NO_POOL -Iinclude -Isrc $hdf5_inc)
  srcs=(src/core/errors.cpp src/core/shape.cpp src/core/tensor.cpp src/ops/tape.cpp src/numpy/npy.cpp
        src/numpy/npz.cpp src/saving/zip_archive.cpp src/saving/h5_store.cpp src/saving/h5_global_heap.cpp
        src/saving/h5_attributes.cpp)
  objs=()
  for s in "${srcs[@]}"; do
    o=$bin/$(basename "$s" .cpp).o
    clang++ "${flags[@]}" -fsanitize=fuzzer-no-link -c "$s" -o "$o"
    objs+=("$o")
  done
  for t in "${targets[@]}"; do
    clang++ "${flags[@]}" -fsanitize=fuzzer "fuzz/fuzz_$t.cpp" "${objs[@]}" -o "$bin/fuzz_$t" \
      $hdf5_lib -lzip -lz
  done
else
  # The library and the targets in one clang tree; -O1 keeps the build short and the sanitizers' reports exact.
  launcher=$(command -v ccache || true)
  echo "== building ${targets[*]} in build-fuzz (clang, libFuzzer, ASan, UBSan; log: build-fuzz/build.log)"
  cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g" \
    "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O1 -g" -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    ${launcher:+-DCMAKE_CXX_COMPILER_LAUNCHER=$launcher} -DKERASPP_FUZZ=ON -DKERASPP_BUILD_TESTS=OFF \
    -DKERASPP_BUILD_EXAMPLES=OFF -DKERASPP_BUILD_CLI=OFF -DKERASPP_BUILD_BENCH=OFF > build-fuzz/cmake.log
  build_targets=()
  for t in "${targets[@]}"; do build_targets+=("fuzz_$t"); done
  if ! cmake --build build-fuzz --target "${build_targets[@]}" -j"$jobs" > build-fuzz/build.log 2>&1; then
    grep -E "error|FAILED" build-fuzz/build.log | head -n 40 >&2
    echo "fuzz/run.sh: the build failed (build-fuzz/build.log)" >&2
    exit 2
  fi
fi
fixtures=${KERASPP_SHARED_DIR:-../shared}/fixtures/keras
status=0
summary=()
for t in "${targets[@]}"; do
  corpus=build-fuzz/corpus/$t
  artifacts=build-fuzz/artifacts/$t
  mkdir -p "$corpus" "$artifacts"
  if [ -d "fuzz/seeds/$t" ]; then cp -n fuzz/seeds/"$t"/* "$corpus"/ 2>/dev/null || true; fi
  pattern=
  case $t in
    npy) pattern='*.npy' ;;
    npz) pattern='*.npz' ;;
    zip_container|keras_zip) pattern='*.keras' ;;
    h5_store|h5_weights) pattern='*.h5' ;;
    json_config) pattern='*.json' ;;
  esac
  if [ -d "$fixtures" ]; then find "$fixtures" -maxdepth 1 -name "$pattern" -exec cp -n {} "$corpus"/ \; ; fi
  # Saved findings seed their targets again: a fixed one must stay fixed.
  find fuzz/findings -maxdepth 1 -name "$pattern" -exec cp -n {} "$corpus"/ \;
  log=build-fuzz/logs/$t.log
  echo "== fuzz_$t: ${seconds}s (log: $log)"
  marker=build-fuzz/logs/$t.start
  touch "$marker"
  # By default libFuzzer runs in a child process (-fork=1) and goes on after a finding, so that a known bug of
  # libhdf5 found in the first seconds does not end the target's run: every finding lands in $artifacts.
  # FUZZ_STOP=1 stops at the first one instead (in-process, as libFuzzer does by default).
  mode=(-fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1)
  if [ -n "${FUZZ_STOP:-}" ]; then mode=(-print_final_stats=1); fi
  rc=0
  # An allocation over 2 GB fails (returns null) as it would on a machine without that much memory, instead of
  # AddressSanitizer writing gigabytes of shadow for it: HDF5 asks for 16 GB on a damaged object header and never
  # touches it (fuzz/README.md). Allocations that are used still hit -rss_limit_mb.
  LSAN_OPTIONS=suppressions=fuzz/lsan.supp \
    ASAN_OPTIONS=detect_leaks=1:fast_unwind_on_malloc=0:allocator_may_return_null=1:max_allocation_size_mb=2048 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 "$bin/fuzz_$t" "${mode[@]}" -max_total_time="$seconds" \
    -rss_limit_mb=2048 -malloc_limit_mb=2048 -timeout=20 -artifact_prefix="$artifacts/" "$corpus" > "$log" 2>&1 || rc=$?
  if [ -n "${FUZZ_STOP:-}" ]; then
    execs=$( (grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" || echo ?) | grep -o '[0-9?]*$')
  else
    # The fork driver's status lines: "#<execs>: cov: ... oom/timeout/crash: a/b/c time: ...".
    execs=$( (grep -oE '^#[0-9]+: cov' "$log" || echo '#?:') | tail -n 1 | grep -oE '[0-9?]+' | head -n 1)
  fi
  units=$(find "$corpus" -type f | wc -l)
  found=$(find "$artifacts" -type f -newer "$marker" | wc -l)  # new, or found again (same name) in this run
  if [ "$rc" -eq 0 ] && [ "$found" -eq 0 ]; then
    result="no finding"
  else
    status=1
    kinds='ERROR: (AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|libFuzzer): [a-z-]+|runtime error: .*'
    what=$( (grep -oE "$kinds" "$log" || echo "exit $rc") | sort | uniq -c | tr -s ' ' | paste -sd ';' -)
    result="FINDINGS: $found in $artifacts ($what)"
  fi
  summary+=("$(printf '%-14s %9s execs  corpus %5s  %s' "$t" "$execs" "$units" "$result")")
done
echo "== summary (${seconds}s each)"
printf '%s\n' "${summary[@]}"
exit $status
