/**
 * Linux capabilities by number (linux/capability.h), and systemd's capability sets as
 * CapabilityBoundingSet=/AmbientCapabilities= write them (systemd.exec(5) "Capabilities").
 */
export const CAPABILITY_NAMES: readonly string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID', 'CAP_SETUID', 'CAP_SETPCAP',
  'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE', 'CAP_NET_BROADCAST', 'CAP_NET_ADMIN', 'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER',
  'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE', 'CAP_SYS_PACCT', 'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE',
  'CAP_SYS_RESOURCE', 'CAP_SYS_TIME', 'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE', 'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL', 'CAP_SETFCAP',
  'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG', 'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF',
  'CAP_CHECKPOINT_RESTORE',
];

/** Every capability bit (systemd's CAP_MASK_ALL for the bounding set's starting value). */
export const CAP_ALL = (1n << 64n) - 1n;

/** A capability by name (any case) or number; undefined when unknown. */
export function capabilityFromName(name: string): number | undefined {
  if (/^[0-9]+$/.test(name)) return Number(name) < 64 ? Number(name) : undefined;
  const i = CAPABILITY_NAMES.indexOf(name.toUpperCase());
  return i < 0 ? undefined : i;
}

/**
 * One assignment: a whitespace-separated list, "~" first inverts it. Names systemd 252 does not
 * know are skipped silently, as its capability_set_from_string does (checked with systemd-analyze).
 */
export function parseCapabilitySet(text: string): { mask: bigint; invert: boolean } {
  const invert = text.startsWith('~');
  let mask = 0n;
  for (const word of (invert ? text.slice(1) : text).split(/\s+/).filter(Boolean)) {
    const cap = capabilityFromName(word);
    if (cap !== undefined) mask |= 1n << BigInt(cap);
  }
  return { mask, invert };
}

/**
 * Merges an assignment into the value so far, as systemd's config_parse_capability_set: an empty
 * list, "~" alone, or a still-initial value is replaced; otherwise ORed in, or ANDed out with "~".
 */
export function mergeCapabilitySet(current: bigint, initial: bigint, next: { mask: bigint; invert: boolean }): bigint {
  if (next.mask === 0n || current === initial) return next.invert ? ~next.mask & CAP_ALL : next.mask;
  return next.invert ? current & ~next.mask & CAP_ALL : current | next.mask;
}
