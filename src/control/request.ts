/**
 * The edge of the control socket: one request line → a typed request, or a typed refusal. Nothing
 * the client sent reaches a handler (or Node's internals) before it has been checked against the
 * one table below, method → parameter types, so a wrong type becomes an `invalid-argument` answer
 * naming the parameter instead of an exception, a silent connection or a daemon in a bad state.
 * Unit names are only checked for being strings here: whether a name is valid is the unit layer's
 * question.
 */
import { LIST_DEPENDENCY_TYPES, PROTOCOL_VERSION, type ControlError, type Method, type Methods, type Request } from './protocol.js';

/** The type of one parameter, as JSON carries it. */
export type ParamType =
  | { readonly kind: 'string' }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'strings' }
  | { readonly kind: 'integer'; readonly min: number; readonly max: number }
  | { readonly kind: 'enum'; readonly values: readonly string[] };

interface Param {
  readonly type: ParamType;
  readonly optional?: boolean;
}

const string: Param = { type: { kind: 'string' } };
const optString: Param = { ...string, optional: true };
const optBoolean: Param = { type: { kind: 'boolean' }, optional: true };
const strings: Param = { type: { kind: 'strings' } };
const optStrings: Param = { ...strings, optional: true };

/** What `svcctl exit N` accepts (an exit status is one byte). */
export const EXIT_CODE = { kind: 'integer', min: 0, max: 255 } as const;

/**
 * Every method and its parameters. The `satisfies` clause makes the compiler hold this table and
 * `Methods` (the types both sides are written against) to the same names.
 */
export const REQUEST_SCHEMA = {
  'manager-status': {},
  show: { unit: optString, properties: optStrings, all: optBoolean },
  'unit-states': { units: strings },
  'list-units': { all: optBoolean, types: optStrings, states: optStrings, patterns: optStrings },
  'status-page': { unit: string, color: { type: { kind: 'boolean' } }, now: optString, lines: { type: { kind: 'integer', min: 0, max: 2 ** 31 - 1 }, optional: true } },
  'list-dependencies': { unit: string, dependency: { type: { kind: 'enum', values: LIST_DEPENDENCY_TYPES }, optional: true }, all: optBoolean, color: optBoolean, plain: optBoolean },
  'status-overview': { color: { type: { kind: 'boolean' } } },
  'list-jobs': {},
  'list-sockets': { all: optBoolean, states: optStrings, patterns: optStrings },
  enqueue: { unit: string, type: string, mode: string, wait: { type: { kind: 'boolean' } } },
  'cancel-job': { id: { type: { kind: 'integer', min: 0, max: 2 ** 32 - 1 } } },
  // whom: the handler's choice (main, control, anything else all), as before; only its type is checked here.
  kill: { unit: string, whom: string, signal: { type: { kind: 'integer', min: 1, max: 64 } } },
  'reset-failed': { unit: optString },
  'daemon-reload': {},
  'daemon-reexec': {},
  shutdown: { how: { type: { kind: 'enum', values: ['exit', 'poweroff', 'halt', 'reboot'] } }, code: { type: EXIT_CODE, optional: true } },
  'list-timers': { all: optBoolean, patterns: optStrings },
  'unit-times': {},
  environment: {},
  'set-environment': { set: strings, unset: strings },
  'security-info': { unit: string },
  'list-paths': { all: optBoolean, states: optStrings, patterns: optStrings },
  'dump-dependencies': { unit: string },
} as const satisfies { readonly [M in Method]: { readonly [K in keyof Required<Methods[M]['params']>]: Param } };

export type Refusal = { readonly id: number; readonly error: ControlError };
export type Parsed = { readonly ok: true; readonly request: Request } | { readonly ok: false; readonly refusal: Refusal };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isMethod(m: unknown): m is Method {
  return typeof m === 'string' && Object.hasOwn(REQUEST_SCHEMA, m);
}

/** Why `v` is not of type `t`, or undefined when it is. */
function mismatch(v: unknown, t: ParamType): string | undefined {
  switch (t.kind) {
    case 'string':
      return typeof v === 'string' ? undefined : 'a string';
    case 'boolean':
      return typeof v === 'boolean' ? undefined : 'a boolean';
    case 'strings':
      return Array.isArray(v) && v.every((x) => typeof x === 'string') ? undefined : 'an array of strings';
    case 'integer':
      return Number.isSafeInteger(v) && (v as number) >= t.min && (v as number) <= t.max ? undefined : `an integer from ${t.min} to ${t.max}`;
    case 'enum':
      return typeof v === 'string' && t.values.includes(v) ? undefined : `one of ${t.values.join(', ')}`;
  }
}

const refuse = (id: number, code: string, message: string): Parsed => ({ ok: false, refusal: { id, error: { code, message } } });

/**
 * Parses and checks one request line. The parameters handed on are a fresh object holding only
 * the parameters the method takes (unknown ones are dropped, as a newer client's extras would be).
 */
export function parseRequest(line: string): Parsed {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return refuse(0, 'invalid', 'Malformed request.');
  }
  if (!isObject(raw)) return refuse(0, 'invalid', 'Malformed request: not an object.');
  const id = Number.isSafeInteger(raw.id) ? (raw.id as number) : 0;
  if (raw.v !== PROTOCOL_VERSION) return refuse(id, 'version', `Protocol version ${String(raw.v)} not supported (svcd speaks ${PROTOCOL_VERSION}).`);
  if (!Number.isSafeInteger(raw.id)) return refuse(0, 'invalid', 'Malformed request: id must be an integer.');
  const method = raw.method;
  if (!isMethod(method)) return refuse(id, 'unknown-method', `Unknown method ${typeof method === 'string' ? method : JSON.stringify(method) ?? 'undefined'}.`);
  const given = raw.params ?? {};
  if (!isObject(given)) return refuse(id, 'invalid-argument', `Invalid params of ${method}: must be an object.`);
  const params: Record<string, unknown> = {};
  for (const [name, param] of Object.entries(REQUEST_SCHEMA[method]) as [string, Param][]) {
    const v = Object.hasOwn(given, name) ? given[name] : undefined;
    if (v === undefined || v === null) {
      if (param.optional) continue;
      return refuse(id, 'invalid-argument', `Missing parameter "${name}" of ${method}.`);
    }
    const want = mismatch(v, param.type);
    if (want !== undefined) return refuse(id, 'invalid-argument', `Invalid parameter "${name}" of ${method}: must be ${want}.`);
    params[name] = v;
  }
  // Each value was checked against the table that `satisfies` ties to Methods[method]['params'].
  return { ok: true, request: { v: PROTOCOL_VERSION, id, method, params: params as Methods[Method]['params'] } };
}
