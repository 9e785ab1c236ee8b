#!/bin/sh
# record-slice-lifecycle.sh [OUTFILE] — record how real systemd 252 starts and stops a slice's cgroup:
# each line of test/fixtures/slice-lifecycle/steps.txt run in order on test/fixtures/slice-lifecycle/units
# booted by systemd, and its answer written to OUTFILE (default: test/fixtures/slice-lifecycle/recorded.txt).
# Steps: `systemctl ARGS` (its output and exit status), `status UNIT` (the exit status, the Loaded:
# line, the Active: line up to its timestamp and the CGroup: line without the tree), `dir PATH` (whether the cgroup PATH below the manager's exists).
# test/e2e/slice-lifecycle.test.ts runs the same steps on svcd and compares.
set -eu
. "$(dirname "$0")/systemd-ns-oracle.sh"
fixtures=$repo/test/fixtures/slice-lifecycle
out=${1:-$fixtures/recorded.txt}
oracle_boot "$fixtures/units"
: >"$out"
while IFS= read -r line; do
    set -f
    # shellcheck disable=SC2086 # the line's words are the arguments
    set -- $line
    set +f
    echo "> $line" >>"$out"
    case $1 in
    dir)
        if inns test -d "/sys/fs/cgroup/$2"; then echo exists; else echo absent; fi >>"$out" ;;
    status)
        rc=0
        inns systemctl status --no-pager -n0 -- "$2" >"$out.tmp" 2>&1 || rc=$?
        sed -n -e 's/^ *\(Loaded: .*\)/\1/p' -e 's/^ *Active: \([^;]*\( since\)\{0,1\}\).*/Active: \1/p' \
            -e 's/^ *\(CGroup: .*\)/\1/p' "$out.tmp" | sed 's/ since.*/ since/' >>"$out"
        rm -f "$out.tmp"
        echo "rc=$rc" >>"$out" ;;
    *)
        rc=0
        inns "$@" >>"$out" 2>&1 || rc=$?
        echo "rc=$rc" >>"$out" ;;
    esac
done <"$fixtures/steps.txt"
echo "recorded the slice lifecycle into $out" >&2
