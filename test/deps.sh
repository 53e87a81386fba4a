#!/usr/bin/env bash
# Install what building, testing and the demo need, from Debian's packages.  Idempotent and quiet
# when everything is present.  Needs root (or sudo) only when something is missing.
set -euo pipefail

PGVERSION=${PGVERSION:-15}
packages=(
	build-essential pkg-config
	"postgresql-$PGVERSION" "postgresql-server-dev-$PGVERSION" postgresql-common postgresql-contrib
	libicu-dev libboost-dev googletest libgtest-dev
	libipc-run-perl pgbouncer python3
	${SHINJP_EXTRA_PACKAGES:-}
)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "test/deps.sh: installing ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
# postgresql-common would create and start a default cluster; we only use throwaway ones.
if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
	$SUDO mkdir -p /etc/postgresql-common/createcluster.d
	echo "create_main_cluster = false" | $SUDO tee /etc/postgresql-common/createcluster.d/shinjp.conf >/dev/null
fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
