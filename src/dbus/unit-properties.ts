/**
 * SetUnitProperties (`systemctl set-property UNIT P=V…`) on a unit that is not transient: what
 * systemd 252 lets one change there — Description= and the resource-control settings of the kinds
 * that have a cgroup — each written as systemd writes it, one drop-in per setting,
 * `50-NAME.conf` under /etc/systemd/system.control/UNIT.d/ (under /run/… with --runtime), and
 * the same refusal for anything else (test/fixtures/dbus/set-property.json, recorded from systemd).
 * The drop-ins take effect by a reload of the unit files, where systemd changes the loaded unit
 * in place (docs/dbus.md).
 */
import { CGROUP_TYPES } from '../unit/cgroup-mask.js';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UNIT_DIRS } from '../shared/lookup-paths.js';
import type { UnitStatus } from '../engine/api.js';
import { specifierEscape } from '../unit/unit-file-quote.js';
import { BusError, DBUS_ERROR } from './errors.js';

const UINT64_MAX = 2n ** 64n - 1n;

/** One settable property: its D-Bus name and type, the drop-in's name and the line it holds. */
interface Settable {
  readonly sig: string;
  /** The drop-in is 50-NAME.conf; the setting in it is NAME= too. */
  readonly setting: string;
  /** [Unit], or the kind's own section ([Service], [Socket], …) for resource control. */
  readonly section: 'unit' | 'kind';
  value(v: unknown): string;
}

const bytesOrInfinity = (v: unknown): string => (BigInt(v as bigint) === UINT64_MAX ? 'infinity' : String(v));
/** CPUQuotaPerSecUSec: µs of CPU per second of time, which CPUQuota= says as a whole percentage (12.5% is written 12%, as systemd does). */
const percentOfSecond = (v: unknown): string => {
  const us = BigInt(v as bigint);
  return us === UINT64_MAX ? '' : `${us / 10000n}%`;
};
const plain = (v: unknown): string => String(v);
// Specifiers are expanded when the drop-in is read: a literal % is written doubled (the generators'
// specifierEscape); a newline would end the line.
const text = (v: unknown): string => specifierEscape(String(v)).replace(/\n/g, '\\n');

const resource = (setting: string, value: (v: unknown) => string = bytesOrInfinity): Settable => ({ sig: 't', setting, section: 'kind', value });

const SETTABLE: Readonly<Record<string, Settable>> = {
  Description: { sig: 's', setting: 'Description', section: 'unit', value: text },
  CPUQuotaPerSecUSec: resource('CPUQuota', percentOfSecond),
  CPUWeight: resource('CPUWeight', plain),
  StartupCPUWeight: resource('StartupCPUWeight', plain),
  IOWeight: resource('IOWeight', plain),
  StartupIOWeight: resource('StartupIOWeight', plain),
  MemoryMin: resource('MemoryMin'),
  MemoryLow: resource('MemoryLow'),
  MemoryHigh: resource('MemoryHigh'),
  MemoryMax: resource('MemoryMax'),
  MemorySwapMax: resource('MemorySwapMax'),
  TasksMax: resource('TasksMax'),
};

const HEADER = '# This is a drop-in unit file extension, created via "systemctl set-property"\n# or an equivalent operation. Do not edit.\n';

/** A D-Bus variant as the reader hands it over: [[type tree], [value]]. */
export type RawVariant = readonly [readonly { readonly type: string; readonly child: readonly unknown[] }[], readonly unknown[]];

function signatureOf(tree: RawVariant[0][number]): string {
  const children = tree.child as RawVariant[0][number][];
  if (tree.type === 'a') return `a${children.map(signatureOf).join('')}`;
  if (tree.type === '(' || tree.type === '{') return `${tree.type}${children.map(signatureOf).join('')}${tree.type === '(' ? ')' : '}'}`;
  return tree.type;
}

export interface DropIn {
  readonly setting: string;
  readonly section: string;
  readonly line: string;
}

/** Checks every assignment first, as systemd does: one refusal and nothing is written. */
export function dropInsFor(st: UnitStatus, assignments: readonly (readonly [string, RawVariant])[]): DropIn[] {
  const type = st.model.type;
  const kindSection = `${type.charAt(0).toUpperCase()}${type.slice(1)}`;
  return assignments.map(([name, raw]) => {
    const s = Object.hasOwn(SETTABLE, name) ? SETTABLE[name] : undefined;
    if (!s || (s.section === 'kind' && !CGROUP_TYPES.has(type))) throw new BusError(DBUS_ERROR.propertyReadOnly, `Cannot set property ${name}, or unknown property.`);
    const sig = signatureOf(raw[0][0]!);
    // systemd's reader fails on the mismatch with ENXIO, which sd-bus names System.Error.ENXIO.
    if (sig !== s.sig) throw new BusError('System.Error.ENXIO', 'Failed to set unit properties: Unexpected message contents');
    return { setting: s.setting, section: s.section === 'unit' ? 'Unit' : kindSection, line: `${s.setting}=${s.value(raw[1][0])}` };
  });
}

/** Writes each drop-in whole, through a temporary file, so a reader never sees half of one. */
export function writeDropIns(unit: string, runtime: boolean, dropIns: readonly DropIn[], root = ''): void {
  if (dropIns.length === 0) return;
  const dir = join(root, runtime ? UNIT_DIRS.runtimeControl : UNIT_DIRS.persistentControl, `${unit}.d`);
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  for (const d of dropIns) {
    const path = join(dir, `50-${d.setting}.conf`);
    writeFileSync(`${path}.tmp`, `${HEADER}[${d.section}]\n${d.line}\n`, { mode: 0o644 });
    renameSync(`${path}.tmp`, path);
  }
}
