// One unit file per BOOLEAN key of systemd 252's directive catalog, each giving the key an empty value
// (`PrivateNetwork=`), in a carrier of the unit type whose section it is: the tree
// scripts/record-verify-empty-fixtures.mjs hands to systemd-analyze verify and
// test/unit/verify-empty-boolean.test.ts to svcctl analyze verify. One key per file, as one fatal
// key (DynamicUser=) ends the parse of the rest of its file. Reads the built catalog (dist/).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CATALOG } from '../../dist/unit/directives/catalog.generated.js';

/** Per section: the file name for key K (lower-cased) and the lines that make such a unit load. */
const CARRIERS = {
  Unit: [(k) => `unit-${k}.service`, ['[Service]', 'ExecStart=/bin/true']],
  Install: [(k) => `install-${k}.service`, ['[Service]', 'ExecStart=/bin/true']],
  Service: [(k) => `service-${k}.service`, ['ExecStart=/bin/true']],
  Socket: [(k) => `socket-${k}.socket`, ['ListenStream=/run/p.sock']],
  Mount: [(k) => `m${k}.mount`, (k) => ['What=/dev/x', `Where=/m${k}`]],
  Swap: [(k) => `dev-s${k}.swap`, (k) => [`What=/dev/s${k}`]],
  Timer: [(k) => `timer-${k}.timer`, ['OnActiveSec=1']],
  Path: [(k) => `path-${k}.path`, ['PathExists=/p']],
  Slice: [(k) => `slice-${k}.slice`, []],
  Scope: undefined,
  Automount: undefined,
};

/** Writes the files into DIR; returns their names, in the catalog's order (the verify arguments). */
export function writeEmptyBooleanUnits(dir) {
  const names = [];
  for (const [section, key, hint] of CATALOG) {
    const carrier = CARRIERS[section];
    if (hint !== 'BOOLEAN' || !carrier) continue;
    const k = key.toLowerCase();
    const [name, rest] = carrier;
    const body = typeof rest === 'function' ? rest(k) : rest;
    // [Unit]/[Install] keys have a [Service] section after theirs; a type's own keys share its section.
    writeFileSync(join(dir, name(k)), `${[`[${section}]`, `${key}=`, ...body].join('\n')}\n`);
    // A socket's service, so that verify speaks of the key only.
    if (section === 'Socket') writeFileSync(join(dir, `socket-${k}.service`), '[Service]\nExecStart=/bin/true\n');
    names.push(name(k));
  }
  return names;
}
