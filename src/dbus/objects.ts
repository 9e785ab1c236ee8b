/**
 * The object tree of org.freedesktop.systemd1 and the dispatch of a call to it: which object the
 * path names, which interfaces it has (the type's, Unit, and the three standard ones), who may
 * call what, and the property values — every one read from control/property-table.ts, the table
 * `svcctl show` prints, so the two cannot disagree.
 */
import { readFileSync } from 'node:fs';
import type { JobInfo, ManagerApi, ManagerStatus, UnitStatus } from '../engine/api.js';
import { MANAGER_PROPERTIES, unitRows, type PropertyRow } from '../control/property-table.js';
import type { Caller, Dispatch, Reply } from './connection.js';
import { BusError, DBUS_ERROR } from './errors.js';
import { introspectXml, type IntrospectedInterface } from './introspect.js';
import { MANAGER_METHODS, checkedName } from './manager-methods.js';
import { unitObjectRefusal } from '../unit/name.js';
import type { CallContext, Method } from './method.js';
import { BUS_NAME, busLabelEscape, JOB_IFACE, MANAGER_IFACE, parseObjectPath, SERVICE_IFACE, UNIT_IFACE, unitPath } from './paths.js';
import { INTROSPECTABLE_IFACE, PEER_IFACE, PROPERTIES_IFACE, STANDARD_INTERFACES } from './standard-interfaces.js';
import { jobMethods, serviceMethods, unitMethods } from './unit-methods.js';
import { variant, type Variant } from './values.js';
import type { BusMessage } from './wire.js';


export const MANAGER_SIGNALS = [
  { name: 'UnitNew', sig: 'so' }, { name: 'UnitRemoved', sig: 'so' }, { name: 'JobNew', sig: 'uos' }, { name: 'JobRemoved', sig: 'uoss' },
  { name: 'StartupFinished', sig: 'tttttt' }, { name: 'UnitFilesChanged', sig: '' }, { name: 'Reloading', sig: 'b' },
];

/** A property as an object serves it: its interface, name, signature and value now. */
interface Prop {
  readonly iface: string;
  readonly name: string;
  readonly sig: string;
  read(): Variant | undefined;
}

/** One object as a call finds it. */
interface BusObject {
  readonly interfaces: readonly IntrospectedInterface[];
  readonly props: readonly Prop[];
  readonly children: readonly string[];
}

const propsOf = <S>(rows: readonly PropertyRow<S>[], s: () => S): Prop[] => {
  let snap: S | undefined;
  // One snapshot per call, taken when the first property is read.
  const get = () => (snap ??= s());
  return rows.map((r) => ({ iface: r.iface, name: r.name, sig: r.sig, read: () => {
    const v = r.read(get());
    return v === undefined ? undefined : variant(v);
  } }));
};

/** The type's interface name: org.freedesktop.systemd1.Service and its siblings. */
const typeInterface = (id: string): string => {
  const t = id.slice(id.lastIndexOf('.') + 1);
  return `org.freedesktop.systemd1.${t.charAt(0).toUpperCase()}${t.slice(1)}`;
};

function interfaceOf(name: string, methods: readonly Method[], props: readonly Prop[], signals: IntrospectedInterface['signals'] = []): IntrospectedInterface {
  return { name, methods, signals, properties: props.filter((p) => p.iface === name).map((p) => ({ name: p.name, sig: p.sig })) };
}

function managerObject(api: ManagerApi): BusObject {
  const props = propsOf<ManagerStatus>(MANAGER_PROPERTIES, () => api.status());
  return { interfaces: [...STANDARD_INTERFACES, interfaceOf(MANAGER_IFACE, MANAGER_METHODS, props, MANAGER_SIGNALS)], props, children: ['unit', 'job'] };
}

function unitObject(api: ManagerApi, name: string): BusObject {
  const st: UnitStatus = api.unit(checkedName(name, unitObjectRefusal));
  const props = propsOf<UnitStatus>(unitRows(st), () => st);
  const type = typeInterface(st.id);
  const typeMethods = type === SERVICE_IFACE ? serviceMethods(st.id) : [];
  return { interfaces: [...STANDARD_INTERFACES, interfaceOf(type, typeMethods, props), interfaceOf(UNIT_IFACE, unitMethods(st.id), props)], props, children: [] };
}

function jobObject(api: ManagerApi, id: number): BusObject {
  const job = api.jobs().find((j) => j.id === id);
  if (!job) throw new BusError('org.freedesktop.systemd1.NoSuchJob', `Job ${id} does not exist.`);
  const prop = (name: string, sig: string, v: (j: JobInfo) => unknown): Prop => ({ iface: JOB_IFACE, name, sig, read: () => [sig, v(job)] });
  const props = [
    prop('Id', 'u', (j) => j.id), prop('Unit', '(so)', (j) => [j.unit, unitPath(j.unit)]),
    prop('JobType', 's', (j) => j.type), prop('State', 's', (j) => j.state),
  ];
  return { interfaces: [...STANDARD_INTERFACES, interfaceOf(JOB_IFACE, jobMethods(id), props)], props, children: [] };
}

/** /, /org and /org/freedesktop: only there to be walked down (busctl tree). */
function rootObject(path: string): BusObject {
  const next = path === '/' ? 'org' : path === '/org' ? 'freedesktop' : 'systemd1';
  return { interfaces: STANDARD_INTERFACES, props: [], children: [next] };
}

/** The unit and job directories (busctl tree walks them): children only, as systemd's enumerators. */
function directoryObject(api: ManagerApi, kind: 'units' | 'jobs'): BusObject {
  const children = kind === 'units' ? api.units().map((st) => busLabelEscape(st.id)) : api.jobs().map((j) => String(j.id));
  return { interfaces: STANDARD_INTERFACES, props: [], children };
}

function objectAt(api: ManagerApi, path: string): BusObject {
  const ref = parseObjectPath(path);
  if (!ref) throw new BusError(DBUS_ERROR.unknownObject, `Unknown object '${path}'.`);
  switch (ref.kind) {
    case 'root': return rootObject(path);
    case 'manager': return managerObject(api);
    case 'units': case 'jobs': return directoryObject(api, ref.kind);
    case 'unit': return unitObject(api, ref.name);
    case 'job': return jobObject(api, ref.id);
  }
}

function properties(obj: BusObject, member: string, args: readonly unknown[], path: string): Reply {
  switch (member) {
    case 'Get': {
      const [iface, name] = args as [string, string];
      const p = obj.props.find((x) => x.name === name && (iface === '' || x.iface === iface));
      const v = p?.read();
      if (!p || !v) throw new BusError(DBUS_ERROR.unknownProperty, `Unknown interface ${iface} or property ${name}.`);
      return { signature: 'v', body: [v] };
    }
    case 'GetAll': {
      const [iface] = args as [string];
      if (iface !== '' && !obj.interfaces.some((i) => i.name === iface)) throw new BusError(DBUS_ERROR.unknownInterface, `Unknown interface '${iface}' at '${path}'.`);
      const out: [string, Variant][] = [];
      for (const p of obj.props) {
        if (iface !== '' && p.iface !== iface) continue;
        const v = p.read();
        if (v) out.push([p.name, v]);
      }
      return { signature: 'a{sv}', body: [out] };
    }
    case 'Set': {
      const [iface, name] = args as [string, string];
      if (!obj.props.some((x) => x.name === name && (iface === '' || x.iface === iface))) throw new BusError(DBUS_ERROR.unknownProperty, `Unknown interface ${iface} or property ${name}.`);
      throw new BusError(DBUS_ERROR.propertyReadOnly, `Property '${name}' is not writable.`);
    }
  }
  throw new BusError(DBUS_ERROR.unknownMethod, `Unknown method ${member} or interface ${PROPERTIES_IFACE}.`);
}

const ownUid = process.getuid?.() ?? 0;
const mayChange = (c: Caller) => c.uid === 0 || c.uid === ownUid;

function machineId(): string {
  try {
    return readFileSync('/etc/machine-id', 'utf8').trim();
  } catch {
    return '';
  }
}

/**
 * The bus driver's few calls a peer-to-peer client may still make (dbus-next sends Hello and
 * AddMatch whatever the transport): answered as a bus would, so such clients work unchanged.
 */
function busDriver(m: BusMessage): Reply | undefined {
  if (m.destination !== 'org.freedesktop.DBus' && m.path !== '/org/freedesktop/DBus') return undefined;
  switch (m.member) {
    case 'Hello': return { signature: 's', body: [':1.1'] };
    case 'AddMatch': case 'RemoveMatch': return { signature: '', body: [] };
    // The name svcd's messages carry as their sender (paths.ts), so a client's idea of the owner agrees.
    case 'GetNameOwner': return { signature: 's', body: [BUS_NAME] };
    default: throw new BusError(DBUS_ERROR.unknownMethod, `Unknown method ${m.member ?? ''} of the bus driver (svcd serves a peer-to-peer connection).`);
  }
}

export function objectDispatcher(api: ManagerApi, emit: CallContext['emit']): Dispatch {
  return (m, caller) => {
    const driver = busDriver(m);
    if (driver) return driver;
    const member = m.member!;
    const obj = objectAt(api, m.path!);
    const ifaceName = m.interface;
    if (ifaceName === PROPERTIES_IFACE || (!ifaceName && ['Get', 'GetAll', 'Set'].includes(member))) {
      const want = member === 'Get' ? 'ss' : member === 'GetAll' ? 's' : 'ssv';
      if (m.signature !== want) throw new BusError(DBUS_ERROR.invalidArgs, `Invalid arguments '${m.signature}' to call ${PROPERTIES_IFACE}.${member}(), expecting '${want}'.`);
      return properties(obj, member, m.body, m.path!);
    }
    if (ifaceName === INTROSPECTABLE_IFACE || (!ifaceName && member === 'Introspect')) {
      return { signature: 's', body: [introspectXml(obj.interfaces, obj.children)] };
    }
    if (ifaceName === PEER_IFACE || (!ifaceName && (member === 'Ping' || member === 'GetMachineId'))) {
      if (member === 'Ping') return { signature: '', body: [] };
      if (member === 'GetMachineId') return { signature: 's', body: [machineId()] };
    }
    const candidates = obj.interfaces.filter((i) => !ifaceName || i.name === ifaceName);
    if (ifaceName && candidates.length === 0) throw new BusError(DBUS_ERROR.unknownInterface, `Unknown interface '${ifaceName}'.`);
    const meth = candidates.flatMap((i) => i.methods).find((x) => x.name === member);
    if (!meth) throw new BusError(DBUS_ERROR.unknownMethod, `Unknown method ${member} or interface ${ifaceName ?? '(none)'}.`);
    if (m.signature !== meth.in) throw new BusError(DBUS_ERROR.invalidArgs, `Invalid arguments '${m.signature}' to call ${ifaceName ?? ''}.${member}(), expecting '${meth.in}'.`);
    if (meth.mutating && !mayChange(caller)) throw new BusError(DBUS_ERROR.accessDenied, 'Access denied');
    const answer = meth.call(m.body, { api, caller, emit });
    const wrap = (body: readonly unknown[]): Reply => ({ signature: meth.out, body });
    return answer instanceof Promise ? answer.then(wrap) : wrap(answer);
  };
}

