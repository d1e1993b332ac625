#!/usr/bin/env bash
# Brings what Tackle needs onto a fresh machine: Node >= 22.22, Java >= 17 and Maven; as root also
# iproute2 and iptables (network faults), PostgreSQL (store tests) and Chromium (dashboard test).
# Idempotent and quick when all is present. Never replaces /usr/bin/node: a newer Node goes into
# $TACKLE_NODE_PREFIX, which scripts/toolchain.sh puts first on PATH.
# Source it (`. scripts/bootstrap.sh`) to keep that PATH in the calling shell.
set -u
_tackle_root="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)"
. "$_tackle_root/scripts/toolchain.sh"

_tackle_say() { printf 'bootstrap: %s\n' "$*" >&2; }

_tackle_apt() {
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    _tackle_say "missing: $* — install it with your package manager (needs root and apt-get here)"
    return 1
  fi
  if [ -z "${_tackle_apt_updated:-}" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null && _tackle_apt_updated=1
  fi
  _tackle_say "installing $* from Debian's packages"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

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
  # Network faults (tackle verify, tackle kafka up --netns) cut nodes apart with iptables inside
  # network namespaces; only root can make those, so only root gets it. Not fatal: without it those
  # faults are skipped and say why.
  if [ "$(id -u)" = 0 ]; then
    command -v ip >/dev/null 2>&1 || _tackle_apt iproute2 || _tackle_say "iproute2 did not install: network faults will be skipped"
    command -v iptables >/dev/null 2>&1 || _tackle_apt iptables || _tackle_say "iptables did not install: network faults will be skipped"
    # The pipeline's PostgreSQL store is tested against a real server, and the dashboard in a real
    # headless Chromium; without them those tests are skipped and say why.
    compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || _tackle_apt postgresql || _tackle_say "postgresql did not install: the PostgreSQL store tests will be skipped"
    command -v chromium >/dev/null 2>&1 || _tackle_apt chromium || _tackle_say "chromium did not install: the dashboard's browser test will be skipped"
  fi
  _tackle_say "node $(node --version), java $(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.version = //p'), $(mvn --version 2>/dev/null | head -1 | sed 's/\x1b\[[0-9;]*m//g')"
}

if [ "${BASH_SOURCE[0]:-$0}" = "$0" ]; then
  _tackle_bootstrap
  exit $?
else
  _tackle_bootstrap
fi
