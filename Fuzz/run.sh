#!/usr/bin/env bash
# Builds and runs one libFuzzer target for a given time.
#
#   Fuzz/run.sh TARGET SECONDS [extra libFuzzer flags...]
#
# The working corpus is Fuzz/corpus-work/TARGET (seeded from the committed Fuzz/seeds/TARGET
# and grows as the fuzzer finds new coverage); crashes, leaks, timeouts and OOMs are written to
# Fuzz/crashes/TARGET/. Exit status is non-zero when the fuzzer found something.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: Fuzz/run.sh TARGET SECONDS}
seconds=${2:?usage: Fuzz/run.sh TARGET SECONDS}
shift 2
bin=${FUZZ_BUILD_DIR:-Fuzz/.build}/bin/$target
[[ ${FUZZ_SKIP_BUILD:-0} == 1 && -x $bin ]] || Fuzz/build.sh "$target" 2>&1 | grep -v 'ld.gold: warning' >&2
work=Fuzz/corpus-work/$target
crashes=Fuzz/crashes/$target
mkdir -p "$work" "$crashes"
dict=()
[[ -f Fuzz/dicts/$target.dict ]] && dict=(-dict=Fuzz/dicts/$target.dict)
# Swift fatal errors / preconditions are crashes; ASan leak checking is off because Swift
# globals and caches look like leaks at exit. The Swift backtracer is off: it would report its
# own memory reads instead of the trap.
SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:allocator_may_return_null=1} \
  "$bin" -max_total_time="$seconds" -timeout=10 \
  -rss_limit_mb=3072 -max_len=${FUZZ_MAX_LEN:-262144} -print_final_stats=1 \
  -artifact_prefix="$crashes/" "${dict[@]}" "$@" "$work" "Fuzz/seeds/$target"
