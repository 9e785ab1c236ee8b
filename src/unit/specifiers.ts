/**
 * Specifier expansion ("%n", "%i", …) as systemd.unit(5) "SPECIFIERS" defines it for the system
 * manager, in two flavours: everything a unit file may use, and the subset [Install] allows.
 * Expansion is a pure function over an explicit context, so tests pass a fixed one; systemContext()
 * reads the real machine once, lazily.
 */
import { readFileSync } from 'node:fs';
import { hostname, release, tmpdir } from 'node:os';
import { dirname } from 'node:path';
import type { Result } from '../shared/result.js';
import { err, ok } from '../shared/result.js';
import { parseUnitName } from './name.js';
import { unitNamePathUnescape, unitNameUnescape } from './escape.js';

/** What expansion needs to know about the machine and the manager (system manager: root). */
export interface SystemContext {
  readonly architecture: string;
  readonly bootId: string;
  readonly machineId: string;
  readonly hostname: string;
  readonly prettyHostname: string;
  readonly kernelRelease: string;
  /** /etc/os-release fields (ID, VERSION_ID, VARIANT_ID, BUILD_ID, IMAGE_ID, IMAGE_VERSION). */
  readonly osRelease: Readonly<Record<string, string>>;
  readonly user: { readonly name: string; readonly uid: number; readonly group: string; readonly gid: number; readonly home: string; readonly shell: string };
  readonly tmpDir: string;
  readonly varTmpDir: string;
  readonly credentialsDir?: string;
}

export interface UnitContext {
  readonly name: string;
  readonly fragmentPath?: string;
}

export type Flavour = 'unit' | 'install';

// The [Install] section's set (systemd.unit(5), [Install] section).
const INSTALL = new Set('abBgGHijlmnNopuUvwW%'.split(''));

function unescapeOr(s: string): string {
  const r = unitNameUnescape(s);
  return r.ok ? r.value : s;
}

function resolver(unit: UnitContext, sys: SystemContext): (c: string) => string | undefined {
  const p = parseUnitName(unit.name);
  const stem = unit.name.slice(0, unit.name.lastIndexOf('.'));
  const prefix = p?.prefix ?? stem;
  const instance = p?.instance ?? '';
  const lastComponent = prefix.slice(prefix.lastIndexOf('-') + 1);
  const os = sys.osRelease;
  return (c) => {
    switch (c) {
      case 'a': return sys.architecture;
      case 'A': return os.IMAGE_VERSION ?? '';
      case 'b': return sys.bootId;
      case 'B': return os.BUILD_ID ?? '';
      case 'C': return '/var/cache';
      case 'd': return sys.credentialsDir ?? '';
      case 'E': return '/etc';
      case 'f': {
        const r = unitNamePathUnescape(p?.instance ? instance : prefix);
        return r.ok ? r.value : undefined;
      }
      case 'g': return sys.user.group;
      case 'G': return String(sys.user.gid);
      case 'h': return sys.user.home;
      case 'H': return sys.hostname;
      case 'i': return instance;
      case 'I': return unescapeOr(instance);
      case 'j': return lastComponent;
      case 'J': return unescapeOr(lastComponent);
      case 'l': return sys.hostname.split('.')[0];
      case 'L': return '/var/log';
      case 'm': return sys.machineId;
      case 'M': return os.IMAGE_ID ?? '';
      case 'n': return unit.name;
      case 'N': return stem;
      case 'o': return os.ID ?? '';
      case 'p': return prefix;
      case 'P': return unescapeOr(prefix);
      case 'q': return sys.prettyHostname;
      case 's': return sys.user.shell;
      case 'S': return '/var/lib';
      case 't': return '/run';
      case 'T': return sys.tmpDir;
      case 'u': return sys.user.name;
      case 'U': return String(sys.user.uid);
      case 'v': return sys.kernelRelease;
      case 'V': return sys.varTmpDir;
      case 'w': return os.VERSION_ID ?? '';
      case 'W': return os.VARIANT_ID ?? '';
      case 'y': return unit.fragmentPath ?? '';
      case 'Y': return unit.fragmentPath ? dirname(unit.fragmentPath) : '';
      case '%': return '%';
      default: return undefined;
    }
  };
}

/** Expands every specifier; an unknown one (or a trailing lone "%") is an error naming it. */
export function expandSpecifiers(text: string, unit: UnitContext, sys: SystemContext, flavour: Flavour = 'unit'): Result<string, string> {
  const resolve = resolver(unit, sys);
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch !== '%') {
      out += ch;
      continue;
    }
    const c = text[i + 1];
    if (c === undefined) return err("Failed to resolve specifiers: trailing '%'");
    const v = flavour === 'install' && !INSTALL.has(c) ? undefined : resolve(c);
    if (v === undefined) return err(`Failed to resolve specifiers: unknown specifier '%${c}'`);
    out += v;
    i++;
  }
  return ok(out);
}

function readOr(path: string, fallback = ''): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return fallback;
  }
}

function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!.replace(/^(["'])(.*)\1$/, '$2');
  }
  return out;
}

// systemd's architecture names for Node's process.arch values.
const ARCH: Record<string, string> = { x64: 'x86-64', ia32: 'x86', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64-le', s390x: 's390x', riscv64: 'riscv64', loong64: 'loongarch64', mips: 'mips', mipsel: 'mips-le' };

let cached: SystemContext | undefined;

/** The running machine, as the system manager sees it. */
export function systemContext(): SystemContext {
  if (cached) return cached;
  const host = hostname();
  const machineInfo = parseEnvFile(readOr('/etc/machine-info'));
  const tmp = process.env.TMPDIR || '/tmp';
  cached = {
    architecture: ARCH[process.arch] ?? process.arch,
    bootId: readOr('/proc/sys/kernel/random/boot_id').trim().replace(/-/g, ''),
    machineId: readOr('/etc/machine-id').trim(),
    hostname: host,
    prettyHostname: machineInfo.PRETTY_HOSTNAME ?? host,
    kernelRelease: release(),
    osRelease: parseEnvFile(readOr('/etc/os-release', readOr('/usr/lib/os-release'))),
    user: { name: 'root', uid: 0, group: 'root', gid: 0, home: '/root', shell: '/bin/sh' },
    tmpDir: tmp || tmpdir(),
    varTmpDir: process.env.TMPDIR || '/var/tmp',
    credentialsDir: process.env.CREDENTIALS_DIRECTORY,
  };
  return cached;
}
