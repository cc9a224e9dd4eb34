# Installs, on a fresh Debian machine, what the build and the tests need.
# Sourced by scripts/*.sh; every function is idempotent.

step() { printf '\n==> %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  step "installing ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
}

ensure_toolchain() {
  command -v cargo >/dev/null || { echo "cargo (Rust 1.85 or newer) is required: https://rustup.rs" >&2; exit 1; }
  # Debian's RocksDB is linked instead of building the bundled C++ (see
  # .cargo/config.toml); bindgen needs libclang for its headers.
  apt_install build-essential pkg-config librocksdb-dev libclang-dev
  # The wasm workloads are rebuilt and compared by a test (workloads/build.sh).
  apt_install clang lld
  # CI keeps one target directory across runs on the same machine.
  if [ "${CI:-}" = "true" ] && [ -z "${CARGO_TARGET_DIR:-}" ]; then
    export CARGO_TARGET_DIR="$HOME/.cache/entroos/target"
    mkdir -p "$CARGO_TARGET_DIR"
  fi
}

ensure_node() {
  command -v node >/dev/null && command -v npm >/dev/null || apt_install nodejs npm
}

# The pinned py-substrate-interface in a venv under the target directory.
ensure_python_clients() {
  command -v python3 >/dev/null || apt_install python3
  python3 -c 'import venv, ensurepip' 2>/dev/null || apt_install python3-venv
  local venv="$1"
  if [ ! -x "$venv/bin/python" ] || ! cmp -s scripts/clients/python/requirements.txt "$venv/requirements.txt"; then
    step "installing py-substrate-interface into $venv"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check -r scripts/clients/python/requirements.txt
    cp scripts/clients/python/requirements.txt "$venv/requirements.txt"
  fi
}

# `npm ci` into DIR/node_modules unless it already holds DIR's lockfile
# (large trees such as SubQuery's are installed once, then used offline).
ensure_npm_packages() {
  local dir="$1"
  if ! cmp -s "$dir/package-lock.json" "$dir/node_modules/.entroos-installed-lock.json"; then
    step "installing the npm packages pinned in $dir"
    npm --prefix "$dir" ci --prefer-offline --no-audit --no-fund --loglevel=error
    cp "$dir/package-lock.json" "$dir/node_modules/.entroos-installed-lock.json"
  fi
}
