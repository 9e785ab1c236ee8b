/**
 * The methods of a unit object (org.freedesktop.systemd1.Unit) and of a job object
 * (org.freedesktop.systemd1.Job): the Manager's, with the object naming the unit or the job.
 */
import type { RequestedJobType } from '../engine/api.js';
import { cancelJob, enqueue, killUnit, resetFailedUnit, setUnitProperties, unitProcesses } from './manager-methods.js';
import type { RawVariant } from './unit-properties.js';
import { method, notSupported, type Method } from './method.js';

const VERBS: readonly [string, RequestedJobType][] = [
  ['Start', 'start'], ['Stop', 'stop'], ['Reload', 'reload'], ['Restart', 'restart'], ['TryRestart', 'try-restart'],
  ['ReloadOrRestart', 'reload-or-restart'], ['ReloadOrTryRestart', 'try-reload-or-restart'],
];

/** A unit's methods, bound to the unit's name. */
export function unitMethods(name: string): readonly Method[] {
  return [
    ...VERBS.map(([verb, type]) => method<[string]>(verb, 's', 'o', true, ([mode], ctx) => enqueue(ctx, name, type, mode))),
    method<[string, number]>('Kill', 'si', '', true, ([whom, signal], ctx) => killUnit(ctx, name, whom, signal)),
    method('ResetFailed', '', '', true, (_a, ctx) => resetFailedUnit(ctx, name)),
    method<[boolean, [string, RawVariant][]]>('SetProperties', 'ba(sv)', '', true, ([runtime, assignments], ctx) => setUnitProperties(ctx, name, runtime, assignments)),
    ...[['Ref', ''], ['Unref', ''], ['Clean', 'as'], ['Freeze', ''], ['Thaw', '']].map(([m, sig]) => notSupported(m!, sig!, '')),
    notSupported('EnqueueJob', 'ss', 'uososa(uosos)'),
  ];
}

/** org.freedesktop.systemd1.Service's own methods, bound to the service's name. */
export function serviceMethods(name: string): readonly Method[] {
  return [
    notSupported('BindMount', 'ssbb', ''),
    notSupported('MountImage', 'ssbba(ss)', ''),
    method('GetProcesses', '', 'a(sus)', false, (_a, ctx) => [unitProcesses(ctx, name)]),
    notSupported('AttachProcesses', 'sau', ''),
  ];
}

export function jobMethods(id: number): readonly Method[] {
  return [
    method('Cancel', '', '', true, (_a, ctx) => cancelJob(ctx, id)),
    ...['GetAfter', 'GetBefore'].map((m) => notSupported(m, '', 'a(usssoo)', false)),
  ];
}
