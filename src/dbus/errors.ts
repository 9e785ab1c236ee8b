/**
 * D-Bus errors as typed values: the name a client matches on (sd_bus_error's name) and the text
 * systemctl prints after "Failed to start X: ". The engine's refusals map onto systemd's names here,
 * once, for every method.
 */
import type { ManagerError } from '../engine/api.js';
import { LOAD_STATE_BUS_ERRORS } from '../unit/load-problem.js';

export class BusError extends Error {
  constructor(
    override readonly name: string,
    message: string,
  ) {
    super(message);
  }
}

export const DBUS_ERROR = {
  unknownMethod: 'org.freedesktop.DBus.Error.UnknownMethod',
  unknownObject: 'org.freedesktop.DBus.Error.UnknownObject',
  unknownInterface: 'org.freedesktop.DBus.Error.UnknownInterface',
  unknownProperty: 'org.freedesktop.DBus.Error.UnknownProperty',
  propertyReadOnly: 'org.freedesktop.DBus.Error.PropertyReadOnly',
  invalidArgs: 'org.freedesktop.DBus.Error.InvalidArgs',
  accessDenied: 'org.freedesktop.DBus.Error.AccessDenied',
  notSupported: 'org.freedesktop.DBus.Error.NotSupported',
  failed: 'org.freedesktop.DBus.Error.Failed',
  limitsExceeded: 'org.freedesktop.DBus.Error.LimitsExceeded',
} as const;

/** systemd's own error names (BUS_ERROR_* in its sources), by the engine's refusal codes. */
const MANAGER_ERRORS: Readonly<Record<ManagerError['code'], string>> = {
  'no-such-unit': LOAD_STATE_BUS_ERRORS['not-found'],
  'load-failed': 'org.freedesktop.systemd1.LoadFailed',
  'bad-setting': LOAD_STATE_BUS_ERRORS['bad-setting'],
  refused: 'org.freedesktop.systemd1.OnlyByDependency',
  'not-applicable': 'org.freedesktop.systemd1.JobTypeNotApplicable',
  'conflicting-jobs': 'org.freedesktop.systemd1.TransactionJobsConflicting',
  cyclic: 'org.freedesktop.systemd1.TransactionOrderIsCyclic',
  destructive: 'org.freedesktop.systemd1.TransactionIsDestructive',
  'bad-mode': DBUS_ERROR.invalidArgs,
  masked: LOAD_STATE_BUS_ERRORS.masked,
  'no-such-process': 'org.freedesktop.systemd1.NoSuchProcess',
  invalid: DBUS_ERROR.invalidArgs,
  busy: 'org.freedesktop.systemd1.JobsPending' ,
};

export const fromManagerError = (e: ManagerError): BusError => new BusError(e.busName ?? MANAGER_ERRORS[e.code], e.message);
