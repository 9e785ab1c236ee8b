#!/usr/bin/env node
// Records the D-Bus signatures real systemd 252 serves (properties, methods, signals of the
// Manager and of unit objects of each kind booted) into test/fixtures/dbus/systemd-signatures.json,
// for test/unit/dbus-signatures.test.ts: one property with another type than systemd's makes
// `systemctl status` fail entirely.
//
//   node scripts/record-dbus-signatures.mjs            boots systemd-ns, records, stops it
//   node scripts/record-dbus-signatures.mjs --inside P…  (run inside the namespace by the above)
//
// busctl cannot be used: systemd's private socket refuses calls that name a destination, and
// busctl always names one. --inside speaks to the socket with scripts/dbus-peer-client.mjs (svcd's
// own wire code, no destination, as systemctl does); `npm run build` first.
import { Buffer } from 'node:buffer';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { connectPeer } from './dbus-peer-client.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const tools = process.env.SYSTEMD_NS_DIR ?? '/work/shared/tools/systemd-ns';
const out = join(repo, 'test/fixtures/dbus/systemd-signatures.json');

/** The objects recorded: the manager and one unit of each kind systemd-ns boots. */
const OBJECTS = ['/org/freedesktop/systemd1', ...['web.service', 'web.socket', 'multi-user.target', 'system.slice', 'init.scope', '-.mount'].map((u) => `/org/freedesktop/systemd1/unit/${[...Buffer.from(u)].map((b) => (/[A-Za-z0-9]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `_${b.toString(16)}`)).join('')}`)];

/** Inside the namespace: Introspect each path over /run/systemd/private; prints {path: xml}. */
async function inside(paths) {
  const peer = await connectPeer('/run/systemd/private');
  const result = {};
  for (const path of paths) {
    const m = await peer.call(path, 'org.freedesktop.DBus.Introspectable', 'Introspect');
    if (m.type !== peer.MessageType.methodReturn) throw new Error(`${path}: ${m.errorName} ${m.body[0]}`);
    result[path] = m.body[0];
  }
  peer.close();
  process.stdout.write(JSON.stringify(result));
}

/** The XML's interfaces as {name: {properties: {n: type}, methods: {n: [in, out]}, signals: {n: sig}}}. */
function parse(xml) {
  const ifaces = {};
  for (const [, name, body] of xml.matchAll(/<interface name="([^"]+)">([\s\S]*?)<\/interface>/g)) {
    const i = { properties: {}, methods: {}, signals: {} };
    for (const [, n, t] of body.matchAll(/<property name="([^"]+)" type="([^"]+)"/g)) i.properties[n] = t;
    for (const [, kind, n, inner] of body.matchAll(/<(method|signal) name="([^"]+)"\s*(?:\/>|>([\s\S]*?)<\/\1>)/g)) {
      const args = [...(inner ?? '').matchAll(/<arg\b([^>]*)>/g)].map(([, a]) => ({ type: /type="([^"]+)"/.exec(a)[1], dir: /direction="(in|out)"/.exec(a)?.[1] }));
      if (kind === 'signal') i.signals[n] = args.map((a) => a.type).join('');
      else i.methods[n] = [args.filter((a) => a.dir !== 'out').map((a) => a.type).join(''), args.filter((a) => a.dir === 'out').map((a) => a.type).join('')];
    }
    ifaces[name] = i;
  }
  return ifaces;
}

async function record() {
  const units = mkdtempSync(join(tmpdir(), 'dbus-sig-units-'));
  writeFileSync(join(units, 'web.service'), '[Unit]\nDescription=A web server\n[Service]\nExecStart=/bin/sleep 600\n');
  writeFileSync(join(units, 'web.socket'), '[Unit]\nDescription=A web socket\n[Socket]\nListenStream=/run/web.sock\n');
  mkdirSync(join(units, 'multi-user.target.wants'));
  execFileSync('ln', ['-s', '../web.service', join(units, 'multi-user.target.wants/web.service')]);
  const pid = execFileSync(join(tools, 'systemd-ns.sh'), [units, 'multi-user.target'], { encoding: 'utf8' }).trim();
  try {
    const r = spawnSync(join(tools, 'systemd-ns-exec.sh'), [pid, process.execPath, fileURLToPath(import.meta.url), '--inside', ...OBJECTS], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    const xml = JSON.parse(r.stdout);
    const interfaces = {};
    for (const path of OBJECTS) Object.assign(interfaces, parse(xml[path]));
    const version = spawnSync(join(tools, 'systemd-ns-exec.sh'), [pid, 'systemctl', 'show', '-p', 'Version', '--value'], { encoding: 'utf8' }).stdout.trim();
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify({ recordedFrom: `systemd ${version}`, interfaces }, null, 1)}\n`);
    process.stderr.write(`wrote ${out}: ${Object.keys(interfaces).join(', ')}\n`);
  } finally {
    spawnSync(join(tools, 'systemd-ns.sh'), ['--stop', pid]);
    rmSync(units, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--inside') await inside(process.argv.slice(3));
else await record();
