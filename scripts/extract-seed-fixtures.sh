#!/bin/sh
# Extracts the nova-compute unit (section 3.3, as printed by `cat` in the article) and the
# openstack-pkg-tools init script from the project's seed article into test/fixtures/nova/.
# The script in the article is the generic one for nova-api; its per-daemon header is set here for
# nova-compute (NAME=nova-compute), as Debian's nova-compute package generates it.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
seed=${1:-$here/../shared/seeds/003_c540570c0dcb924d.txt}
out=$here/test/fixtures/nova
# The unit: from "[Unit]" after the cat of the .wants link up to "WantedBy=multi-user.target".
awk '/cat \/etc\/systemd\/system\/multi-user.target.wants\/nova-compute.service/{on=1; next} on{print} on&&/^WantedBy=/{exit}' "$seed" > "$out/nova-compute.service"
{
  printf '#!/bin/sh\nDESC="OpenStack Compute"\nPROJECT_NAME=nova\nNAME=${PROJECT_NAME}-compute\n'
  awk '/^# The content after this line comes from openstack-pkg-tools/{on=1} on{print} on&&/^exit 0$/{exit}' "$seed"
} > "$out/nova-compute.init"
chmod +x "$out/nova-compute.init"
# The upstart job /etc/init/nova-compute.conf (the other seed, 000_*, printed with line numbers):
# from its line 1 to its line 59 (the exec), the numbers taken off.
seed0=${2:-$here/../shared/seeds/000_b4b1e7ecd8a95df9.txt}
awk '/^ 1 # vim: set ft=upstart/{on=1} on{line=$0; sub(/^ ?[0-9]+ ?/, "", line); print line} on&&/^59 exec /{exit}' "$seed0" > "$out/nova-compute.conf"
# The upstart job /etc/init/nova-api.conf (seed 003, section 3.2, printed by `cat` without its
# indentation): from the line after the cat up to the `end script` that closes the main script.
awk '/cat \/etc\/init\/nova-api.conf/{on=1; next} on{print} on&&/^exec start-stop-daemon/{main=1} main&&/^end script$/{exit}' "$seed" > "$out/nova-api.conf"
