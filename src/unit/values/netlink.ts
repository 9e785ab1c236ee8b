/**
 * ListenNetlink= values (systemd.socket(5)): "FAMILY [GROUP]", the family a name of the kernel's
 * netlink protocols or its number, the multicast group a 32-bit mask (0 when left out). Parsed and
 * written back as systemd's socket_address_parse_netlink()/socket_address_print() do: "route 1",
 * a known number by its name ("9 3" → "audit 3").
 */
import { EINVAL } from '../../shared/c-integer.js';
import { err, ok, type Result } from '../../shared/result.js';
import { parseUnsignedNumber } from './numbers.js';

/** The netlink protocols systemd names (linux/netlink.h's NETLINK_*), by number. */
const NETLINK_FAMILIES: Readonly<Record<number, string>> = {
  0: 'route', 3: 'firewall', 4: 'inet-diag', 5: 'nflog', 6: 'xfrm', 7: 'selinux', 8: 'iscsi', 9: 'audit',
  10: 'fib-lookup', 11: 'connector', 12: 'netfilter', 13: 'ip6-fw', 14: 'dnrtmsg', 15: 'kobject-uevent',
  16: 'generic', 18: 'scsitransport', 19: 'ecryptfs', 20: 'rdma',
};
const BY_NAME = new Map(Object.entries(NETLINK_FAMILIES).map(([n, name]) => [name, Number(n)]));

export interface NetlinkAddress {
  /** The protocol socket(AF_NETLINK, SOCK_RAW, protocol) takes. */
  readonly protocol: number;
  /** bind()'s nl_groups. */
  readonly group: number;
}

export function parseNetlinkAddress(text: string): Result<NetlinkAddress, string> {
  const [word = '', ...rest] = text.trim().split(/\s+/);
  const protocol = BY_NAME.get(word) ?? (/^[0-9]+$/.test(word) && Number(word) <= 0x7fffffff ? Number(word) : undefined);
  if (protocol === undefined) return err(EINVAL);
  if (rest.length === 0) return ok({ protocol, group: 0 });
  const group = parseUnsignedNumber(rest.join(' '));
  return group.ok ? ok({ protocol, group: group.value }) : group;
}

export function formatNetlinkAddress(a: NetlinkAddress): string {
  return `${NETLINK_FAMILIES[a.protocol] ?? a.protocol} ${a.group}`;
}
