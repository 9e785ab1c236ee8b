#!/bin/sh
# record-environment-oracle.sh [OUT] — record what systemd 252's manager environment verbs
# (systemctl set-environment, unset-environment, import-environment, show-environment) print and
# exit with, into OUT (default test/fixtures/environment/oracle.json). One systemd is booted as PID 1
# of a private namespace set (scripts/systemd-ns-oracle.sh) and the steps run inside it in order, each
# seeing the block the steps before it left: argv (after `systemctl`), extra environment for
# import-environment, and the answer (stdout, stderr, exit status). Values with control characters
# are written as \0ooo in the steps file and expanded by printf before the call.
# test/unit/manager-environment.test.ts replays the steps on svcd's block and quoting; the e2e
# test/e2e/environment.test.ts runs them on a live svcd.
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
. "$repo/scripts/systemd-ns-oracle.sh"
out=${1:-$repo/test/fixtures/environment/oracle.json}
oracle_work svcd-environment-rec
mkdir "$work/empty"
oracle_boot "$work/empty"

# One step a line: environment words for import-environment (or -), then systemctl's argv, words
# separated by a TAB (so values may hold blanks).
tab=$(printf '\t')
cat > "$work/steps" <<'STEPS'
-	show-environment
-	set-environment	Z=1
-	set-environment	Y=1
-	set-environment	A=x y	B=$x	C=a\\b	D=it's	E=tab\tthere	F=nl\nx	G=	H=ü	I=a"b	J=~	K=*	L=a=b	M=!
-	set-environment	N=q?	O=q[	P=q(	Q=q)	R=q<	S=q>	T=q|	U=q&	V=q;	W=q#	X=q{ }%^,:@
-	set-environment	CR=q\r	VT=q\v	BEL=q\a	FF=q\f	SOH=q\0001	DEL=q\0177	BT=q`	UX=ü x	_A=x	a=x
-	show-environment
-	set-environment	PATH=/x
-	set-environment	NOTIFY_SOCKET=x	MAINPID=1	LISTEN_FDS=1	INVOCATION_ID=1	HOME=/h	container=zz
-	set-environment	FOO
-	set-environment	=x
-	set-environment	1A=x
-	set-environment	A-B=x
-	set-environment	A.B=x
-	set-environment	OK1=1	bad
-	set-environment
-	show-environment
-	unset-environment	LANG
-	unset-environment	A
-	unset-environment	NOPE
-	unset-environment	B=wrong
-	unset-environment	C=a\\b
-	unset-environment	1A
-	unset-environment
-	unset-environment	PATH
-	show-environment
IMP=hello IMP2=a_b	import-environment	IMP	IMP2	NOTSET
-	import-environment	1BAD
IMQ1=1	import-environment	IMQ*
-	show-environment
STEPS
n=0
while IFS= read -r line; do
    n=$((n + 1))
    envw=${line%%"$tab"*}
    rest=${line#*"$tab"}
    [ "$envw" = - ] && envw=
    # argv words, escapes expanded (printf %b: \t, \n, \0ooo …); no globbing of K=* and IMQ*
    set -f
    set --
    old=$IFS; IFS=$tab
    for w in $rest; do v=$(printf '%bx' "$w"); set -- "$@" "${v%x}"; done
    IFS=$old
    envargs=
    for w in $envw; do envargs="$envargs $(printf '%b' "$w")"; done
    # shellcheck disable=SC2086
    inns env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin $envargs systemctl "$@" >"$work/$n.out" 2>"$work/$n.err" && echo 0 >"$work/$n.rc" || echo $? >"$work/$n.rc"
    printf '%s' "$envargs" >"$work/$n.env"
    for w in "$@"; do printf '%s\0' "$w"; done >"$work/$n.argv"
done <"$work/steps"
node -e '
const fs = require("fs"); const [dir, count, out] = process.argv.slice(1);
const rd = (n, ext) => fs.readFileSync(`${dir}/${n}.${ext}`, "utf8");
const steps = [];
for (let n = 1; n <= Number(count); n++) {
  steps.push({ env: rd(n, "env").trim().split(" ").filter(Boolean), argv: rd(n, "argv").split("\0").slice(0, -1),
    stdout: rd(n, "out"), stderr: rd(n, "err"), status: Number(rd(n, "rc")) });
}
fs.writeFileSync(out, JSON.stringify({ recordedWith: "systemd 252 in systemd-ns (no locale configured)", steps }, null, 2) + "\n");
' "$work" "$n" "$out"
echo "recorded $n steps into $out" >&2
