#!/usr/bin/env bash
# Installs the real @openclaw/slack plugin the way OpenClaw installs plugins (`openclaw plugins install
# npm:@openclaw/slack@VERSION --pin`, from the npm registry: OpenClaw trusts only a registry install of the
# official package to open its channel ingress; an npm-pack tarball or a local path is refused at start with
# PLUGIN_TRUST_REFUSED reason=origin-path). It goes into a template state dir in a cache outside the repo;
# tests copy that state dir's records (the plugin itself stays at the recorded install path in the cache).
#
#   install-slack-plugin.sh <openclaw bin dir>
#   CLAWSUP_SLACK_PLUGIN_CACHE  cache dir (default $HOME/.cache/clawsup/slack-plugin-2026.9.6)
#
# Idempotent (a stamp file); progress on stderr; the LAST line of stdout is the template state dir.
set -euo pipefail

PLUGIN_VERSION="2026.9.6"
BIN="${1:?usage: install-slack-plugin.sh <openclaw bin dir>}"
CACHE="${CLAWSUP_SLACK_PLUGIN_CACHE:-$HOME/.cache/clawsup/slack-plugin-${PLUGIN_VERSION}}"
STAMP_CONTENT="@openclaw/slack@${PLUGIN_VERSION} openclaw@$("$BIN/openclaw" --version 2>/dev/null | tr -d '\n' | head -c 80)"

log() { printf 'install-slack-plugin: %s\n' "$*" >&2; }

mkdir -p "$CACHE"
CACHE="$(cd "$CACHE" && pwd -P)"
STATE="$CACHE/state"

check() {
  [[ -f "$CACHE/.installed" && "$(cat "$CACHE/.installed")" == "$STAMP_CONTENT" ]] || return 1
  ls -d "$STATE"/npm/projects/openclaw-slack-*/node_modules/@openclaw/slack >/dev/null 2>&1
}

if ! check; then
  exec 9>"$CACHE/.lock"
  if command -v flock >/dev/null 2>&1; then flock 9; fi
  if ! check; then
    rm -rf "$STATE" "$CACHE/home" "$CACHE/.installed"
    mkdir -p "$STATE" "$CACHE/home"
    start=$SECONDS
    log "installing @openclaw/slack@${PLUGIN_VERSION} into $STATE"
    HOME="$CACHE/home" OPENCLAW_STATE_DIR="$STATE" NO_COLOR=1 PATH="$BIN:$PATH" \
      "$BIN/openclaw" plugins install "npm:@openclaw/slack@${PLUGIN_VERSION}" --pin --force --accept-capabilities >&2
    check_dir="$(ls -d "$STATE"/npm/projects/openclaw-slack-*/node_modules/@openclaw/slack)"
    grep -q "\"version\": \"${PLUGIN_VERSION}\"" "$check_dir/package.json"
    printf '%s' "$STAMP_CONTENT" >"$CACHE/.installed"
    log "installed in $((SECONDS - start)) s"
  fi
  exec 9>&-
fi

echo "$STATE"
