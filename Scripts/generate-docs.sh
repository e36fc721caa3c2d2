#!/usr/bin/env bash
# The API documentation of every public library, with swift-docc-plugin: one DocC archive per
# module in .build/plugins/Swift-DocC/outputs/<Module>.doccarchive (catalogues in
# Sources/<Module>/<Module>.docc). Extra arguments go to the plugin, e.g. --warnings-as-errors.
set -euo pipefail
cd "$(dirname "$0")/.."
libraries=(Autodiff Imaging Checkpoints Networks Corruptions GradCAM Render Evaluation Zoo)
targets=()
for l in "${libraries[@]}"; do targets+=(--target "$l"); done
swift package generate-documentation "${targets[@]}" "$@"
for l in "${libraries[@]}"; do
  archive=.build/plugins/Swift-DocC/outputs/$l.doccarchive
  [[ -d $archive ]] || { echo "generate-docs: $archive is missing" >&2; exit 1; }
  echo "$archive"
done
