#!/usr/bin/env bash
# Compiles the C kernels for aarch64 Linux (syntax and types, with Debian's aarch64 glibc headers
# from libc6-dev-arm64-cross): the x86-64 kernels must be guarded out there. The Swift code is not
# cross-compiled (no aarch64 Swift SDK here).
set -euo pipefail
cd "$(dirname "$0")/.."
clang=${CLANG:-$(dirname "$(readlink -f "$(command -v swift)")")/clang}
headers=/usr/aarch64-linux-gnu/include
[[ -d $headers ]] || { echo "check-aarch64: needs $headers (apt-get install libc6-dev-arm64-cross)" >&2; exit 1; }
for f in Sources/CKernels/*.c; do
  "$clang" --target=aarch64-linux-gnu -isystem "$headers" -fsyntax-only -Wall -Wextra -Wno-unused-parameter \
    -I Sources/CKernels/include "$f"
done
echo "check-aarch64: Sources/CKernels/*.c compile for aarch64-linux-gnu"
