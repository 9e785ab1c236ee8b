#!/bin/sh
# Records glibc's fnmatch(3) (the matcher systemd calls) as the oracle for test/unit/glob.test.ts:
# every pattern is tried on every string, with the flag sets systemd passes (none,
# FNM_NOESCAPE, FNM_CASEFOLD, FNM_PERIOD). glibc is called directly through python's ctypes.
# Re-run only on purpose; the JSON is committed so the test runs anywhere. An argument names another
# directory to write to (the test's live re-check does, to compare without touching the fixture).
set -eu
cd "$(dirname "$0")/.."
out=${1:-test/fixtures/fnmatch}
mkdir -p "$out"
python3 - "$out/cases.json" <<'PY'
import ctypes, json, sys
libc = ctypes.CDLL('libc.so.6')
FLAGS = {'noescape': 2, 'period': 4, 'casefold': 16}
patterns = [
    '*.service', '*', '', '?', 'a?c.service', 'foo@*.service', '*@.service', 'sys*-*.mount', '*.*',
    '[ab]*', '[!ab]*', '[^ab]*', '[]a]', '[!]a]', '[a-c].target', '[a-]', '[-a]', '[z-a]', '[[:digit:]]*', '[[:alpha:]_]x',
    '[[:upper:]]*', '[[:space:]]', '[[:bogus:]]', '[', 'a[', '[a', 'a[]', r'a\*', r'a\?', r'\[a]', r'[\]]', r'[a\-z]', 'a\\',
    '*/*', 'a*b*c', '**', '.*', '*rc', 'NGINX*', 'Web-[0-9]', 'a.b', 'a+b', '(a)', 'a{b,c}', '$x', '^a', 'a|b',
]
strings = [
    'a.service', 'a.socket', 'abc.service', 'foo@bar.service', 'foo@.service', 'sys-kernel-debug.mount', '', 'a', 'b.service',
    'c.service', ']', 'a', '-', 'b.target', 'd.target', '5x', '_x', 'Xyz', ' ', '[', 'a[', '[a', 'a[]', 'a*', 'ax', 'a\\x', 'a\\',
    '[a]', ']', 'a/b', 'axbxc', '.hidden', '.bashrc', 'nginx.service', 'web-1', 'Web-1', 'a.b', 'axb', 'a+b', '(a)', 'a{b,c}', 'ab',
    '$x', '^a', 'a|b', 'a?', 'z',
]
flagsets = [[], ['noescape'], ['casefold'], ['period']]
# Every pattern against every string under every flag set; a row lists the strings that match.
rows = []
for p in patterns:
    for fs in flagsets:
        v = sum(FLAGS[f] for f in fs)
        rows.append({'pattern': p, 'flags': fs, 'matches': [s for s in strings if libc.fnmatch(p.encode(), s.encode(), v) == 0]})
with open(sys.argv[1], 'w') as f:
    json.dump({'strings': strings, 'rows': rows}, f, indent=1)
    f.write('\n')
print(f'recorded {len(rows)} rows of {len(strings)} strings')
PY
