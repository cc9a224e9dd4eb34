#!/usr/bin/env bash
# Rebuilds the job workloads: src/*.c -> wasm/*.wasm with Debian's clang and
# lld (wasm32, no libc; src/wasi.h declares the host ABI imports).
#
#   workloads/build.sh [OUT_DIR]     (default: workloads/wasm)
#
# Installs clang and lld with apt when missing, unless ENTROOS_NO_INSTALL=1.
# The committed .wasm files must equal what this script builds with the
# clang recorded in wasm/clang-version.txt; a test in
# node/executor-wasm checks it.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here/wasm}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

if ! command -v clang >/dev/null || ! command -v wasm-ld >/dev/null; then
  if [ "${ENTROOS_NO_INSTALL:-}" = "1" ]; then
    echo "clang and wasm-ld (packages clang, lld) are required" >&2
    exit 1
  fi
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang lld
fi

cflags=(--target=wasm32-unknown-unknown -mcpu=mvp -O2 -nostdlib -ffreestanding
        -Wall -Wextra -Werror)
ldflags=(-Wl,--no-entry -Wl,--export=_start -Wl,--strip-all -Wl,-z,stack-size=65536)

cd "$here/src"
for source in *.c; do
  name="${source%.c}"
  clang "${cflags[@]}" "${ldflags[@]}" -o "$out/$name.wasm" "$source"
  echo "built $name.wasm ($(wc -c <"$out/$name.wasm") bytes)"
done
clang --version | head -n 1 >"$out/clang-version.txt"
