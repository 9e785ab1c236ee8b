/**
 * The directive table's [Socket] rows (systemd.socket(5)) and the [Service] Sockets= row: what the
 * socket kind binds and hands over. Addresses are parsed here (values/socket-address.ts), so a bad
 * one is a file:line warning at load time and the rest of the unit loads, as systemd does.
 */
import { rejectValue, scalar, custom, QUOTED, NAME_BARE, resolveSpecifiers, printf, serviceUnitName, isValidUnitName, RowList, type DirectiveRow } from './behaviour.js';
import { parseBoolean, parseMode, parseSec, parseStringList, parseUnsignedNumber, pathIsAbsolute } from '../values/index.js';
import { parseSocketAddress } from '../values/socket-address.js';
import { parseNetlinkAddress } from '../values/netlink.js';
import { execLines, userOrGroup } from './exec-rows.js';
import { SOCKET_LISTEN_KEYS, type BindIPv6Only } from '../model.js';
import { SOMAXCONN_DELUXE, type Draft } from './draft.js';

const table = new RowList();
const { supported } = table;

/** The Listen…= kinds whose value is a socket address; the others name a file system path. */
export const ADDRESS_KINDS: ReadonlySet<string> = new Set(['ListenStream', 'ListenDatagram', 'ListenSequentialPacket']);

for (const key of SOCKET_LISTEN_KEYS) {
  if (key === 'ListenUSBFunction') continue;
  const isAddress = ADDRESS_KINDS.has(key);
  const form = isAddress ? 'parseSocketAddress; specifiers' : key === 'ListenNetlink' ? 'FAMILY [GROUP]; specifiers' : 'absolute path; specifiers';
  supported('Socket', key, custom(form, 'append', 'clears', (value, ctx) => {
    if (value === '') return void ctx.draft.socket.listen.splice(0);
    const address = resolveSpecifiers(ctx, value, QUOTED);
    if (address === undefined) return;
    if (key === 'ListenNetlink') {
      const r = parseNetlinkAddress(address);
      if (!r.ok) return ctx.report('warning', `Failed to parse address value in '${address}', ignoring: ${r.error}`);
      return void ctx.draft.socket.listen.push({ value: { kind: key, address, netlink: r.value }, loc: ctx.loc });
    }
    if (!isAddress) {
      if (!pathIsAbsolute(address)) return rejectValue(ctx, address);
      return void ctx.draft.socket.listen.push({ value: { kind: key, address }, loc: ctx.loc });
    }
    const r = parseSocketAddress(address);
    if (!r.ok) return ctx.report('warning', `Failed to parse address value in '${address}', ignoring: ${r.error}`);
    ctx.draft.socket.listen.push({ value: { kind: key, address, socket: r.value }, loc: ctx.loc });
  }));
}
for (const key of ['ExecStartPre', 'ExecStartPost', 'ExecStopPre', 'ExecStopPost'] as const) {
  const field = `e${key.slice(1)}` as 'execStartPre';
  supported('Socket', key, execLines((d) => d.socket[field]));
}
supported('Socket', 'Accept', scalar(parseBoolean, (d, v) => (d.socket.accept = v ?? false)));
supported('Socket', 'Service', printf(NAME_BARE, scalar(serviceUnitName, (d, v) => (d.socket.service = v), false)));
supported('Socket', 'SocketUser', userOrGroup('user', (d, v) => void (d.socket.socketUser = v)));
supported('Socket', 'SocketGroup', userOrGroup('group', (d, v) => void (d.socket.socketGroup = v)));
supported('Socket', 'SocketMode', scalar(parseMode, (d, v) => (d.socket.socketMode = v ?? 0o666), false));
supported('Socket', 'DirectoryMode', scalar(parseMode, (d, v) => (d.socket.directoryMode = v ?? 0o755), false));
supported('Socket', 'Backlog', scalar(parseUnsignedNumber, (d, v) => (d.socket.backlog = v ?? SOMAXCONN_DELUXE), false));
supported('Socket', 'MaxConnections', scalar(parseUnsignedNumber, (d, v) => (d.socket.maxConnections = v ?? 64), false));
supported('Socket', 'MaxConnectionsPerSource', scalar(parseUnsignedNumber, (d, v) => (d.socket.maxConnectionsPerSource = v ?? 0), false));
supported('Socket', 'TriggerLimitIntervalSec', scalar(parseSec, (d, v) => (d.socket.triggerLimitIntervalUSec = v)));
supported('Socket', 'TriggerLimitBurst', scalar(parseUnsignedNumber, (d, v) => (d.socket.triggerLimitBurst = v), false));
supported('Socket', 'TimeoutSec', scalar(parseSec, (d, v) => (d.socket.timeoutUSec = v)));

// BindIPv6Only= takes its own words or a boolean (yes: ipv6-only, no: both).
const BIND_WORDS: readonly BindIPv6Only[] = ['default', 'both', 'ipv6-only'];
supported('Socket', 'BindIPv6Only', custom('default/both/ipv6-only or boolean', 'set', 'invalid', (value, ctx) => {
  const b = parseBoolean(value);
  if ((BIND_WORDS as readonly string[]).includes(value)) ctx.draft.socket.bindIPv6Only = value as BindIPv6Only;
  else if (b.ok) ctx.draft.socket.bindIPv6Only = b.value ? 'ipv6-only' : 'both';
  else rejectValue(ctx, value);
}));

const flag = (key: string, set: (d: Draft, v: boolean) => void) =>
  supported('Socket', key, scalar(parseBoolean, (d, v) => set(d, v ?? false)));
flag('ReusePort', (d, v) => (d.socket.reusePort = v));
flag('FreeBind', (d, v) => (d.socket.freeBind = v));
flag('KeepAlive', (d, v) => (d.socket.keepAlive = v));
flag('NoDelay', (d, v) => (d.socket.noDelay = v));
flag('PassCredentials', (d, v) => (d.socket.passCredentials = v));
flag('PassSecurity', (d, v) => (d.socket.passSecurity = v));
flag('RemoveOnStop', (d, v) => (d.socket.removeOnStop = v));

supported('Socket', 'Symlinks', custom('absolute paths; specifiers', 'append', 'clears', (value, ctx) => {
  if (value === '') return void ctx.draft.socket.symlinks.splice(0);
  const r = parseStringList(value);
  if (!r.ok || r.value === null) return rejectValue(ctx, value);
  for (const word of r.value) {
    const path = resolveSpecifiers(ctx, word, QUOTED);
    if (path === undefined) continue;
    if (!pathIsAbsolute(path)) rejectValue(ctx, value, path);
    else ctx.draft.socket.symlinks.push(path);
  }
}));

/** sd_listen_fds(3)'s names: printable ASCII without ':', at most 255 bytes. */
export const fdNameIsValid = (n: string): boolean => n.length > 0 && n.length <= 255 && /^[\x20-\x7e]*$/.test(n) && !n.includes(':');
supported('Socket', 'FileDescriptorName', custom('file descriptor name; specifiers', 'set', 'resets', (value, ctx) => {
  if (value === '') return void (ctx.draft.socket.fileDescriptorName = undefined);
  const name = resolveSpecifiers(ctx, value, QUOTED);
  if (name === undefined) return;
  if (!fdNameIsValid(name)) return ctx.report('warning', `Invalid file descriptor name, ignoring: ${name}`);
  ctx.draft.socket.fileDescriptorName = name;
}));

// [Service] Sockets=: socket units only, each also a Wants=/After= (graph.ts).
supported('Service', 'Sockets', custom('socket unit names; specifiers', 'append', 'clears', (value, ctx) => {
  if (value === '') return void ctx.draft.service.sockets.splice(0);
  const r = parseStringList(value);
  if (!r.ok || r.value === null) return rejectValue(ctx, value);
  for (const word of r.value) {
    const name = resolveSpecifiers(ctx, word, NAME_BARE);
    if (name === undefined) continue;
    if (!isValidUnitName(name) || !name.endsWith('.socket')) rejectValue(ctx, value, name);
    else if (!ctx.draft.service.sockets.includes(name)) ctx.draft.service.sockets.push(name);
  }
}));

export const SOCKET_ROWS: readonly DirectiveRow[] = table.rows;
