/**
 * What `analyze security` judges of a unit: its sandboxing settings as systemd 252 has them after
 * loading (the implications systemd adds at load — DynamicUser='s sandbox (dynamic-user.ts), the capabilities that
 * PrivateDevices=/Protect…= take away, the device ACL entries they add — applied here). Built
 * from the loaded Unit; plain JSON (capability masks as decimal strings) so that svcd can hand it
 * to svcctl over the control socket for a unit it has loaded.
 *
 * Settings svcd keeps only as "ignored" (DeviceAllow=, IPAddressDeny=, …: svcd
 * cannot enforce them in a container) are read back from Unit.ignored, where every assignment is
 * kept with its value, so that the assessment judges what the unit file asks for, as systemd does.
 */
import type { Unit } from './model.js';
import { CAP_ALL } from './values/capability.js';
import { effectiveBoundingSet } from './implied-capabilities.js';
import { effectiveKeyringMode } from './exec-kept.js';
import { ignoredList, ignoredScalar } from './ignored.js';
import { imageDevicesAdded } from './image-devices.js';

export interface SecurityInfo {
  readonly id: string;
  readonly loadState: string;
  /** The service's Type= (oneshot services are left out of the summary of all units). */
  readonly serviceType?: string;
  readonly fragmentPath?: string;
  readonly defaultDependencies: boolean;
  readonly ambientCapabilities: string;
  readonly capabilityBoundingSet: string;
  readonly user?: string;
  readonly supplementaryGroups: readonly string[];
  readonly dynamicUser: boolean;
  readonly ipAddressDenyAll: boolean;
  readonly ipAddressAllowLocalhost: boolean;
  readonly ipAddressAllowOther: boolean;
  readonly ipFiltersCustom: boolean;
  readonly keyringMode?: string;
  readonly protectProc?: string;
  readonly procSubset?: string;
  readonly lockPersonality: boolean;
  readonly memoryDenyWriteExecute: boolean;
  readonly noNewPrivileges: boolean;
  readonly notifyAccess?: string;
  readonly protectHostname: boolean;
  readonly privateDevices: boolean;
  readonly privateMounts: boolean;
  readonly privateNetwork: boolean;
  readonly privateTmp: boolean;
  readonly privateUsers: boolean;
  readonly protectControlGroups: boolean;
  readonly protectKernelModules: boolean;
  readonly protectKernelTunables: boolean;
  readonly protectKernelLogs: boolean;
  readonly protectClock: boolean;
  readonly protectHome?: string;
  readonly protectSystem?: string;
  readonly removeIPC: boolean;
  /** RestrictAddressFamilies=, as five verdicts: true when the family group is denied. */
  readonly restrictAddressFamily: { readonly inet: boolean; readonly unix: boolean; readonly netlink: boolean; readonly packet: boolean; readonly other: boolean };
  /** The CLONE_NEW* flags the unit may still use. */
  readonly restrictNamespaces: number;
  readonly restrictRealtime: boolean;
  readonly restrictSUIDSGID: boolean;
  readonly rootDirectory?: string;
  readonly rootImage?: string;
  readonly delegate: boolean;
  readonly devicePolicy?: string;
  /** DeviceAllow= entries as systemd lists them ("PATH:PERMS", the latest first). */
  readonly deviceAllow: readonly string[];
  /** SystemCallArchitectures= as written ("native" kept as a name of its own). */
  readonly systemCallArchitectures: readonly string[];
  readonly systemCallFilterAllowList: boolean;
  readonly systemCallFilter: readonly string[];
  readonly umask: number;
}

/** Every CLONE_NEW* flag RestrictNamespaces= knows. */
export const ALL_NAMESPACES = 0x7e020000;

const AF_UNIX = 1;
const AF_INET = 2;
const AF_INET6 = 10;
const AF_NETLINK = 16;
const AF_PACKET = 17;


/** IPAddressAllow=/IPAddressDeny= words as address prefixes (systemd's special names expanded). */
function ipPrefixes(unit: Unit, key: string): { readonly v6: boolean; readonly address: string; readonly prefix: number }[] {
  const out: { v6: boolean; address: string; prefix: number }[] = [];
  for (const words of ignoredList(unit, key)) {
    for (const w of words) {
      if (w === 'any') out.push({ v6: false, address: '0.0.0.0', prefix: 0 }, { v6: true, address: '::', prefix: 0 });
      else if (w === 'localhost') out.push({ v6: false, address: '127.0.0.0', prefix: 8 }, { v6: true, address: '::1', prefix: 128 });
      else if (w === 'link-local') out.push({ v6: false, address: '169.254.0.0', prefix: 16 }, { v6: true, address: 'fe80::', prefix: 64 });
      else if (w === 'multicast') out.push({ v6: false, address: '224.0.0.0', prefix: 4 }, { v6: true, address: 'ff00::', prefix: 8 });
      else {
        const [address = '', len] = w.split('/');
        const v6 = address.includes(':');
        out.push({ v6, address, prefix: len === undefined ? (v6 ? 128 : 32) : Number(len) });
      }
    }
  }
  return out;
}

const isLocalhost = (p: { v6: boolean; address: string }) => (p.v6 ? /^(0{0,4}:){2,7}0{0,3}1$|^::1$/.test(p.address) : p.address.startsWith('127.'));

/** DeviceAllow= "PATH [PERMS]" words as "PATH:PERMS", most recent first as systemd's list holds them. */
function deviceAllow(unit: Unit): string[] {
  return ignoredList(unit, 'DeviceAllow').map(([path = '', perms = 'rwm']) => `${path}:${perms}`).reverse();
}

/**
 * The device ACL after the entries systemd adds at load, each in front of the list: the loop and
 * device-mapper devices a RootImage= needs (when there is an ACL at all), then the RTC that
 * ProtectClock= still lets the service read.
 */
function implicitDevices(written: readonly string[], image: boolean, clock: boolean): string[] {
  const added = [
    ...(image ? ['/dev/loop-control:rw', '/dev/mapper/control:rw', 'block-loop:rwm', 'block-blkext:rwm', 'block-device-mapper:rwm'] : []),
    ...(clock ? ['char-rtc:r'] : []),
  ];
  return [...added.reverse(), ...written];
}

/**
 * The unit's settings as systemd 252 judges them. `online`: as systemd-analyze reads them from a
 * running manager, which also counts a unit with any file-system sandboxing as having its own
 * mounts and takes away the capabilities those settings make useless.
 */
export function securityInfo(unit: Unit, online: boolean): SecurityInfo {
  const exec = unit.exec;
  const ip = { deny: ipPrefixes(unit, 'IPAddressDeny'), allow: ipPrefixes(unit, 'IPAddressAllow') };
  const base = {
    id: unit.id,
    loadState: unit.loadState,
    serviceType: unit.service?.type,
    fragmentPath: unit.fragmentPath,
    defaultDependencies: unit.unit.defaultDependencies,
    ipAddressDenyAll: ip.deny.some((p) => !p.v6 && p.prefix === 0) && ip.deny.some((p) => p.v6 && p.prefix === 0),
    ipAddressAllowLocalhost: ip.allow.some(isLocalhost),
    ipAddressAllowOther: ip.allow.some((p) => !isLocalhost(p)),
    ipFiltersCustom: ignoredList(unit, 'IPIngressFilterPath').length > 0 || ignoredList(unit, 'IPEgressFilterPath').length > 0,
    delegate: unit.resources.delegate ?? false,
    devicePolicy: ignoredScalar(unit, 'DevicePolicy') ?? 'auto',
    deviceAllow: deviceAllow(unit),
    notifyAccess: unit.service ? unit.service.notifyAccess ?? (unit.service.type === 'notify' ? 'main' : 'none') : undefined,
  };
  if (!exec) {
    // A unit without an exec context (a target, a timer, …) is judged as systemd judges one: with
    // nothing restricted, every capability and namespace kept, and umask 0002.
    return {
      ...base, ambientCapabilities: '0', capabilityBoundingSet: CAP_ALL.toString(), supplementaryGroups: [], dynamicUser: false,
      lockPersonality: false, memoryDenyWriteExecute: false, noNewPrivileges: false, protectHostname: false, privateDevices: false,
      privateMounts: false, privateNetwork: false, privateTmp: false, privateUsers: false, protectControlGroups: false,
      protectKernelModules: false, protectKernelTunables: false, protectKernelLogs: false, protectClock: false, removeIPC: false,
      restrictAddressFamily: { inet: false, unix: false, netlink: false, packet: false, other: false }, restrictNamespaces: ALL_NAMESPACES,
      restrictRealtime: false, restrictSUIDSGID: false, systemCallArchitectures: [], systemCallFilterAllowList: false, systemCallFilter: [],
      umask: 0o002, devicePolicy: undefined, delegate: false,
    };
  }
  const sc = exec.seccomp;
  const dynamic = exec.dynamicUser;
  const privateDevices = exec.mounts.privateDevices;
  const caps = effectiveBoundingSet(exec);
  const af = sc.restrictAddressFamilies;
  const denied = (f: (n: number) => boolean) => (af ? ([...af.families].some(f) ? !af.allowList : af.allowList) : false);
  const others = (n: number) => ![AF_UNIX, AF_INET, AF_INET6, AF_NETLINK, AF_PACKET].includes(n);
  // DynamicUser='s sandbox is already in the exec context: the loader adds it (dynamic-user.ts).
  const protectSystem = exec.mounts.protectSystem;
  const protectHome = exec.mounts.protectHome;
  const privateTmp = exec.privateTmp;
  const protectKernelTunables = exec.mounts.protectKernelTunables;
  const protectControlGroups = exec.mounts.protectControlGroups;
  const rootImage = ignoredScalar(unit, 'RootImage');
  const mountsOwn = privateDevices || privateTmp || protectControlGroups || protectKernelTunables || sc.protectKernelModules
    || protectHome !== 'no' || protectSystem !== 'no' || rootImage !== undefined;
  const devicePolicy = privateDevices && base.devicePolicy === 'auto' ? 'closed' : base.devicePolicy;
  return {
    ...base,
    ambientCapabilities: (exec.ambientCapabilities ?? 0n).toString(),
    capabilityBoundingSet: caps.toString(),
    user: exec.user,
    supplementaryGroups: exec.supplementaryGroups,
    dynamicUser: dynamic,
    // The system manager gives services a keyring of their own; other units inherit its.
    keyringMode: effectiveKeyringMode(exec.kept, unit.type),
    protectProc: exec.mounts.protectProc,
    procSubset: exec.mounts.procSubset,
    lockPersonality: sc.lockPersonality,
    memoryDenyWriteExecute: sc.memoryDenyWriteExecute,
    noNewPrivileges: exec.noNewPrivileges,
    protectHostname: sc.protectHostname,
    privateDevices,
    privateMounts: exec.mounts.privateMounts || (online && mountsOwn),
    privateNetwork: exec.mounts.privateNetwork,
    privateTmp,
    privateUsers: exec.mounts.privateUsers,
    protectControlGroups,
    protectKernelModules: sc.protectKernelModules,
    protectKernelTunables,
    protectKernelLogs: sc.protectKernelLogs,
    protectClock: sc.protectClock,
    protectHome,
    protectSystem,
    removeIPC: exec.removeIPC,
    restrictAddressFamily: {
      inet: denied((n) => n === AF_INET || n === AF_INET6),
      unix: denied((n) => n === AF_UNIX),
      netlink: denied((n) => n === AF_NETLINK),
      packet: denied((n) => n === AF_PACKET),
      other: denied(others),
    },
    restrictNamespaces: sc.restrictNamespaces ?? ALL_NAMESPACES,
    restrictRealtime: sc.restrictRealtime,
    restrictSUIDSGID: sc.restrictSUIDSGID,
    rootDirectory: exec.rootDirectory,
    rootImage,
    devicePolicy,
    deviceAllow: implicitDevices(base.deviceAllow, imageDevicesAdded(unit), sc.protectClock),
    systemCallArchitectures: sc.systemCallArchitecturesWritten,
    systemCallFilterAllowList: sc.systemCallFilter?.allowList ?? false,
    systemCallFilter: [...(sc.systemCallFilter?.calls.keys() ?? [])],
    umask: exec.umask ?? 0o022,
  };
}
