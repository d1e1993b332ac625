#!/bin/sh
# Runs Node with Tackle's toolchain on PATH (Node 24 where the system's is older).
. "$(dirname "$0")/toolchain.sh"
exec node --disable-warning=ExperimentalWarning "$@"
