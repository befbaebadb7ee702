#!/usr/bin/env bash
# tests/hosts/rsh_agent.sh: Open MPI's rsh agent for the test bed of hostbed.sh. Open MPI calls
# it as it would call ssh: options, then the host, then the command line for the remote shell.
# The host is an address of the bed; the command runs in that host's network namespace, under
# its own hostname (a UTS namespace of its own), as a remote shell would run it.
set -euo pipefail
map=${HETGRID_HOSTBED_MAP:?rsh_agent.sh: HETGRID_HOSTBED_MAP is not set (run it from hostbed.sh)}
while [ $# -gt 0 ] && [ "${1#-}" != "$1" ]; do shift; done  # ssh's options: none apply here
host=${1:?rsh_agent.sh: no host given}
shift
read -r ns name < <(awk -v h="$host" '$1 == h { print $2, $3 }' "$map") || true
if [ -z "${ns:-}" ]; then
  echo "rsh_agent.sh: host '$host' is not one of the bed's ($(awk '{print $1}' "$map" | xargs))" >&2
  exit 255
fi
exec ip netns exec "$ns" unshare --uts -- sh -c 'hostname "$1" && shift && eval "$*"' sh \
  "$name" "$@"
