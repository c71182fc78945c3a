#!/usr/bin/env bash
# Builds the libFuzzer targets in build-fuzz/ (Clang 19 with
# -fsanitize=fuzzer,address,undefined) and runs each for a bounded time,
# starting from the seeds in fuzz/corpus/<name>/. Fails if any target
# crashes, leaks, hits UB, runs out of memory or times out on one input.
#
#   fuzz/run.sh [TARGET...]          TARGET: rules, facts, baseline (default all)
#
# Environment:
#   FUZZ_SECONDS=60      time per target
#   FUZZ_KEEP_GOING=1    go on after a crash (libFuzzer -fork=1
#                        -ignore_crashes=1), to collect several
#   FUZZ_ARGS="..."      more libFuzzer flags
#   FUZZ_BUILD=dir       build directory (default build-fuzz)
#
# Reproducers are written to $FUZZ_BUILD/artifacts/<target>/ and listed at
# the end; replay one with `$FUZZ_BUILD/fuzz/fuzz-<target> FILE`. The
# corpus each run grows is kept in $FUZZ_BUILD/corpus/<target>/ (the seeds
# in the source tree are only read). Needs libclang-rt-19-dev.
set -uo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
build="${FUZZ_BUILD:-build-fuzz}"
seconds="${FUZZ_SECONDS:-60}"
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(rules facts baseline)

clang=$(command -v clang-19 || true)
if [ -z "$clang" ] || [ ! -f "$("$clang" -print-file-name=libclang_rt.fuzzer-x86_64.a)" ]; then
  echo "fuzz: error: clang-19's libFuzzer runtime not found; install libclang-rt-19-dev" >&2
  exit 2
fi

flags="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DBLOCKWATCH_FUZZ=ON \
  -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 \
  -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null || exit 2
cmake --build "$build" --target $(printf 'fuzz-%s ' "${targets[@]}") || exit 2

export ASAN_SYMBOLIZER_PATH="${ASAN_SYMBOLIZER_PATH:-$(command -v llvm-symbolizer-19 || echo /usr/lib/llvm-19/bin/llvm-symbolizer)}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}detect_leaks=1"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-}${UBSAN_OPTIONS:+:}print_stacktrace=1:halt_on_error=1"

status=0
for t in "${targets[@]}"; do
  bin="$build/fuzz/fuzz-$t"
  corpus="$build/corpus/$t"
  artifacts="$build/artifacts/$t"
  rm -rf "$artifacts"
  mkdir -p "$corpus" "$artifacts"
  args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048
        -dict=fuzz/json.dict -artifact_prefix="$artifacts/"
        -print_final_stats=1)
  if [ "${FUZZ_KEEP_GOING:-0}" = 1 ]; then
    args+=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
  fi
  echo "=== fuzz-$t for ${seconds}s"
  # shellcheck disable=SC2086
  "$bin" "${args[@]}" ${FUZZ_ARGS:-} "$corpus" "fuzz/corpus/$t" \
    > "$build/fuzz-$t.log" 2>&1
  rc=$?
  tail -n 12 "$build/fuzz-$t.log"
  found=$(find "$artifacts" -type f | sort)
  if [ $rc -ne 0 ] || [ -n "$found" ]; then
    echo "fuzz-$t: FAILED (exit $rc); log: $build/fuzz-$t.log"
    for f in $found; do echo "  reproducer: $f"; done
    status=1
  else
    echo "fuzz-$t: ok"
  fi
done
exit $status
