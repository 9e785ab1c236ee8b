/**
 * Object paths of org.freedesktop.systemd1, spelled as systemd spells them: a unit's name is one
 * path label, every byte outside [A-Za-z0-9] written as _XX (lower-case hex), the empty name as "_"
 * (sd_bus_path_encode()), so /org/freedesktop/systemd1/unit/dbus_2eservice is dbus.service.
 */
export const MANAGER_PATH = '/org/freedesktop/systemd1';

/**
 * The sender systemd puts on everything it sends its private socket's peers, as if a bus had:
 * systemctl matches is-system-running --wait's StartupFinished on it and drops a signal without
 * it (waiting for ever); dbus-next takes a reply's sender as the name's owner and accepts only
 * signals from that owner. A bus daemon replaces it with svcd's unique name.
 */
export const BUS_NAME = 'org.freedesktop.systemd1';

/** The interfaces of those objects. */
export const MANAGER_IFACE = 'org.freedesktop.systemd1.Manager';
export const UNIT_IFACE = 'org.freedesktop.systemd1.Unit';
export const JOB_IFACE = 'org.freedesktop.systemd1.Job';
export const SERVICE_IFACE = 'org.freedesktop.systemd1.Service';
const UNIT_PREFIX = `${MANAGER_PATH}/unit/`;
const JOB_PREFIX = `${MANAGER_PATH}/job/`;

const isLabelChar = (b: number): boolean => (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);

export function busLabelEscape(s: string): string {
  if (s === '') return '_';
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) out += isLabelChar(b) ? String.fromCharCode(b) : `_${b.toString(16).padStart(2, '0')}`;
  return out;
}

/** The name a label stands for, or undefined when it is no escaping svcd would have made. */
export function busLabelUnescape(label: string): string | undefined {
  if (label === '_') return '';
  const bytes: number[] = [];
  for (let i = 0; i < label.length; i++) {
    const c = label.charCodeAt(i);
    if (c === 0x5f) {
      const hex = label.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return undefined;
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (isLabelChar(c)) bytes.push(c);
    else return undefined;
  }
  return Buffer.from(bytes).toString('utf8');
}

export const unitPath = (id: string): string => UNIT_PREFIX + busLabelEscape(id);
export const jobPath = (id: number): string => JOB_PREFIX + String(id);

export type ObjectRef =
  | { readonly kind: 'root' }
  | { readonly kind: 'manager' }
  /** /org/freedesktop/systemd1/unit and …/job: their children are the units and jobs there are. */
  | { readonly kind: 'units' }
  | { readonly kind: 'jobs' }
  | { readonly kind: 'unit'; readonly name: string }
  | { readonly kind: 'job'; readonly id: number };

/** Which object a path names, or undefined for a path svcd serves nothing at. */
export function parseObjectPath(path: string): ObjectRef | undefined {
  if (path === MANAGER_PATH) return { kind: 'manager' };
  if (path === '/' || path === '/org' || path === '/org/freedesktop') return { kind: 'root' };
  if (`${path}/` === UNIT_PREFIX) return { kind: 'units' };
  if (`${path}/` === JOB_PREFIX) return { kind: 'jobs' };
  if (path.startsWith(UNIT_PREFIX)) {
    const name = busLabelUnescape(path.slice(UNIT_PREFIX.length));
    return name === undefined || name === '' ? undefined : { kind: 'unit', name };
  }
  if (path.startsWith(JOB_PREFIX)) {
    const id = path.slice(JOB_PREFIX.length);
    return /^[1-9][0-9]{0,9}$/.test(id) && Number(id) <= 0xffff_ffff ? { kind: 'job', id: Number(id) } : undefined;
  }
  return undefined;
}
