# Sourced, never run: installing Debian packages for bootstrap.sh and test-deps.sh. As root with
# apt-get it installs; otherwise it installs nothing and prints the exact command to run.

_tackle_say() { printf 'bootstrap: %s\n' "$*" >&2; }

_tackle_apt() {
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    _tackle_say "missing: $*; install it with: sudo apt-get install -y --no-install-recommends $* (or your system's package manager)"
    return 1
  fi
  if [ -z "${_tackle_apt_updated:-}" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null && _tackle_apt_updated=1
  fi
  _tackle_say "installing $* from Debian's packages"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
