#!/bin/sh
# npm run soak [-- EPISODES [tackle verify flags]]: every fault class, EPISODES episodes each
# (default 200, or TACKLE_SOAK_EPISODES), safe config, on the local cluster (started if needed).
# The verdict is printed and, with the timeline and raw history, kept in .tackle/soak.
set -e
cd "$(dirname "$0")/.."
episodes="${TACKLE_SOAK_EPISODES:-200}"
case "${1:-}" in [0-9]*) episodes="$1"; shift ;; esac
./packages/cli/bin/tackle kafka up
exec ./packages/cli/bin/tackle verify \
  --faults kill-leader,stop-leader,pause,kill-controller,pause-followers,roll \
  --episodes "$episodes" --report .tackle/soak "$@"
