#!/usr/bin/env bash
# Installs the Debian packages gradcam builds against, when any is missing.
# Used by both README commands and by .ci/run. Needs root (or sudo) only when it installs.
set -euo pipefail
packages=(libopenblas-dev libcairo2-dev libpng-dev libjpeg-dev zlib1g-dev pkg-config fonts-dejavu-core)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
