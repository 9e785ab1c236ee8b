#!/bin/sh
# record-runlevel-oracle.sh [OUT] — record what systemd 252's SysV compatibility commands, `runlevel`
# and `telinit`, print and exit with in a container (no utmp record of a runlevel), into OUT (default
# test/fixtures/upstart/runlevel-oracle.json). One systemd is booted as PID 1 of a private namespace set
# (scripts/systemd-ns-oracle.sh) and each case runs inside it: argv, extra environment, and the answer
# (stdout, stderr, exit status). test/unit/runlevel-commands.test.ts runs svcd's links on the same cases.
# Only the cases that need no runlevel change are recorded (a telinit that isolates is the e2e's).
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
. "$repo/scripts/systemd-ns-oracle.sh"
out=${1:-$repo/test/fixtures/upstart/runlevel-oracle.json}
oracle_work svcd-runlevel-rec
mkdir "$work/empty"
oracle_boot "$work/empty"

# One case a line: the environment words (or -), then argv.
cat > "$work/cases" <<'CASES'
- runlevel
RUNLEVEL=4 runlevel
RUNLEVEL=4 PREVLEVEL=2 runlevel
PREVLEVEL=2 runlevel
- telinit
- telinit 3 4
- telinit 9
- telinit x
CASES
n=0
while read -r line; do
    n=$((n + 1))
    set -- $line
    envw=
    while [ "$1" != runlevel ] && [ "$1" != telinit ]; do
        [ "$1" = - ] || envw="$envw $1"
        shift
    done
    # shellcheck disable=SC2086
    inns env $envw "$@" >"$work/$n.out" 2>"$work/$n.err" && echo 0 >"$work/$n.rc" || echo $? >"$work/$n.rc"
    printf '%s\n' "$envw" >"$work/$n.env"
    printf '%s\n' "$*" >"$work/$n.argv"
done <"$work/cases"
node -e '
const fs = require("fs"); const [dir, count, out] = process.argv.slice(1);
const rd = (n, ext) => fs.readFileSync(`${dir}/${n}.${ext}`, "utf8");
const cases = [];
for (let n = 1; n <= Number(count); n++) {
  cases.push({ env: rd(n, "env").trim().split(/\s+/).filter(Boolean), argv: rd(n, "argv").trim().split(" "),
    stdout: rd(n, "out"), stderr: rd(n, "err"), status: Number(rd(n, "rc")) });
}
fs.writeFileSync(out, JSON.stringify({ recordedWith: "systemd 252 in systemd-ns (no utmp runlevel record)", cases }, null, 2) + "\n");
' "$work" "$n" "$out"
echo "recorded $n cases into $out" >&2
