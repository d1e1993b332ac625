#!/bin/sh
# npm run soak [-- EPISODES [tackle verify flags]]: every fault class, EPISODES episodes each
# (default 200, or TACKLE_SOAK_EPISODES), safe config, one `tackle verify` run per class (so each
# class's verdict stands on its own), on a cluster of its own in .tackle/soak-kafka. Where this
# runs as root the cluster is in network namespaces and the partition faults run too, held 12 s:
# longer than a broker's 9 s session timeout, so a cut-off leader is replaced. Timelines and raw
# histories are kept in .tackle/soak/CLASS/. Then the pipeline target, one run per fault class
# (kill-leader, pause, partition-leader where namespaces are, kill-collector, kill-processor,
# restart-store, poison) into .tackle/soak/pipeline-CLASS/; TACKLE_SOAK_TARGETS=client or
# =pipeline runs one target only. Exits 1 if any class found an anomaly.
cd "$(dirname "$0")/.."
episodes="${TACKLE_SOAK_EPISODES:-200}"
case "${1:-}" in [0-9]*) episodes="$1"; shift ;; esac
tackle=./packages/cli/bin/tackle
classes="kill-leader stop-leader pause kill-controller pause-followers roll"
netns=
if [ "$(id -u)" = 0 ] && command -v iptables >/dev/null 2>&1; then
  netns=--netns
  classes="$classes partition-leader partition-half"
else
  echo "soak: not root (or no iptables), so no network namespaces: partition faults skipped" >&2
fi
classes="$classes mix"
$tackle kafka up --dir .tackle/soak-kafka $netns || exit 2
status=0
targets="${TACKLE_SOAK_TARGETS:-client pipeline}"
case " $targets " in *" client "*) ;; *) classes= ;; esac
for class in $classes; do
  duration=5
  # mix may draw a partition fault when the cluster is in namespaces.
  case "$class" in partition-*) duration=12 ;; mix) [ -n "$netns" ] && duration=12 ;; esac
  echo "== $class: $episodes episodes"
  # Every node up before each class, should an earlier class have stopped with one down.
  $tackle kafka up --dir .tackle/soak-kafka $netns >/dev/null || exit 2
  $tackle verify --dir .tackle/soak-kafka --faults "$class" --episodes "$episodes" --duration "$duration" \
    --report ".tackle/soak/$class" "$@" || status=1
done
pipeline_classes="kill-leader pause kill-collector kill-processor restart-store poison"
[ -n "$netns" ] && pipeline_classes="$pipeline_classes partition-leader"
case " $targets " in *" pipeline "*) ;; *) pipeline_classes= ;; esac
for class in $pipeline_classes; do
  duration=5
  case "$class" in partition-*) duration=12 ;; esac
  echo "== pipeline $class: $episodes episodes"
  $tackle kafka up --dir .tackle/soak-kafka $netns >/dev/null || exit 2
  $tackle verify --target pipeline --dir .tackle/soak-kafka --faults "$class" --episodes "$episodes" --duration "$duration" \
    --report ".tackle/soak/pipeline-$class" --json "$@" || status=1
done
exit $status
