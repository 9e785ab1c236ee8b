/**
 * org.freedesktop.DBus.Introspectable's XML, written from the same tables that answer the calls
 * (method signatures, property rows), so what `busctl introspect` shows is what is served.
 */
import { completeTypes, type InterfaceSpec } from './method.js';

export interface PropertySpec {
  readonly name: string;
  readonly sig: string;
}

export interface IntrospectedInterface extends InterfaceSpec {
  readonly properties: readonly PropertySpec[];
}

const DOCTYPE = '<!DOCTYPE node PUBLIC "-//freedesktop//DTD D-BUS Object Introspection 1.0//EN"\n "http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd">\n';

const args = (sig: string, direction: 'in' | 'out' | undefined): string =>
  completeTypes(sig).map((t) => `   <arg type="${t}"${direction ? ` direction="${direction}"` : ''}/>\n`).join('');

function iface(i: IntrospectedInterface): string {
  let x = ` <interface name="${i.name}">\n`;
  for (const m of i.methods) x += `  <method name="${m.name}">\n${args(m.in, 'in')}${args(m.out, 'out')}  </method>\n`;
  for (const s of i.signals ?? []) x += `  <signal name="${s.name}">\n${args(s.sig, undefined)}  </signal>\n`;
  for (const p of i.properties) x += `  <property name="${p.name}" type="${p.sig}" access="read"/>\n`;
  return `${x} </interface>\n`;
}

export function introspectXml(interfaces: readonly IntrospectedInterface[], children: readonly string[]): string {
  return `${DOCTYPE}<node>\n${interfaces.map(iface).join('')}${children.map((c) => ` <node name="${c}"/>\n`).join('')}</node>\n`;
}
