# Sourced, never run: puts Tackle's own Node (installed by bootstrap.sh) first on PATH
# when the system Node is older than @platformatic/kafka 2.x needs (22.22).
# POSIX sh, because npm runs scripts with /bin/sh.

TACKLE_CACHE_DIR="${TACKLE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/tackle}"
TACKLE_NODE_PREFIX="${TACKLE_NODE_PREFIX:-$TACKLE_CACHE_DIR/node24}"
export TACKLE_CACHE_DIR TACKLE_NODE_PREFIX

tackle_node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 22 || (a === 22 && b >= 22) ? 0 : 1)' 2>/dev/null
}

if ! tackle_node_ok && [ -x "$TACKLE_NODE_PREFIX/bin/node" ]; then
  PATH="$TACKLE_NODE_PREFIX/bin:$PATH"
  export PATH
fi

# Inside this repository the workspace packages run from their TypeScript sources: their exports
# name them under the "tackle-source" condition (an installed @tackle/client runs its dist/).
case " ${NODE_OPTIONS:-} " in
  *" --conditions=tackle-source "*) ;;
  *) NODE_OPTIONS="--conditions=tackle-source${NODE_OPTIONS:+ $NODE_OPTIONS}"; export NODE_OPTIONS ;;
esac
