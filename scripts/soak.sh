#!/bin/sh
# npm run soak [-- EPISODES [tackle verify flags]]: every fault class, EPISODES episodes each
# (default 200, or TACKLE_SOAK_EPISODES), safe config, on a cluster of its own in .tackle/soak-kafka.
# Where this runs as root the cluster is in network namespaces and a second run adds the partition
# faults, each held 12 s: longer than a broker's 9 s session timeout, so a cut-off leader is
# replaced. Verdicts are printed; timelines and raw histories are kept in .tackle/soak/.
set -e
cd "$(dirname "$0")/.."
episodes="${TACKLE_SOAK_EPISODES:-200}"
case "${1:-}" in [0-9]*) episodes="$1"; shift ;; esac
tackle=./packages/cli/bin/tackle
netns=
if [ "$(id -u)" = 0 ] && command -v iptables >/dev/null 2>&1; then netns=--netns; fi
$tackle kafka up --dir .tackle/soak-kafka $netns
$tackle verify --dir .tackle/soak-kafka --episodes "$episodes" --report .tackle/soak/process \
  --faults kill-leader,stop-leader,pause,kill-controller,pause-followers,roll "$@"
if [ -n "$netns" ]; then
  $tackle verify --dir .tackle/soak-kafka --episodes "$episodes" --report .tackle/soak/network \
    --faults partition-leader,partition-half --duration 12 "$@"
else
  echo "soak: not root (or no iptables), so no network namespaces: partition faults skipped" >&2
fi
