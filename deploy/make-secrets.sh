#!/bin/sh
# Creates the secrets docker-compose.yml mounts (./secrets/*, mode 0600), random, once: an
# existing file is kept. Tokens are 48 hex characters (check-config wants at least 24).
set -eu
cd "$(dirname "$0")/.."
umask 077
mkdir -p secrets
for name in anjian_admin_token anjian_operator_token influx_password grafana_admin_password; do
  [ -s "secrets/$name" ] || od -An -N24 -tx1 /dev/urandom | tr -d ' \n' > "secrets/$name"
done
echo "secrets in $(pwd)/secrets: $(ls secrets | tr '\n' ' ')"
