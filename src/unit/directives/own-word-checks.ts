/**
 * Kept keys whose systemd 252 parser refuses a value in its own words rather than the generic
 * "Invalid value for KEY=": what is wrong with a value, as the message systemd logs (undefined: the
 * value is taken). svcd applies none of these settings (fallback-rows.ts keeps them), but a typo is
 * still reported as `systemd-analyze verify` reports it; the rules were read off it, value by value
 * (scripts/verify-directive-mutations.mjs). Empty values reset and never come here.
 */
import { parseCInteger } from '../../shared/c-integer.js';
import { parseStringList, pathIsAbsolute, pathIsNormalized, pathSimplify } from '../values/index.js';

/** Absolute, or made so by a specifier (%t/x): systemd resolves those first. */
const absoluteOrSpecifier = (w: string): boolean => w.startsWith('/') || w.startsWith('%');

/** unbase64mem(): whitespace is skipped, the rest is padded base64 (groups of four). */
export function isPaddedBase64(text: string): boolean {
  const compact = text.replace(/\s+/g, '');
  return compact.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(compact);
}

/** parse_ip_port(): 1…65535, read as safe_atou16() reads (0x, leading-0 octal). */
function ipPort(t: string): number | undefined {
  const r = parseCInteger(t, { signed: false, bits: 16 });
  return r.ok && r.value >= 1n ? Number(r.value) : undefined;
}
/**
 * SocketBindAllow=/SocketBindDeny=: [ipv4|ipv6:][tcp|udp:](any|PORT|PORT-PORT), where a family or
 * protocol alone stands for every port; the protocol's name is matched case-insensitively, the
 * family's is not.
 */
function socketBindItem(value: string): boolean {
  const parts = value.split(':');
  let i = 0;
  if (parts[i] === 'ipv4' || parts[i] === 'ipv6') i++;
  if (i < parts.length && /^(tcp|udp)$/i.test(parts[i]!)) i++;
  if (i === parts.length) return i > 0;
  if (i !== parts.length - 1) return false;
  const ports = parts[i]!;
  if (ports === 'any') return true;
  const [lo = '', hi, ...more] = ports.split('-');
  if (more.length > 0) return false;
  const min = ipPort(lo);
  const max = hi === undefined ? min : ipPort(hi);
  return min !== undefined && max !== undefined && min <= max;
}

/** bpf_cgroup_attach_type's names. */
const BPF_ATTACH_TYPES = new Set([
  'ingress', 'egress', 'sock_create', 'sock_ops', 'device', 'bind4', 'bind6', 'connect4', 'connect6', 'post_bind4', 'post_bind6',
  'sendmsg4', 'sendmsg6', 'sysctl', 'recvmsg4', 'recvmsg6', 'getsockopt', 'setsockopt',
]);
/** BPFProgram=TYPE:PATH, the path absolute and normalized. */
function bpfProgramProblem(value: string): string | undefined {
  const colon = value.indexOf(':');
  const type = colon < 0 ? '' : value.slice(0, colon);
  const path = colon < 0 ? '' : value.slice(colon + 1);
  if (type === '' || path === '') return `Invalid syntax in BPFProgram=, ignoring: ${value}`;
  if (!BPF_ATTACH_TYPES.has(type)) return `Unknown BPF attach type=${type}, ignoring: ${value}`;
  return pathProblem('BPFProgram', path);
}

/** The cgroup controllers (cgroup_controller_table), the BPF-based pseudo-controllers too. */
const CGROUP_CONTROLLERS = new Set([
  'cpu', 'cpuacct', 'cpuset', 'io', 'blkio', 'memory', 'devices', 'pids',
  'bpf-firewall', 'bpf-devices', 'bpf-foreign', 'bpf-socket-bind', 'bpf-restrict-network-interfaces',
]);

/** The filesystem groups RestrictFileSystems= takes (systemd-analyze filesystems); plain names are not checked. */
const FILESYSTEM_GROUPS = new Set([
  '@basic-api', '@auxiliary-api', '@common-block', '@historical-block', '@network', '@privileged-api', '@security',
  '@temporary', '@application', '@anonymous', '@known',
]);

/** RootHash=: an absolute path, or the hash in hex, at least 16 bytes of it. */
function rootHashProblem(value: string): string | undefined {
  if (pathIsAbsolute(value)) return undefined;
  if (!/^([0-9a-fA-F]{2})+$/.test(value)) return `Failed to decode RootHash=, ignoring: ${value}`;
  return value.length < 32 ? `RootHash= is too short, ignoring: ${value}` : undefined;
}
/** RootHashSignature=: an absolute path, or "base64:" and the signature. */
function rootHashSignatureProblem(value: string): string | undefined {
  if (pathIsAbsolute(value)) return undefined;
  if (!value.startsWith('base64:')) return `Failed to decode RootHashSignature=, not a path but doesn't start with 'base64:', ignoring: ${value}`;
  return isPaddedBase64(value.slice('base64:'.length)) ? undefined : `Failed to decode RootHashSignature=, ignoring: ${value}`;
}

/** credential_name_valid(): a file name (not "." or "..", no "/") of printable ASCII, at most 255 bytes. */
const credentialNameValid = (name: string): boolean => /^[\x20-\x7e]{1,255}$/.test(name) && name !== '.' && name !== '..' && !name.includes('/');
/** The ID before the first colon (LoadCredential=ID alone names the credential too). */
function credentialNameProblem(value: string): string | undefined {
  const colon = value.indexOf(':');
  const name = colon < 0 ? value : value.slice(0, colon);
  return credentialNameValid(name) ? undefined : `Credential name "${name}" not valid, ignoring.`;
}
// SetCredential=ID:DATA without the data is refused first, in the generic words (fallback-checks.ts).
const setCredentialProblem = (value: string): string | undefined => (/^[^:]*:./s.test(value) ? credentialNameProblem(value) : undefined);

/** path_simplify_and_warn(): what is wrong with one path of KEY (specifiers count as absolute: systemd resolves them first). */
function pathProblem(key: string, path: string): string | undefined {
  if (!absoluteOrSpecifier(path)) return `${key}= path is not absolute, ignoring: ${path}`;
  return pathIsNormalized(pathSimplify(path)) ? undefined : `${key}= path is not normalized, ignoring: ${path}`;
}
/**
 * MountImages=[-]SOURCE:DEST[:OPTIONS] …: a word without its source or destination ends the line
 * (named whole); a bad path only drops its own image. Partition options are not checked here.
 */
function mountImagesProblems(value: string): string[] {
  const words = parseStringList(value);
  if (!words.ok || !words.value) return [];
  const problems: string[] = [];
  for (const word of words.value) {
    const [source = '', dest = ''] = word.split(':');
    const missing = `Missing destination in MountImages, ignoring: ${value}`;
    // A bare ':' reads as no more words at all (systemd says nothing); an empty source, as a missing destination.
    if (source === '' && dest === '') return problems;
    if (source === '') return [...problems, missing];
    // The source is checked before the destination is looked for.
    const problem = pathProblem('MountImages', source.replace(/^-/, '')) ?? (dest === '' ? missing : pathProblem('MountImages', dest));
    if (problem === missing) return [...problems, missing];
    if (problem !== undefined) problems.push(problem);
  }
  return problems;
}

const PROBLEMS: Record<string, (value: string) => string | readonly string[] | undefined> = {
  SocketBindAllow: (v) => (socketBindItem(v) ? undefined : `Unable to parse SocketBindAllow= assignment, ignoring: ${v}`),
  SocketBindDeny: (v) => (socketBindItem(v) ? undefined : `Unable to parse SocketBindDeny= assignment, ignoring: ${v}`),
  BPFProgram: bpfProgramProblem,
  // Unknown controller names are skipped; a value naming none of them disables nothing and is refused.
  DisableControllers: (v) => (v.split(/\s+/).some((w) => CGROUP_CONTROLLERS.has(w)) ? undefined : `Invalid cgroup string: ${v}, ignoring`),
  // Each unknown group is named, the rest of the list is still taken.
  RestrictFileSystems: (v) => v.split(/\s+/).map((w) => w.replace(/^~/, '')).filter((w) => w.startsWith('@') && !FILESYSTEM_GROUPS.has(w))
    .map((group) => `bpf-lsm: Unknown filesystem group, ignoring: ${group}`),
  RootHash: rootHashProblem,
  RootHashSignature: rootHashSignatureProblem,
  LoadCredential: credentialNameProblem, LoadCredentialEncrypted: credentialNameProblem,
  SetCredential: setCredentialProblem, SetCredentialEncrypted: setCredentialProblem,
  MountImages: mountImagesProblems,
};

/** What systemd says about KEY=VALUE in the key's own words, one message a line; none when it takes the value (or has no such words). */
export function ownWordsProblems(key: string, value: string): readonly string[] {
  const p = PROBLEMS[key]?.(value);
  return p === undefined ? [] : typeof p === 'string' ? [p] : p;
}
