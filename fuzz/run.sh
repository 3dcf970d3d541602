#!/usr/bin/env bash
# Builds the libFuzzer targets in build-fuzz (clang++-14, ASan + UBSan) and runs each for
# SECONDS (default 60). Crashes are saved as fuzz/crash-<target>-* and make this exit 1;
# turn each into a test case under tests/ (see tests/app/fuzz_regressions_test.cpp).
#   fuzz/run.sh [SECONDS] [TARGET...]      targets: scenario_loader stun_wire
# Environment: FUZZ_BUILD_DIR (default build-fuzz), CXX (default clang++-14), JOBS (default 2).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-60}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=(scenario_loader stun_wire)
BUILD=${FUZZ_BUILD_DIR:-build-fuzz}
CXX_BIN=${CXX:-clang++-14}
JOBS=${JOBS:-2}
if ! command -v "$CXX_BIN" >/dev/null; then
  echo "fuzz/run.sh: $CXX_BIN not found (Debian 12: apt-get install clang-14 libclang-rt-14-dev)" >&2
  exit 2
fi
if [ ! -f "$BUILD/build.ninja" ]; then
  cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER="$CXX_BIN" \
        -DP2PSIM_FUZZ=ON -DP2PSIM_BUILD_TESTS=OFF -DP2PSIM_BUILD_BENCH=OFF >&2
fi
cmake --build "$BUILD" -j "$JOBS" --target "${TARGETS[@]/#/fuzz_}" >&2

status=0
for t in "${TARGETS[@]}"; do
  corpus="$BUILD/corpus/$t"
  mkdir -p "$corpus"
  case "$t" in
    scenario_loader) seeds=(scenarios scenarios/course); extra=(-dict=fuzz/scenario.dict -max_len=65536 -timeout=120) ;;
    stun_wire) seeds=(fuzz/corpus/stun_wire); extra=(-max_len=2048 -timeout=10) ;;
    *) echo "unknown target $t" >&2; exit 2 ;;
  esac
  echo "== fuzz_$t for ${SECONDS_EACH}s" >&2
  if ! "$BUILD/fuzz_$t" "$corpus" "${seeds[@]}" -max_total_time="$SECONDS_EACH" -rss_limit_mb=4096 \
        -artifact_prefix="fuzz/crash-$t-" -print_final_stats=1 "${extra[@]}" >"$BUILD/fuzz_$t.log" 2>&1; then
    echo "fuzz_$t found a problem; log: $BUILD/fuzz_$t.log" >&2
    tail -40 "$BUILD/fuzz_$t.log" >&2
    status=1
  else
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$BUILD/fuzz_$t.log" >&2 || true
  fi
done
exit $status
