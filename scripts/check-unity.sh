#!/usr/bin/env bash
# Compiles (syntax only) every library source as ONE translation unit, then every test source as one, in the given
# order and reversed. The unity build (KERASPP_UNITY_BUILD) batches sources by their sorted names, so a new file moves
# later files into other batches; this check finds a file-scope name that two sources share before a batch does.
# About a minute on two cores; prints the first errors and exits non-zero when any order fails.
set -euo pipefail
cd "$(dirname "$0")/.."
flags=(-std=c++20 -fopenmp -Iinclude -Isrc -Itests -isystem /usr/include/hdf5/serial -fsyntax-only
       -DKERASPP_SOURCE_DIR='"x"' -DKERASPP_SHARED_DIR='"x"' -DKERASPP_CLI='"x"')
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
check() {  # name, prelude, sources...
  local name=$1 prelude=$2
  shift 2
  for order in sorted reversed; do
    local files=("$@")
    if [ "$order" = reversed ]; then mapfile -t files < <(printf '%s\n' "$@" | tac); fi
    { printf '%b' "$prelude"; printf '#include "%s"\n' "${files[@]/#/$PWD/}"; } > "$tmp/$name.cpp"
    if ! g++ "${flags[@]}" "$tmp/$name.cpp" 2> "$tmp/$name.err"; then
      echo "$name ($order): sources clash when compiled together:"
      grep -m 10 'error:' "$tmp/$name.err"
      status=1
    fi
  done
}
mapfile -t lib < <(find src -name '*.cpp' | sort)
mapfile -t tests < <(find tests -name '*_test.cpp' | sort)
# The tests' precompiled header comes first in every test batch.
check library "" "${lib[@]}"
check tests '#include <gtest/gtest.h>\n#include <gmock/gmock.h>\n#include <keras/keras.hpp>\n' "${tests[@]}"
[ "$status" -eq 0 ] && echo "unity check: library (${#lib[@]} sources) and tests (${#tests[@]}) compile as one unit each"
exit "$status"
