/**
 * The methods of a unit object (org.freedesktop.systemd1.Unit) and of a job object
 * (org.freedesktop.systemd1.Job): the Manager's, with the object naming the unit or the job.
 */
import type { RequestedJobType } from '../engine/api.js';
import { BusError, DBUS_ERROR, fromManagerError } from './errors.js';
import { enqueue } from './manager-methods.js';
import { method, type CallContext, type Method } from './method.js';

const VERBS: readonly [string, RequestedJobType][] = [
  ['Start', 'start'], ['Stop', 'stop'], ['Reload', 'reload'], ['Restart', 'restart'], ['TryRestart', 'try-restart'],
  ['ReloadOrRestart', 'reload-or-restart'], ['ReloadOrTryRestart', 'try-reload-or-restart'],
];

/** A unit's methods, bound to the unit's name. */
export function unitMethods(name: string): readonly Method[] {
  return [
    ...VERBS.map(([verb, type]) => method<[string]>(verb, 's', 'o', true, ([mode], ctx) => enqueue(ctx, name, type, mode))),
    method<[string, number]>('Kill', 'si', '', true, ([whom, signal], ctx: CallContext) => {
      const e = ctx.api.kill(name, whom === 'main' || whom === 'control' ? whom : 'all', signal);
      if (e) throw fromManagerError(e);
      return [];
    }),
    method('ResetFailed', '', '', true, (_a, ctx) => {
      const e = ctx.api.resetFailed(name);
      if (e) throw fromManagerError(e);
      return [];
    }),
    ...[['SetProperties', 'ba(sv)'], ['Ref', ''], ['Unref', ''], ['Clean', 'as'], ['Freeze', ''], ['Thaw', '']].map(([m, sig]) =>
      method(m!, sig!, '', true, () => {
        throw new BusError(DBUS_ERROR.notSupported, `${m} is not supported by svcd.`);
      })),
  ];
}

export function jobMethods(id: number): readonly Method[] {
  return [
    method('Cancel', '', '', true, (_a, ctx) => {
      const e = ctx.api.cancelJob(id);
      if (e) throw new BusError('org.freedesktop.systemd1.NoSuchJob', e.message);
      return [];
    }),
    ...['GetAfter', 'GetBefore'].map((m) => method(m, '', 'a(usssoo)', false, () => {
      throw new BusError(DBUS_ERROR.notSupported, `${m} is not supported by svcd.`);
    })),
  ];
}
