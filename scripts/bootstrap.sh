#!/usr/bin/env bash
# Brings what running Tackle needs onto a fresh machine: Node >= 22.22, Java >= 17 and Maven.
# What only the tests need comes with `npm test` (scripts/test-deps.sh). Idempotent and quick
# when all is present. Never replaces /usr/bin/node: a newer Node goes into
# $TACKLE_NODE_PREFIX, which scripts/toolchain.sh puts first on PATH.
# Source it (`. scripts/bootstrap.sh`) to keep that PATH in the calling shell.
set -u
_tackle_root="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)"
. "$_tackle_root/scripts/toolchain.sh"

. "$_tackle_root/scripts/apt.sh"

_tackle_java_ok() {
  command -v java >/dev/null 2>&1 || return 1
  local v
  v="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
  [ -n "$v" ] && [ "${v%%.*}" -ge 17 ]
}

_tackle_bootstrap() {
  if ! tackle_node_ok; then
    _tackle_say "Node $(node --version 2>/dev/null || echo none) is older than 22.22; installing node@24 into $TACKLE_NODE_PREFIX"
    command -v npm >/dev/null 2>&1 || _tackle_apt npm || return 1
    npm install --global --prefix "$TACKLE_NODE_PREFIX" --no-audit --no-fund --loglevel=error node@24 >/dev/null || return 1
    . "$_tackle_root/scripts/toolchain.sh"
    tackle_node_ok || { _tackle_say "node@24 did not install into $TACKLE_NODE_PREFIX"; return 1; }
  fi
  _tackle_java_ok || _tackle_apt openjdk-17-jdk-headless || return 1
  command -v mvn >/dev/null 2>&1 || _tackle_apt maven || return 1
  _tackle_say "node $(node --version), java $(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.version = //p'), $(mvn --version 2>/dev/null | head -1 | sed 's/\x1b\[[0-9;]*m//g')"
}

if [ "${BASH_SOURCE[0]:-$0}" = "$0" ]; then
  _tackle_bootstrap
  exit $?
else
  _tackle_bootstrap
fi
