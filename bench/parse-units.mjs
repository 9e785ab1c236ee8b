#!/usr/bin/env node
// Parse and type every unit of a tree, as svcd does at boot and on daemon-reload: a fresh name map
// (readdir of each directory), each unit's fragment and drop-ins, the directive table, the load checks.
//
//   npm run build && node bench/parse-units.mjs [DIR | --synthetic N | --environment N] [ROUNDS]
//
// DIR defaults to /lib/systemd/system. --synthetic N writes N generated units (services with
// drop-ins and .wants/ links, sockets, timers, targets — the mix of a Debian tree) to a temp dir.
// --environment N writes one service with N Environment= lines: one big file, where a step that is
// quadratic in the file's size shows (it once kept PID 1 from answering for minutes).
// Prints one JSON line: the time to import the loader (which builds the directive table), the first
// round (cold JIT: what a boot pays), and the median and minimum of the remaining rounds.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const args = process.argv.slice(2);
let dir = '/lib/systemd/system';
let synthetic = 0;
let environment = 0;
if (args[0] === '--synthetic') {
  synthetic = Number(args[1]);
  args.splice(0, 2);
} else if (args[0] === '--environment') {
  environment = Number(args[1]);
  args.splice(0, 2);
} else if (args[0]) {
  dir = args.shift();
}
const rounds = Math.max(2, Number(args[0] ?? 20));

function writeSynthetic(n) {
  const root = mkdtempSync(join(tmpdir(), 'svcd-bench-units-'));
  const targets = Math.max(1, Math.floor(n / 50));
  for (let t = 0; t < targets; t++) {
    writeFileSync(join(root, `group${t}.target`), `[Unit]\nDescription=Group ${t}\nWants=multi-user.target\nAfter=network.target\n`);
    mkdirSync(join(root, `group${t}.target.wants`));
  }
  for (let i = 0; i < n - targets; i++) {
    const t = i % targets;
    const kind = i % 10;
    if (kind === 8) {
      writeFileSync(join(root, `s${i}.socket`), `[Unit]\nDescription=Socket ${i}\n[Socket]\nListenStream=/run/s${i}.sock\nSocketMode=0660\n[Install]\nWantedBy=sockets.target\n`);
      writeFileSync(join(root, `s${i}.service`), `[Service]\nExecStart=/usr/bin/true s${i}\n`);
      continue;
    }
    if (kind === 9) {
      writeFileSync(join(root, `t${i}.timer`), `[Unit]\nDescription=Timer ${i}\n[Timer]\nOnCalendar=daily\nRandomizedDelaySec=1h\nPersistent=true\n[Install]\nWantedBy=timers.target\n`);
      writeFileSync(join(root, `t${i}.service`), `[Service]\nType=oneshot\nExecStart=/usr/bin/true t${i}\n`);
      continue;
    }
    const name = `svc${i}.service`;
    writeFileSync(join(root, name), [
      '[Unit]', `Description=Synthetic service ${i}`, 'Documentation=man:true(1)',
      `After=network.target group${t}.target${i > 0 ? ` svc${i - 1}.service` : ''}`, 'Wants=network.target',
      'ConditionPathExists=!/etc/svcd-bench-disabled', '', '[Service]', 'Type=notify', `EnvironmentFile=-/etc/default/svc${i}`,
      `Environment="A=${i}" B=two "C=three words"`, `ExecStartPre=/usr/bin/test -d /var/lib/svc${i}`,
      `ExecStart=/usr/sbin/daemon${i} --foreground \\`, '    --config /etc/svc.conf', 'ExecReload=/bin/kill -HUP $MAINPID',
      'Restart=on-failure', 'RestartSec=5', 'TimeoutStopSec=30', 'LimitNOFILE=65536', 'User=daemon', 'Group=daemon',
      `RuntimeDirectory=svc${i}`, 'StateDirectory=svc', 'ProtectSystem=full', 'ProtectHome=yes', 'PrivateTmp=yes',
      'NoNewPrivileges=yes', 'CapabilityBoundingSet=CAP_NET_BIND_SERVICE', 'MemoryMax=512M', '', '[Install]', 'WantedBy=multi-user.target', '',
    ].join('\n'));
    if (i % 3 === 0) {
      mkdirSync(join(root, `${name}.d`));
      writeFileSync(join(root, `${name}.d`, 'override.conf'), '[Service]\nEnvironment=D=4\nNice=5\n');
    }
    symlinkSync(`../${name}`, join(root, `group${t}.target.wants`, name));
  }
  return root;
}

function writeEnvironment(n) {
  const root = mkdtempSync(join(tmpdir(), 'svcd-bench-units-'));
  const lines = ['[Service]', 'ExecStart=/usr/bin/true'];
  for (let i = 0; i < n; i++) lines.push(`Environment=VAR${i}=value${i}`);
  writeFileSync(join(root, 'environment.service'), lines.join('\n') + '\n');
  return root;
}

const generated = synthetic > 0 || environment > 0;
if (synthetic > 0) dir = writeSynthetic(synthetic);
if (environment > 0) dir = writeEnvironment(environment);
try {
  const t0 = performance.now();
  const { buildUnitFileMap } = await import('../dist/unit/unit-file-map.js');
  const { loadUnit } = await import('../dist/unit/load.js');
  const { parseUnitName } = await import('../dist/unit/name.js');
  const importMs = performance.now() - t0;

  const times = [];
  let units = 0;
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    const map = buildUnitFileMap([dir]);
    units = 0;
    for (const f of readdirSync(dir)) {
      if (!parseUnitName(f)) continue;
      loadUnit(map, f, true);
      units++;
    }
    times.push(performance.now() - start);
  }
  const first = times[0];
  const rest = times.slice(1).sort((a, b) => a - b);
  const median = rest[Math.floor(rest.length / 2)];
  const r1 = (x) => Math.round(x * 10) / 10;
  console.log(JSON.stringify({
    dir: synthetic > 0 ? `synthetic:${synthetic}` : environment > 0 ? `environment:${environment}` : dir, units, rounds,
    importMs: r1(importMs), firstMs: r1(first), medianMs: r1(median), minMs: r1(rest[0]),
    unitsPerSecCold: Math.round(units / (first / 1000)), unitsPerSecWarm: Math.round(units / (median / 1000)),
  }));
} finally {
  if (generated) rmSync(dir, { recursive: true, force: true });
}
