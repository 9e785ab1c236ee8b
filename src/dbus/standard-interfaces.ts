/**
 * The interfaces every object has (Properties, Introspectable, Peer), as tables for Introspect;
 * the calls themselves are answered in objects.ts, which knows the object.
 */
import type { IntrospectedInterface } from './introspect.js';
import type { Method } from './method.js';

const stub = (name: string, inSig: string, out: string): Method => ({ name, in: inSig, out, mutating: false, call: () => [] });

export const PROPERTIES_IFACE = 'org.freedesktop.DBus.Properties';
export const INTROSPECTABLE_IFACE = 'org.freedesktop.DBus.Introspectable';
export const PEER_IFACE = 'org.freedesktop.DBus.Peer';

export const STANDARD_INTERFACES: readonly IntrospectedInterface[] = [
  { name: PEER_IFACE, methods: [stub('Ping', '', ''), stub('GetMachineId', '', 's')], properties: [] },
  { name: INTROSPECTABLE_IFACE, methods: [stub('Introspect', '', 's')], properties: [] },
  {
    name: PROPERTIES_IFACE,
    methods: [stub('Get', 'ss', 'v'), stub('GetAll', 's', 'a{sv}'), stub('Set', 'ssv', '')],
    signals: [{ name: 'PropertiesChanged', sig: 'sa{sv}as' }],
    properties: [],
  },
];
