#!/usr/bin/env bash
# Makes sure the Debian test peers used by the integration tests are installed
# (docker-registry, skopeo, umoci, htpasswd from apache2-utils, openssl).
# Fast no-op when every command is present; installs them with apt-get when
# running as root; otherwise fails and names the packages to install.
set -euo pipefail

commands=(docker-registry skopeo umoci htpasswd openssl)
packages=(docker-registry skopeo umoci apache2-utils openssl)

missing=()
for c in "${commands[@]}"; do
  command -v "$c" >/dev/null 2>&1 || missing+=("$c")
done
[ "${#missing[@]}" -eq 0 ] && exit 0

echo "ensure-test-deps: missing commands: ${missing[*]}" >&2
if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-test-deps: not root; install them with:" >&2
  echo "  sudo apt-get install -y --no-install-recommends ${packages[*]}" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# Bounded so that a broken mirror fails the run instead of hanging it.
timeout 600 apt-get update -qq >/dev/null
timeout 900 apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null

for c in "${commands[@]}"; do
  if ! command -v "$c" >/dev/null 2>&1; then
    echo "ensure-test-deps: $c still missing after apt-get install" >&2
    exit 1
  fi
done
echo "ensure-test-deps: installed ${packages[*]}" >&2
