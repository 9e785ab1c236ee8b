/**
 * Socket addresses as systemd.socket(5) writes them in ListenStream=, ListenDatagram= and
 * ListenSequentialPacket=: a port alone, IPV4:PORT, [IPV6]:PORT, an absolute unix path, an
 * "@abstract" name, or vsock:CID:PORT. Errors are errno words (Invalid argument, Numerical result
 * out of range, File name too long), as systemd's warnings end in strerror() of them.
 *
 * A port alone is "the any address": IPv6's [::] where the kernel has IPv6 (dual-stack unless
 * BindIPv6Only=ipv6-only), IPv4's 0.0.0.0 otherwise; the choice is made where the socket is bound.
 */
import { existsSync } from 'node:fs';
import { isIPv4, isIPv6 } from 'node:net';
import { type Result, ok, err } from '../../shared/result.js';
import { EINVAL, parseCInteger } from '../../shared/c-integer.js';

export type SocketAddress =
  | { readonly family: 'any'; readonly port: number }
  | { readonly family: 'inet'; readonly host: string; readonly port: number }
  | { readonly family: 'inet6'; readonly host: string; readonly port: number }
  /** path: absolute, or "@name" for the abstract namespace. */
  | { readonly family: 'unix'; readonly path: string }
  /** cid undefined: VMADDR_CID_ANY ("vsock::PORT"). */
  | { readonly family: 'vsock'; readonly cid?: number; readonly port: number };

/** sizeof(struct sockaddr_un.sun_path): a path needs its NUL too, an abstract name does not. */
const SUN_PATH = 108;
const ENAMETOOLONG = 'File name too long';

/** An IP port as systemd's parse_ip_port() reads it: C's base-0 integer, 1…65535. */
function port(text: string): Result<number, string> {
  const r = parseCInteger(text, { signed: false, bits: 16 });
  if (!r.ok) return r;
  return r.value === 0n ? err(EINVAL) : ok(Number(r.value));
}

function u32(text: string): Result<number, string> {
  const r = parseCInteger(text, { signed: false, bits: 32 });
  return r.ok ? ok(Number(r.value)) : r;
}

export function parseSocketAddress(text: string): Result<SocketAddress, string> {
  if (text.startsWith('/')) {
    if (Buffer.byteLength(text) >= SUN_PATH) return err(ENAMETOOLONG);
    if (/^\/+$/.test(text)) return err(EINVAL);
    return ok({ family: 'unix', path: text });
  }
  if (text.startsWith('@')) {
    if (text.length === 1) return err(EINVAL);
    if (Buffer.byteLength(text) > SUN_PATH) return err(ENAMETOOLONG);
    return ok({ family: 'unix', path: text });
  }
  if (text.startsWith('vsock:')) {
    const rest = text.slice('vsock:'.length);
    const colon = rest.indexOf(':');
    if (colon < 0) return err(EINVAL);
    const p = u32(rest.slice(colon + 1));
    if (!p.ok) return p;
    if (colon === 0) return ok({ family: 'vsock', port: p.value });
    const cid = u32(rest.slice(0, colon));
    return cid.ok ? ok({ family: 'vsock', cid: cid.value, port: p.value }) : cid;
  }
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0 || text[close + 1] !== ':') return err(EINVAL);
    const host = text.slice(1, close);
    if (!isIPv6(host) || host.includes('%')) return err(EINVAL);
    const p = port(text.slice(close + 2));
    return p.ok ? ok({ family: 'inet6', host, port: p.value }) : p;
  }
  const colon = text.lastIndexOf(':');
  if (colon < 0) {
    const p = port(text);
    return p.ok ? ok({ family: 'any', port: p.value }) : p;
  }
  const host = text.slice(0, colon);
  if (!isIPv4(host)) return err(EINVAL);
  const p = port(text.slice(colon + 1));
  return p.ok ? ok({ family: 'inet', host, port: p.value }) : p;
}

/**
 * An address as systemd prints it (Listen= in `show`, LISTEN in list-sockets): a port alone on
 * the any address shows as [::]:PORT where IPv6 is there, else 0.0.0.0:PORT.
 */
export function formatSocketAddress(a: SocketAddress, ipv6 = true): string {
  switch (a.family) {
    case 'any':
      return ipv6 ? `[::]:${a.port}` : `0.0.0.0:${a.port}`;
    case 'inet':
      return `${a.host}:${a.port}`;
    case 'inet6':
      return `[${a.host}]:${a.port}`;
    case 'unix':
      return a.path;
    case 'vsock':
      return `vsock:${a.cid ?? 4294967295}:${a.port}`;
  }
}

/** Whether the kernel has IPv6 (a port alone then means [::], dual-stack): systemd's socket_ipv6_is_supported(). */
export function kernelHasIPv6(): boolean {
  return existsSync('/proc/net/if_inet6');
}
