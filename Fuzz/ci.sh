#!/usr/bin/env bash
# A short libFuzzer run of every target (default 15 s each) for CI. Fails on any finding.
#
#   Fuzz/ci.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-15}
Fuzz/build.sh all 2>&1 | grep -v 'ld.gold: warning'
logs=${FUZZ_BUILD_DIR:-Fuzz/.build}
status=0
for t in png jpeg unpickler torchzip safetensors npy corruption_list severity_list eval_csv shard cifar_folder results_csv; do
  echo "== fuzz $t (${seconds}s)"
  if ! FUZZ_SKIP_BUILD=1 Fuzz/run.sh "$t" "$seconds" >"$logs/$t.log" 2>&1; then
    echo "fuzz $t FAILED; see $logs/$t.log and Fuzz/crashes/$t/" >&2
    tail -40 "$logs/$t.log" >&2
    status=1
  else
    grep -E '^stat::number_of_executed_units' "$logs/$t.log" || true
  fi
done
exit $status
