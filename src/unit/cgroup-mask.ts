/**
 * The cgroup controllers a unit needs for itself, as systemd 252 works them out from its resource
 * control settings (unit_get_own_mask(): cgroup_context_get_mask() and the BPF programs) and
 * `analyze dump` prints them ("CGroup own mask: memory pids"): memory and pids for the default
 * accounting, cpu for CPU weights, shares and quotas, cpuset for allowed CPUs or memory nodes, io and
 * blkio for any IO setting, devices and bpf-devices for a device ACL, the BPF pseudo-controllers
 * for IP access lists and accounting, foreign programs, socket binding rules and network
 * interface restrictions. cpu and cpuacct always go together (one v1 hierarchy). CPUAccounting= adds
 * nothing: on the unified hierarchy of a kernel since 4.15 CPU time is counted without a
 * controller, which svcd's CPUAccounting=yes default stands for.
 */
import type { Unit } from './model.js';
import { ignoredList, ignoredScalar } from './ignored.js';
import { parseBoolean } from './values/boolean.js';

/** systemd's controllers and BPF pseudo-controllers, in its order (cgroup_controller_table). */
export const CGROUP_CONTROLLERS = [
  'cpu', 'cpuacct', 'cpuset', 'io', 'blkio', 'memory', 'devices', 'pids',
  'bpf-firewall', 'bpf-devices', 'bpf-foreign', 'bpf-socket-bind', 'bpf-restrict-network-interfaces',
] as const;
export type CgroupController = (typeof CGROUP_CONTROLLERS)[number];

/** Unit types with a cgroup context (systemd's UNIT_HAS_CGROUP_CONTEXT). */
export const CGROUP_TYPES: ReadonlySet<string> = new Set(['service', 'socket', 'mount', 'swap', 'slice', 'scope']);

const flag = (u: Unit, key: string, fallback: boolean) => {
  const v = ignoredScalar(u, key);
  const b = v === undefined ? undefined : parseBoolean(v);
  return b?.ok ? b.value : fallback;
};
const written = (u: Unit, ...keys: string[]) => keys.some((k) => ignoredList(u, k).length > 0);

/** The controllers the unit needs itself (none for a unit that did not load or has no cgroup). */
export function ownCgroupMask(u: Unit): Set<CgroupController> {
  const out = new Set<CgroupController>();
  if (u.loadState !== 'loaded' || !CGROUP_TYPES.has(u.type)) return out;
  const r = u.resources;
  if (r.cpuWeight !== undefined || r.startupCPUWeight !== undefined || r.cpuShares !== undefined || r.startupCPUShares !== undefined || r.cpuQuotaPerSecUSec !== undefined) {
    out.add('cpu').add('cpuacct');
  }
  if ((r.allowedCPUs?.length ?? 0) > 0 || written(u, 'StartupAllowedCPUs', 'AllowedMemoryNodes', 'StartupAllowedMemoryNodes')) out.add('cpuset');
  if (flag(u, 'IOAccounting', false) || flag(u, 'BlockIOAccounting', false) || r.ioWeight !== undefined || r.startupIOWeight !== undefined
    || written(u, 'IODeviceWeight', 'IODeviceLatencyTargetSec', 'IOReadBandwidthMax', 'IOWriteBandwidthMax', 'IOReadIOPSMax', 'IOWriteIOPSMax',
      'BlockIOWeight', 'StartupBlockIOWeight', 'BlockIODeviceWeight', 'BlockIOReadBandwidth', 'BlockIOWriteBandwidth')) {
    out.add('io').add('blkio');
  }
  if (flag(u, 'MemoryAccounting', true) || written(u, 'MemoryLimit') || r.memoryMin !== undefined || r.memoryLow !== undefined || r.memoryHigh !== undefined || r.memoryMax !== undefined || r.memorySwapMax !== undefined) out.add('memory');
  const policy = ignoredScalar(u, 'DevicePolicy') ?? (u.exec?.mounts.privateDevices ? 'closed' : 'auto');
  if (policy !== 'auto' || written(u, 'DeviceAllow')) out.add('devices').add('bpf-devices');
  // Every unit but a slice has a task limit: its TasksMax= or the manager's DefaultTasksMax=.
  if (flag(u, 'TasksAccounting', true) || r.tasksMax !== undefined || u.type !== 'slice') out.add('pids');
  if (flag(u, 'IPAccounting', false) || written(u, 'IPAddressAllow', 'IPAddressDeny', 'IPIngressFilterPath', 'IPEgressFilterPath')) out.add('bpf-firewall');
  if (written(u, 'BPFProgram')) out.add('bpf-foreign');
  if (written(u, 'SocketBindAllow', 'SocketBindDeny')) out.add('bpf-socket-bind');
  if (written(u, 'RestrictNetworkInterfaces')) out.add('bpf-restrict-network-interfaces');
  return out;
}

/** A mask as systemd prints one: the controllers' names in its order, separated by spaces. */
export function cgroupMaskText(mask: ReadonlySet<CgroupController>): string {
  return CGROUP_CONTROLLERS.filter((c) => mask.has(c)).join(' ');
}
