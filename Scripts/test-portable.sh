#!/usr/bin/env bash
# The portable build: the x86-64 AVX-512 kernels compiled out (-Xcc -DGRADCAM_NO_X86_KERNELS), as
# on aarch64 Linux and Apple Silicon, built into .build-portable, then the Autodiff, Networks and
# GradCAM tests run there (only the targets they need are built): every product goes through OpenBLAS and the Swift code paths.
# KernelSelectionTests checks that the flag took effect; the tests of the AVX-512 kernels
# themselves have nothing to run on and are left out by name.
set -euo pipefail
cd "$(dirname "$0")/.."
# Package.swift then declares only the targets these tests need (see its last lines).
export GRADCAM_PORTABLE_SUBSET=1
flags=(-c release --scratch-path .build-portable -Xcc -DGRADCAM_NO_X86_KERNELS)
swift build --build-tests "${flags[@]}"
GRADCAM_EXPECT_NO_X86_KERNELS=1 swift test "${flags[@]}" --skip-build --disable-swift-testing \
  --filter '^(AutodiffTests|NetworksTests|GradCAMTests)\.' \
  --skip '^AutodiffTests\.(SGEMMKernelTests/|VectorKernelTests/test(GELU|Softmax|PackedWeights)|Conv2dTests/testWinograd)'
