#!/usr/bin/env bash
# Regenerates Sources/ONNX/Proto/onnx.pb.swift from the ONNX protobuf schema (onnx.proto3, made
# by the onnx PyPI wheel's own gen_proto.py from its onnx.in.proto) with Debian's protoc and
# swift-protobuf's protoc-gen-swift at the version Package.swift depends on. A normal build never
# needs this: the generated file is committed.
#
# Usage: Scripts/onnx/generate-proto.sh [onnx.proto3]
#   Without an argument the schema comes from an installed `onnx` Python package
#   ($PYTHON, default python3; PYTHONPATH is honoured), e.g.
#   pip install --target /tmp/onnx-py onnx && PYTHONPATH=/tmp/onnx-py Scripts/onnx/generate-proto.sh
#   SWIFT_PROTOBUF_CHECKOUT=DIR reuses a swift-protobuf checkout at the right tag.
# Needs: protoc (apt-get install protobuf-compiler), git, swift.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
version=1.39.0
proto=${1:-}
command -v protoc >/dev/null || { echo "error: protoc not found (apt-get install protobuf-compiler)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -z "$proto" ]; then
  onnx_dir=$(${PYTHON:-python3} -c 'import onnx, os; print(os.path.dirname(onnx.__file__))')
  ${PYTHON:-python3} "$onnx_dir/gen_proto.py" -o "$work/schema" onnx >&2
  proto="$work/schema/onnx.proto3"
fi
[ -f "$proto" ] || { echo "error: $proto: no such file" >&2; exit 1; }
plugin_src=${SWIFT_PROTOBUF_CHECKOUT:-$work/swift-protobuf}
if [ ! -d "$plugin_src" ]; then
  git clone -q --depth 1 --branch "$version" https://github.com/apple/swift-protobuf "$plugin_src"
fi
(cd "$plugin_src" && swift build -c release --product protoc-gen-swift >&2)
plugin="$plugin_src/.build/release/protoc-gen-swift"

# protoc names the output after the input file; copy the schema to onnx.proto so it is onnx.pb.swift.
cp "$proto" "$work/onnx.proto"
mkdir -p "$work/out"
protoc --plugin=protoc-gen-swift="$plugin" --swift_opt=Visibility=Public \
  --proto_path="$work" --swift_out="$work/out" "$work/onnx.proto"
mkdir -p "$root/Sources/ONNX/Proto"
cp "$work/out/onnx.pb.swift" "$root/Sources/ONNX/Proto/onnx.pb.swift"
echo "wrote Sources/ONNX/Proto/onnx.pb.swift from $proto (protoc $(protoc --version | cut -d' ' -f2), protoc-gen-swift $version)" >&2
