#!/bin/sh
# npm test: type-check, then every package's tests against one real local Kafka cluster.
# Files run one at a time: several of them kill, pause and restart nodes of the shared cluster.
set -e
cd "$(dirname "$0")/.."
. ./scripts/toolchain.sh
tackle_node_ok || { echo "Node 22.22 or later is needed: run bash scripts/bootstrap.sh" >&2; exit 1; }
# What only the tests need (PostgreSQL, Chromium, iptables): installed as root, else named.
bash scripts/test-deps.sh
npx tsc --noEmit -p .
exec node --disable-warning=ExperimentalWarning --test --test-concurrency=1 \
  --test-global-setup=scripts/test-global-setup.ts \
  "$@" 'test/**/*.test.ts' 'packages/*/test/**/*.test.ts'
