#!/usr/bin/env bash
# Reproduces the layout of Fig. 2 of Chhipa et al. (ICCV 2023 workshops): dogs under glass blur at
# severities 1-5, Grad-CAM overlays, a green mark where the prediction is still correct, a red one
# where not. Offline with the bundled CIFAR-10 ResNet-56 and CIFAR-10 test dogs; for the paper's
# setting pass e.g. --model resnet50 and ImageNet photos.
# Usage: examples/fig2.sh [extra gradcam flags]   (after swift build -c release)
set -euo pipefail
cd "$(dirname "$0")/.."
images=()
for f in examples/cifar-dog.png examples/dogs/*.png; do images+=(--image "$f"); done
.build/release/gradcam "${images[@]}" --corruptions glass_blur --severities 1-5 --label dog \
  --out fig2.pdf --report fig2.json "$@"
.build/release/gradcam "${images[@]}" --corruptions glass_blur --severities 1-5 --label dog \
  --out fig2.png --quiet "$@"
echo "wrote fig2.pdf, fig2.png and fig2.json"
