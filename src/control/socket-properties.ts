/**
 * org.freedesktop.systemd1.Socket: a socket unit's settings in systemd 252's order, with the same
 * names, signatures and defaults, then its Exec*= lines and the cgroup, exec and kill contexts it
 * shares with services. The options svcd keeps without applying them (ReceiveBuffer=, Mark=, …;
 * docs/units.md) are read from the file's lines as kept, so `show` says what the unit asks for.
 */
import type { UnitStatus } from '../engine/api.js';
import { listenText, SOCKET_LISTEN_TYPE } from '../unit/model.js';
import { parseBoolean } from '../unit/values/boolean.js';
import { parseCInteger, parseSignedNumber, parseSize, parseUnsignedNumber } from '../unit/values/numbers.js';
import { kernelHasIPv6 } from '../unit/values/socket-address.js';
import { parseSec } from '../unit/values/timespan.js';
import { cgroupRows, execContextRows, heldIdRows, killContextRows } from './context-rows.js';
import { commands } from './exec-commands.js';
import { loaded, row, usecOf, type Interface, type PropertyRow } from './property-row.js';
import { USEC_INFINITY } from '../shared/timespan.js';
import type { Result } from '../shared/result.js';

const SOCK: Interface = 'org.freedesktop.systemd1.Socket';
const UINT_MAX = 0xffff_ffff;
type Sock = Extract<UnitStatus['model'], { type: 'socket' }>['socket'];
const sock = (st: UnitStatus): Sock => (st.model as Extract<UnitStatus['model'], { type: 'socket' }>).socket;

/** A parser's value, or undefined where the line was refused (systemd warned and kept the previous value). */
const value = <T>(r: Result<T, string>): T | undefined => (r.ok ? r.value : undefined);
const bool = (v: string) => value(parseBoolean(v));
const int = (v: string) => value(parseSignedNumber(v));
const unsigned = (v: string) => value(parseUnsignedNumber(v));
const long = (v: string) => value(parseCInteger(v, { signed: true, bits: 64 }));
const size = (v: string) => value(parseSize(v, 1024));
const span = (v: string) => value(parseSec(v));
const text = (v: string) => v;
/** BindToDevice=: "*" or empty binds to none. */
const deviceName = (v: string) => (v === '*' ? '' : v);

/** IPTOS=: ip_tos's names (IPTOS_LOWDELAY, …) or a number up to 255. */
const IP_TOS: Readonly<Record<string, number>> = { 'low-delay': 0x10, throughput: 0x08, reliability: 0x04, 'low-cost': 0x02 };
function ipTos(v: string): number | undefined {
  const n = IP_TOS[v] ?? int(v);
  return n !== undefined && n >= 0 && n <= 0xff ? n : undefined;
}

/** SocketProtocol=: the IPPROTO_ number systemd keeps (0: the socket type's default). */
export const SOCKET_PROTOCOLS: Readonly<Record<string, number>> = { udplite: 136, sctp: 132 };
const protocol = (v: string): number | undefined => SOCKET_PROTOCOLS[v];

/** Timestamping=: off, us or ns; the spellings systemd also takes (usec, µs, nsec, a boolean: yes is ns). */
function timestamping(v: string): string | undefined {
  if (v === 'off' || v === 'us' || v === 'ns') return v;
  if (v === 'usec' || v === 'µs') return 'us';
  if (v === 'nsec') return 'ns';
  const b = bool(v);
  return b === undefined ? undefined : b ? 'ns' : 'off';
}

/** A [Socket] option svcd keeps unapplied: the last of its lines that parses, else systemd's default. */
function keptSetting<T>(st: UnitStatus, key: string, parse: (v: string) => T | undefined, fallback: T): T {
  let v = fallback;
  for (const i of st.model.ignored) if (i.section === 'Socket' && i.key === key) v = parse(i.value) ?? v;
  return v;
}

const SOCKET_EXEC_KEYS = ['ExecStartPre', 'ExecStartPost', 'ExecStopPre', 'ExecStopPost'] as const;

/** org.freedesktop.systemd1.Socket (socket units only). */
export const SOCKET_PROPERTIES: readonly PropertyRow<UnitStatus>[] = [
  row(SOCK, 'BindIPv6Only', 's', (st) => sock(st).bindIPv6Only),
  row(SOCK, 'Backlog', 'u', (st) => sock(st).backlog),
  row(SOCK, 'TimeoutUSec', 't', (st) => sock(st).timeoutUSec ?? usecOf(st.defaults.timeoutStartMs)),
  row(SOCK, 'BindToDevice', 's', (st) => keptSetting(st, 'BindToDevice', deviceName, '')),
  row(SOCK, 'SocketUser', 's', (st) => sock(st).socketUser ?? ''),
  row(SOCK, 'SocketGroup', 's', (st) => sock(st).socketGroup ?? ''),
  row(SOCK, 'SocketMode', 'u', (st) => sock(st).socketMode),
  row(SOCK, 'DirectoryMode', 'u', (st) => sock(st).directoryMode),
  row(SOCK, 'Accept', 'b', (st) => sock(st).accept),
  row(SOCK, 'FlushPending', 'b', (st) => keptSetting(st, 'FlushPending', bool, false)),
  row(SOCK, 'Writable', 'b', (st) => keptSetting(st, 'Writable', bool, false)),
  row(SOCK, 'KeepAlive', 'b', (st) => sock(st).keepAlive),
  row(SOCK, 'KeepAliveTimeUSec', 't', (st) => keptSetting(st, 'KeepAliveTimeSec', span, 0n)),
  row(SOCK, 'KeepAliveIntervalUSec', 't', (st) => keptSetting(st, 'KeepAliveIntervalSec', span, 0n)),
  row(SOCK, 'KeepAliveProbes', 'u', (st) => keptSetting(st, 'KeepAliveProbes', unsigned, 0)),
  row(SOCK, 'DeferAcceptUSec', 't', (st) => keptSetting(st, 'DeferAcceptSec', span, 0n)),
  row(SOCK, 'NoDelay', 'b', (st) => sock(st).noDelay),
  row(SOCK, 'Priority', 'i', (st) => keptSetting(st, 'Priority', int, -1)),
  row(SOCK, 'ReceiveBuffer', 't', (st) => keptSetting(st, 'ReceiveBuffer', size, 0n)),
  row(SOCK, 'SendBuffer', 't', (st) => keptSetting(st, 'SendBuffer', size, 0n)),
  row(SOCK, 'IPTOS', 'i', (st) => keptSetting(st, 'IPTOS', ipTos, -1)),
  row(SOCK, 'IPTTL', 'i', (st) => keptSetting(st, 'IPTTL', int, -1)),
  row(SOCK, 'PipeSize', 't', (st) => keptSetting(st, 'PipeSize', size, 0n)),
  row(SOCK, 'FreeBind', 'b', (st) => sock(st).freeBind),
  row(SOCK, 'Transparent', 'b', (st) => keptSetting(st, 'Transparent', bool, false)),
  row(SOCK, 'Broadcast', 'b', (st) => keptSetting(st, 'Broadcast', bool, false)),
  row(SOCK, 'PassCredentials', 'b', (st) => sock(st).passCredentials),
  row(SOCK, 'PassSecurity', 'b', (st) => sock(st).passSecurity),
  row(SOCK, 'PassPacketInfo', 'b', (st) => keptSetting(st, 'PassPacketInfo', bool, false)),
  row(SOCK, 'Timestamping', 's', (st) => keptSetting(st, 'Timestamping', timestamping, 'off')),
  row(SOCK, 'RemoveOnStop', 'b', (st) => sock(st).removeOnStop),
  row(SOCK, 'Listen', 'a(ss)', (st) => {
    const ipv6 = kernelHasIPv6();
    return sock(st).listen.map((l) => [SOCKET_LISTEN_TYPE[l.value.kind], listenText(l.value, ipv6)] as const);
  }),
  row(SOCK, 'Symlinks', 'as', (st) => sock(st).symlinks),
  row(SOCK, 'Mark', 'i', (st) => keptSetting(st, 'Mark', int, -1)),
  row(SOCK, 'MaxConnections', 'u', (st) => sock(st).maxConnections),
  row(SOCK, 'MaxConnectionsPerSource', 'u', (st) => sock(st).maxConnectionsPerSource),
  row(SOCK, 'MessageQueueMaxMessages', 'x', (st) => keptSetting(st, 'MessageQueueMaxMessages', long, 0n)),
  row(SOCK, 'MessageQueueMessageSize', 'x', (st) => keptSetting(st, 'MessageQueueMessageSize', long, 0n)),
  row(SOCK, 'TCPCongestion', 's', (st) => keptSetting(st, 'TCPCongestion', text, '')),
  row(SOCK, 'ReusePort', 'b', (st) => sock(st).reusePort),
  row(SOCK, 'SmackLabel', 's', (st) => keptSetting(st, 'SmackLabel', text, '')),
  row(SOCK, 'SmackLabelIPIn', 's', (st) => keptSetting(st, 'SmackLabelIPIn', text, '')),
  row(SOCK, 'SmackLabelIPOut', 's', (st) => keptSetting(st, 'SmackLabelIPOut', text, '')),
  row(SOCK, 'ControlPID', 'u', (st) => st.controlPid),
  row(SOCK, 'Result', 's', (st) => st.result),
  row(SOCK, 'NConnections', 'u', (st) => st.socket?.nConnections ?? 0),
  row(SOCK, 'NAccepted', 'u', (st) => st.socket?.nAccepted ?? 0),
  row(SOCK, 'NRefused', 'u', (st) => st.socket?.nRefused ?? 0),
  row(SOCK, 'FileDescriptorName', 's', (st) => sock(st).fileDescriptorName ?? st.id),
  row(SOCK, 'SocketProtocol', 'i', (st) => keptSetting(st, 'SocketProtocol', protocol, 0)),
  // Unset until the unit loads (infinity, UINT_MAX): the defaults are filled in at load, as systemd's.
  row(SOCK, 'TriggerLimitIntervalUSec', 't', (st) => sock(st).triggerLimitIntervalUSec ?? (loaded(st) ? 2_000_000n : USEC_INFINITY)),
  row(SOCK, 'TriggerLimitBurst', 'u', (st) => sock(st).triggerLimitBurst ?? (!loaded(st) ? UINT_MAX : sock(st).accept ? 200 : 20)),
  ...heldIdRows(SOCK),
  // No …Ex= forms: systemd 252 has them for services only.
  ...SOCKET_EXEC_KEYS.map((k) => row(SOCK, k, 'a(sasbttttuii)', (st: UnitStatus) => commands(st, k))),
  ...cgroupRows(SOCK),
  ...execContextRows(SOCK),
  ...killContextRows(SOCK),
];
