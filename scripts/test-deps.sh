#!/usr/bin/env bash
# What only the tests need, brought by `npm test` (and so by .ci/run), not by `npm install`:
# iproute2 and iptables (network faults in namespaces), PostgreSQL (the store's tests) and
# Chromium (the dashboard's and the browser SDKs' tests). As root it installs what is missing
# from Debian's packages; otherwise it prints the exact command. Never fatal: a test whose
# capability is missing is skipped and says why.
set -u
_tackle_root="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)"
. "$_tackle_root/scripts/apt.sh"

missing=()
command -v ip >/dev/null 2>&1 || missing+=(iproute2)
command -v iptables >/dev/null 2>&1 || missing+=(iptables)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
command -v chromium >/dev/null 2>&1 || [ -n "${TACKLE_CHROMIUM:-}" ] || missing+=(chromium)
if [ "${#missing[@]}" -gt 0 ]; then
  _tackle_apt "${missing[@]}" || _tackle_say "without ${missing[*]} the tests that need them are skipped, each saying why"
fi
exit 0
