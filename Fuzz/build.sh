#!/usr/bin/env bash
# Builds one libFuzzer target (or all) with swiftc -sanitize=fuzzer,address.
#
# Each harness is compiled *into* the module it fuzzes (harness + the module's sources in one
# swiftc invocation), so it can call internal parsers (the pickle VM, the zip reader) without
# @testable. Binaries go to Fuzz/.build/bin/<target>.
#
#   Fuzz/build.sh png          # one target
#   Fuzz/build.sh all          # every target but onnx (Fuzz/build.sh onnx builds it)
#
# FUZZ_CHECKPOINTS_SOURCES=DIR fuzzes another copy of Sources/Checkpoints (e.g. a branch
# exported with `git archive BRANCH Sources/Checkpoints | tar -x -C /tmp/x`).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=${FUZZ_BUILD_DIR:-$ROOT/Fuzz/.build}  # FUZZ_BUILD_DIR: build somewhere else
mkdir -p "$OUT/bin" "$OUT/obj" "$OUT/include/CImageSupport"
SWIFTC=${SWIFTC:-swiftc}
CLANG=${CLANG:-$(dirname "$(command -v swiftc)")/clang}
SFLAGS=(-sanitize=fuzzer,address -parse-as-library -swift-version 5 -O -g -suppress-warnings)
CFLAGS=(-fsanitize=fuzzer-no-link,address -O1 -g)

# Helpers shared by the harnesses of several-file inputs.
SUPPORT=(Fuzz/harness/support/*.swift)

TARGETS=(png jpeg unpickler torchzip safetensors npy corruption_list severity_list eval_csv shard cifar_folder results_csv)
# Built only by name (minutes of build on top of the package's release build; not in `all`, so not in ci.sh).
BY_NAME=(onnx)

checksums() {
  # CRC-32 (zlib) and SHA-256, used by Checkpoints and Evaluation.
  if [[ ! -f $OUT/obj/libChecksums.a ]]; then
    "$SWIFTC" "${SFLAGS[@]}" -module-name Checksums -I Sources/CZlib -emit-library -static -emit-module \
      -emit-module-path "$OUT/obj/Checksums.swiftmodule" -o "$OUT/obj/libChecksums.a" Sources/Checksums/*.swift
  fi
}

suggestions() {
  # "did you mean" helper module used by Corruption.swift.
  if [[ ! -f $OUT/obj/libSuggestions.a ]]; then
    "$SWIFTC" "${SFLAGS[@]}" -module-name Suggestions -emit-library -static -emit-module \
      -emit-module-path "$OUT/obj/Suggestions.swiftmodule" -o "$OUT/obj/libSuggestions.a" \
      Sources/Suggestions/*.swift
  fi
}

atomicfiles() {
  # Atomic file writing, used by Imaging, Checkpoints and Evaluation.
  if [[ ! -f $OUT/obj/libAtomicFiles.a ]]; then
    "$SWIFTC" "${SFLAGS[@]}" -module-name AtomicFiles -emit-library -static -emit-module \
      -emit-module-path "$OUT/obj/AtomicFiles.swiftmodule" -o "$OUT/obj/libAtomicFiles.a" \
      Sources/AtomicFiles/*.swift
  fi
}

npylib() {
  # The .npy parser, used by the CIFAR-10-C folder reader.
  if [[ ! -f $OUT/obj/libNPY.a ]]; then
    "$SWIFTC" "${SFLAGS[@]}" -module-name NPY -emit-library -static -emit-module \
      -emit-module-path "$OUT/obj/NPY.swiftmodule" -o "$OUT/obj/libNPY.a" Sources/NPY/*.swift
  fi
}

imaginglib() {
  # Images (RGBImage, limits, codecs) as a library, for the CIFAR-10-C folder reader.
  cimagesupport
  suggestions
  atomicfiles
  if [[ ! -f $OUT/obj/libImaging.a ]]; then
    "$SWIFTC" "${SFLAGS[@]}" -module-name Imaging -I Sources/CPNG -I Sources/CJPEG -I "$OUT/obj" \
      -I "$OUT/include/CImageSupport" -emit-library -static -emit-module \
      -emit-module-path "$OUT/obj/Imaging.swiftmodule" -o "$OUT/obj/libImaging.a" Sources/Imaging/*.swift
  fi
}

gradcamvalues() {
  # The value types Evaluation's rows carry from GradCAM (attention shift, faithfulness scores),
  # without the CAM code and the models behind it.
  if [[ ! -f $OUT/obj/libGradCAMValues.a ]]; then
    "$SWIFTC" "${SFLAGS[@]}" -module-name GradCAM -emit-library -static -emit-module \
      -emit-module-path "$OUT/obj/GradCAM.swiftmodule" -o "$OUT/obj/libGradCAMValues.a" \
      Sources/GradCAM/Shift/AttentionShift.swift Sources/GradCAM/Metrics/FaithfulnessScores.swift
  fi
}

corruptionscore() {
  suggestions
  if [[ ! -f $OUT/obj/libCorruptionsCore.a ]]; then
    "$SWIFTC" "${SFLAGS[@]}" -module-name Corruptions -I "$OUT/obj" -emit-library -static -emit-module \
      -emit-module-path "$OUT/obj/Corruptions.swiftmodule" -o "$OUT/obj/libCorruptionsCore.a" \
      Sources/Corruptions/Core/Corruption.swift Sources/Corruptions/Core/Corruption+Label.swift
  fi
}

cimagesupport() {
  if [[ ! -f $OUT/obj/libCImageSupport.a ]]; then
    cp Sources/CImageSupport/include/CImageSupport.h "$OUT/include/CImageSupport/"
    printf 'module CImageSupport {\n  header "CImageSupport.h"\n  export *\n}\n' \
      >"$OUT/include/CImageSupport/module.modulemap"
    local objs=()
    for c in Sources/CImageSupport/*.c; do
      local o=$OUT/obj/$(basename "$c" .c).o
      "$CLANG" "${CFLAGS[@]}" -I Sources/CImageSupport/include $(pkg-config --cflags libpng) -c "$c" -o "$o"
      objs+=("$o")
    done
    ar rcs "$OUT/obj/libCImageSupport.a" "${objs[@]}"
  fi
}

onnxdeps() {
  # The ONNX module's dependencies (Autodiff and its kernels, Networks, SwiftProtobuf, ...) are
  # linked uninstrumented from the package's release build, which builds them once for the
  # tests anyway; only Sources/ONNX and the harness are compiled with the sanitizers.
  swift build -c release --target ONNX 2>&1 | grep -v 'ld.gold: warning' | tail -1 >&2
  REL=$(swift build -c release --show-bin-path)
  ONNX_DEPS=()
  local m
  for m in Autodiff CKernels NPY RealModule ComplexModule Numerics _NumericsShims Networks Checkpoints Checksums \
    AtomicFiles Suggestions SwiftProtobuf; do
    [[ -d $REL/$m.build ]] && ONNX_DEPS+=($(find "$REL/$m.build" -name '*.o' | sort))
  done
}

build() {
  local t=$1 bin=$OUT/bin/$1 harness=Fuzz/harness/$1.swift
  [[ -f $harness ]] || { echo "unknown fuzz target '$t' (known: ${TARGETS[*]} ${BY_NAME[*]})" >&2; exit 64; }
  case $t in
    png | jpeg)
      cimagesupport
      suggestions
      atomicfiles
      "$SWIFTC" "${SFLAGS[@]}" -module-name Imaging -I Sources/CPNG -I Sources/CJPEG -I "$OUT/obj" \
        -I "$OUT/include/CImageSupport" Sources/Imaging/*.swift "$harness" \
        "$OUT/obj/libCImageSupport.a" "$OUT/obj/libSuggestions.a" "$OUT/obj/libAtomicFiles.a" -lpng16 -ljpeg -lz -o "$bin" ;;
    unpickler | torchzip | safetensors)
      checksums
      atomicfiles
      "$SWIFTC" "${SFLAGS[@]}" -module-name Checkpoints -I "$OUT/obj" -I Sources/CZlib \
        $(find "${FUZZ_CHECKPOINTS_SOURCES:-Sources/Checkpoints}" -name '*.swift' | sort) "$harness" \
        "$OUT/obj/libChecksums.a" "$OUT/obj/libAtomicFiles.a" -lz -o "$bin" ;;
    npy)
      "$SWIFTC" "${SFLAGS[@]}" -module-name NPY Sources/NPY/*.swift "$harness" -o "$bin" ;;
    corruption_list | severity_list)
      # The list parsers live in one self-contained file (the rest of Corruptions needs
      # SwiftPM resources).
      suggestions
      "$SWIFTC" "${SFLAGS[@]}" -module-name Corruptions -I "$OUT/obj" Sources/Corruptions/Core/Corruption.swift \
        "$harness" "$OUT/obj/libSuggestions.a" -o "$bin" ;;
    eval_csv | shard | results_csv)
      # Rows, reports and shards (Sources/Evaluation/*.swift, without the runner and its sources in
      # Runner/, which need the models) import Corruptions only for the corruption list.
      suggestions
      atomicfiles
      checksums
      corruptionscore
      gradcamvalues
      "$SWIFTC" "${SFLAGS[@]}" -module-name Evaluation -I "$OUT/obj" -I Sources/CZlib Sources/Evaluation/*.swift "$harness" "${SUPPORT[@]}" \
        "$OUT/obj/libCorruptionsCore.a" "$OUT/obj/libSuggestions.a" "$OUT/obj/libAtomicFiles.a" "$OUT/obj/libChecksums.a" \
        "$OUT/obj/libGradCAMValues.a" -lz -o "$bin" ;;
    cifar_folder)
      # The CIFAR-10-C folder reader (Runner/NPYSource.swift, Runner/MappedImages.swift) on the
      # NPY module; the harness declares the runner's source protocol itself.
      npylib
      imaginglib
      corruptionscore
      "$SWIFTC" "${SFLAGS[@]}" -module-name Evaluation -I "$OUT/obj" -I Sources/CPNG -I Sources/CJPEG \
        -I "$OUT/include/CImageSupport" Sources/Evaluation/EvaluationError.swift \
        Sources/Evaluation/Runner/NPYSource.swift Sources/Evaluation/Runner/MappedImages.swift "$harness" "${SUPPORT[@]}" \
        "$OUT/obj/libNPY.a" "$OUT/obj/libImaging.a" "$OUT/obj/libCorruptionsCore.a" "$OUT/obj/libCImageSupport.a" \
        "$OUT/obj/libSuggestions.a" "$OUT/obj/libAtomicFiles.a" -lpng16 -ljpeg -lz -o "$bin" ;;
    onnx)
      onnxdeps
      local numerics=.build/checkouts/swift-numerics/Sources/_NumericsShims/include
      "$SWIFTC" "${SFLAGS[@]}" -module-name ONNX -I "$REL/Modules" \
        -Xcc -fmodule-map-file=$numerics/module.modulemap -Xcc -I -Xcc $numerics \
        -Xcc -fmodule-map-file=Sources/CMalloc/module.modulemap \
        -Xcc -fmodule-map-file="$REL/CKernels.build/module.modulemap" -Xcc -I -Xcc Sources/CKernels/include \
        -Xcc -fmodule-map-file=Sources/CBLAS/module.modulemap $(pkg-config --cflags-only-I openblas) \
        -Xcc -fmodule-map-file=Sources/CZlib/module.modulemap \
        $(find Sources/ONNX -name '*.swift' | sort) "$harness" "${ONNX_DEPS[@]}" \
        $(pkg-config --libs openblas) -lz -o "$bin" ;;
  esac
  echo "built $bin"
}

if [[ ${1:-all} == all ]]; then
  for t in "${TARGETS[@]}"; do build "$t"; done
else
  build "$1"
fi
