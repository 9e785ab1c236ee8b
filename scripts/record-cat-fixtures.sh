#!/bin/sh
# record-cat-fixtures.sh [OUT] — record what real systemd 252's `systemctl cat` prints for every case of
# test/fixtures/cat/trees.json, into OUT (default test/fixtures/cat/recorded.json).
#
# Why a booted systemd and not `systemctl --root=DIR cat`: systemctl 252 refuses `cat` with --root
# ("Verb 'cat' cannot be used with --root= or --image="), so the oracle is the manager itself. One
# systemd is booted as PID 1 of a private namespace set (../shared/tools/systemd-ns, --layout etc, so its
# search path is the stock one), and for each tree the tree's directories are mounted, inside that
# namespace only, over the directories of the default search path:
#   TREE/etc/systemd/system           → /etc/systemd/system
#   TREE/run/systemd/system           → /run/systemd/system
#   TREE/usr/local/lib/systemd/system → /usr/local/lib/systemd/system
#   TREE/usr/lib/systemd/system       → /usr/lib/systemd/system (an overlay above the namespace's base
#                                        units, which the manager needs to stay up)
#   TREE/opt                          → /opt (targets of "linked" unit files outside the search path)
# then `systemctl daemon-reload` and the cases run. The test (test/unit/cat-differential.test.ts) builds
# the same trees with the same builder (test/support/tree.mjs) and runs `svcctl --root TREE cat`.
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
ns=${SYSTEMD_NS:-$repo/../shared/tools/systemd-ns}
spec=$repo/test/fixtures/cat/trees.json
out=${1:-$repo/test/fixtures/cat/recorded.json}

# The namespace has a private /tmp, so the trees are staged where it sees the host's files.
work=$(mktemp -d -p "${RECORD_TMPDIR:-/var/tmp}" svcd-cat-rec.XXXXXX)
mkdir "$work/empty" "$work/cases"
pid=
cleanup() {
    [ -z "$pid" ] || "$ns/systemd-ns.sh" --stop "$pid"
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

pid=$("$ns/systemd-ns.sh" --console null --layout etc "$work/empty" 2>"$work/ns.err")
base=$(sed -n 's/^systemd-ns: base units and log in //p' "$work/ns.err")/base
[ -d "$base" ] || { echo "no base unit dir in: $(cat "$work/ns.err")" >&2; exit 1; }
inns() { "$ns/systemd-ns-exec.sh" "$pid" "$@"; }
# /usr/local/lib/systemd/system may not exist on the host; a tmpfs (namespace-only) gives a mount point
# without creating anything on the host.
inns sh -c 'mount -t tmpfs tmpfs /usr/local/lib && mkdir -p /usr/local/lib/systemd/system'

version=$(systemctl --version | head -1)
ntrees=$(jq '.trees | length' "$spec")
i=0
while [ "$i" -lt "$ntrees" ]; do
    tree=$work/tree
    rm -rf "$tree"
    mkdir -p "$tree"
    node --input-type=module -e "
        import { readFileSync } from 'node:fs';
        const { buildTree } = await import(process.argv[1]);
        const spec = JSON.parse(readFileSync(process.argv[2], 'utf8'));
        buildTree(process.argv[4], spec.trees[Number(process.argv[3])]);
    " "$repo/test/support/tree.mjs" "$spec" "$i" "$tree"
    for d in etc/systemd/system run/systemd/system usr/local/lib/systemd/system usr/lib/systemd/system opt; do
        mkdir -p "$tree/$d"
    done
    inns sh -c "
        mount --bind '$tree/etc/systemd/system' /etc/systemd/system &&
        mount --bind '$tree/run/systemd/system' /run/systemd/system &&
        mount --bind '$tree/usr/local/lib/systemd/system' /usr/local/lib/systemd/system &&
        mount -t overlay overlay -o 'lowerdir=$tree/usr/lib/systemd/system:$base' /usr/lib/systemd/system &&
        mount --bind '$tree/opt' /opt &&
        systemctl daemon-reload"
    ncases=$(jq ".trees[$i].cases | length" "$spec")
    j=0
    while [ "$j" -lt "$ncases" ]; do
        c=$work/cases/$i.$j
        jq -r ".trees[$i].cases[$j][]" "$spec" >"$c.args"
        set +e
        # shellcheck disable=SC2046 # one argument per line; unit names have no blanks
        inns systemctl cat --no-pager $(cat "$c.args") >"$c.out" 2>"$c.err"
        echo $? >"$c.rc"
        set -e
        j=$((j + 1))
    done
    inns sh -c 'umount /opt /usr/lib/systemd/system /usr/local/lib/systemd/system /run/systemd/system /etc/systemd/system'
    i=$((i + 1))
done

# Assemble: { systemd, trees: { NAME: [ {args, stdout, stderr, status} ] } }
{
    printf '{"systemd": %s, "trees": {' "$(jq -Rn --arg v "$version" '$v')"
    i=0
    while [ "$i" -lt "$ntrees" ]; do
        [ "$i" -eq 0 ] || printf ','
        printf '%s: [' "$(jq ".trees[$i].name" "$spec")"
        ncases=$(jq ".trees[$i].cases | length" "$spec")
        j=0
        while [ "$j" -lt "$ncases" ]; do
            c=$work/cases/$i.$j
            [ "$j" -eq 0 ] || printf ','
            jq -n --argjson args "$(jq -c ".trees[$i].cases[$j]" "$spec")" --rawfile stdout "$c.out" \
                --rawfile stderr "$c.err" --argjson status "$(cat "$c.rc")" \
                '{args: $args, stdout: $stdout, stderr: $stderr, status: $status}'
            j=$((j + 1))
        done
        printf ']'
        i=$((i + 1))
    done
    printf '}}'
} | jq . >"$work/recorded.json"
mv "$work/recorded.json" "$out"
echo "recorded $(jq '[.trees[] | length] | add' "$out") cat cases from $ntrees trees ($version)" >&2
