#!/usr/bin/env node
// Records what the real systemctl gets from real systemd 252 for `systemctl set-property`
// (test/support/set-property-cases.mjs): exit codes, output and the drop-ins written under
// /run/systemd/system.control, and the D-Bus errors of Properties.Set and SetUnitProperties, into test/fixtures/dbus/set-property.json for
// test/e2e/dbus-set-property.test.ts.
//
//   node scripts/record-set-property.mjs           boots systemd-ns, records, stops it
//   node scripts/record-set-property.mjs --inside  (run inside a namespace: prints the answers as JSON)
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { SET_PROPERTY_UNITS, runSetPropertyCases } from '../test/support/set-property-cases.mjs';
import { connectPeer } from './dbus-peer-client.mjs';
import { recordInside } from './oracle-inside.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');

async function inside() {
  const peer = await connectPeer('/run/systemd/private');
  process.stdout.write(JSON.stringify(await runSetPropertyCases(peer)));
  peer.close();
}

if (process.argv[2] === '--inside') await inside();
else recordInside({ units: SET_PROPERTY_UNITS, target: 'x.target', script: fileURLToPath(import.meta.url), out: join(repo, 'test/fixtures/dbus/set-property.json') });
