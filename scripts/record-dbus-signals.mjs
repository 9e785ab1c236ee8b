#!/usr/bin/env node
// Records the signals real systemd 252 sends a subscribed peer of /run/systemd/private while the
// scenario of test/support/dbus-signal-scenario.mjs starts, stops, loads and garbage-collects units
// (UnitNew, UnitRemoved, JobNew, JobRemoved, PropertiesChanged on units and jobs) into
// test/fixtures/dbus/systemd-signals.json, for test/e2e/dbus-signals.test.ts.
//
//   node scripts/record-dbus-signals.mjs          boots systemd-ns, records, stops it (`npm run build` first)
//   node scripts/record-dbus-signals.mjs --inside (run inside the namespace by the above)
import { dirname, join } from 'node:path';
import process from 'node:process';
import { setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';
import { connectPeer } from './dbus-peer-client.mjs';
import { recordInside } from './oracle-inside.mjs';
import { SIGNAL_UNITS, runSignalScenario } from '../test/support/dbus-signal-scenario.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');

async function inside() {
  // A systemd that never answers must not keep the recording waiting for ever.
  setTimeout(() => { process.stderr.write('timed out\n'); process.exit(3); }, 60000).unref();
  const peer = await connectPeer('/run/systemd/private');
  const seen = await runSignalScenario(peer, 20000, (line) => process.stderr.write(`${line}\n`));
  peer.close();
  process.stdout.write(JSON.stringify(seen));
}

if (process.argv[2] === '--inside') await inside();
else recordInside({ units: SIGNAL_UNITS, target: 'multi-user.target', script: fileURLToPath(import.meta.url), out: join(repo, 'test/fixtures/dbus/systemd-signals.json'), shape: (signals) => ({ signals }) });
