/**
 * A job's beginning and end as one structured record (systemd 252's job status messages, job.c and
 * the units' status_message_formats): the words, the status column, the priority, MESSAGE_ID= and
 * the JOB_*= fields. The console line and the journal entry are both rendered from the record, so
 * the journal never has to guess a result back from the words.
 *
 * Facts taken from systemd 252 (strings of libsystemd-core-252.so, `journalctl -o export` in
 * systemd-ns): a start that was done says "Started", a oneshot's "Finished", a target's "Reached
 * target"; a failed stop says "Stopped (with error)"; a stop that timed out is journalled with
 * JOB_RESULT=timeout, MESSAGE_ID= of "unit stopped" and priority err; reload messages never reach
 * the console; a start skipped by a condition is journalled only, naming the condition.
 */
import type { GraphUnitType } from '../graph/graph.js';
import type { JobResult, QueuedJobType } from './job.js';

/** sd-messages.h: the MESSAGE_ID= of systemd's job messages. */
export const JOB_MESSAGE_IDS = {
  unitStarting: '7d4958e842da4a758f6c1cdc7b36dcc5',
  unitStarted: '39f53479d3a045ac8e11786248231fbf',
  unitFailed: 'be02cf6855d2428ba40df7e9d022f03d',
  unitStopping: 'de5b426a63be47a7b6ac3eaac82e2f6f',
  unitStopped: '9d1aaa27d60140bd96365438aad20286',
  unitReloading: 'd34d037fff1847e6ae669a370e694725',
  unitReloaded: '7b05ebc668384222baa8881179cfda54',
} as const;

/** The colour of a status word, as the console paints it. */
export type StatusColor = 'ok' | 'red' | 'yellow' | 'highlight';

/** Per result: the syslog priority of its message and the word in the console's status column. */
export const JOB_RESULT_STATUS: Readonly<Record<JobResult, { readonly priority: number; readonly word?: string; readonly color?: StatusColor }>> = {
  done: { priority: 6, word: '  OK  ', color: 'ok' },
  canceled: { priority: 6 },
  timeout: { priority: 3, word: ' TIME ', color: 'red' },
  failed: { priority: 3, word: 'FAILED', color: 'red' },
  dependency: { priority: 4, word: 'DEPEND', color: 'yellow' },
  skipped: { priority: 5, word: ' INFO ', color: 'highlight' },
  invalid: { priority: 6 },
  assert: { priority: 4, word: 'ASSERT', color: 'yellow' },
  unsupported: { priority: 4, word: 'UNSUPP', color: 'yellow' },
  collected: { priority: 6 },
  once: { priority: 3, word: ' ONCE ', color: 'red' },
};

type Formats = Partial<Record<JobResult, string>>;

/** What any unit says when its job ends, by job type ("%s": the unit's name and description). */
const GENERIC_DONE: Partial<Record<'start' | 'stop' | 'reload', Formats>> = {
  start: {
    done: 'Started %s.', timeout: 'Timed out starting %s.', failed: 'Failed to start %s.', dependency: 'Dependency failed for %s.',
    assert: 'Assertion failed for %s.', unsupported: 'Starting of %s unsupported.', collected: 'Unnecessary job was removed for %s.',
  },
  stop: { done: 'Stopped %s.', failed: 'Stopped (with error) %s.', timeout: 'Timed out stopping %s.' },
  reload: { done: 'Reloaded %s.', failed: 'Reload failed for %s.', timeout: 'Timed out reloading %s.' },
};

/** A unit type's own words, which take precedence over the generic ones. */
interface TypeFormats {
  readonly starting?: string;
  readonly stopping?: string;
  readonly start?: Formats;
  readonly stop?: Formats;
}
const TYPE_FORMATS: Partial<Record<GraphUnitType, TypeFormats>> = {
  target: { start: { done: 'Reached target %s.' }, stop: { done: 'Stopped target %s.' } },
  slice: { start: { done: 'Created slice %s.' }, stop: { done: 'Removed slice %s.' } },
  socket: { start: { done: 'Listening on %s.', failed: 'Failed to listen on %s.' }, stop: { done: 'Closed %s.', failed: 'Failed stopping %s.' } },
  mount: {
    starting: 'Mounting %s...', stopping: 'Unmounting %s...',
    start: { done: 'Mounted %s.', failed: 'Failed to mount %s.', timeout: 'Timed out mounting %s.' },
    stop: { done: 'Unmounted %s.', failed: 'Failed unmounting %s.', timeout: 'Timed out unmounting %s.' },
  },
  swap: {
    start: { done: 'Activated swap %s.', failed: 'Failed to activate swap %s.', timeout: 'Timed out activating swap %s.' },
    stop: { done: 'Deactivated swap %s.', failed: 'Failed deactivating swap %s.', timeout: 'Timed out deactivating swap %s.' },
  },
  automount: { start: { done: 'Set up automount %s.', failed: 'Failed to set up automount %s.' }, stop: { done: 'Unset automount %s.', failed: 'Failed to unset automount %s.' } },
  device: { starting: 'Expecting device %s...', start: { done: 'Found device %s.', timeout: 'Timed out waiting for device %s.' } },
};

/** The unit a job is about, as its messages name it. */
export interface JobStatusUnit {
  readonly id: string;
  readonly type: GraphUnitType;
  /** "name - description", or the name alone (systemd's unit_status_string). */
  readonly ident: string;
  /** A service's Type=: a oneshot that is done says "Finished". */
  readonly serviceType?: string;
  readonly invocationId?: string;
}

/** One job message: what the console, the journal and `status` (through the journal) all show. */
export interface JobStatusRecord {
  readonly unit: string;
  readonly jobId: number;
  /** JOB_TYPE=, as systemd writes it: a restart's stop half begins as a stop. */
  readonly jobType: QueuedJobType;
  /** JOB_RESULT=; absent in the message of a job beginning. */
  readonly result?: JobResult;
  readonly message: string;
  readonly messageId?: string;
  readonly priority: number;
  readonly invocationId?: string;
  /** On the console: the status word ('' while a job begins) and its colour; absent: journal only. */
  readonly console?: { readonly word: string; readonly color?: StatusColor };
  /** A line the console prints after this one. */
  readonly hint?: string;
}

const format = (f: string, u: JobStatusUnit) => f.replace('%s', u.ident);

/** The message of a job that begins to act on its unit: start, stop (a restart's stop half too), reload. */
export function jobBeginStatus(u: JobStatusUnit, jobId: number, type: 'start' | 'stop' | 'reload'): JobStatusRecord {
  const own = TYPE_FORMATS[u.type];
  const f = type === 'reload' ? 'Reloading %s...' : type === 'start' ? (own?.starting ?? 'Starting %s...') : (own?.stopping ?? 'Stopping %s...');
  const messageId = type === 'start' ? JOB_MESSAGE_IDS.unitStarting : type === 'stop' ? JOB_MESSAGE_IDS.unitStopping : JOB_MESSAGE_IDS.unitReloading;
  return {
    unit: u.id, jobId, jobType: type, message: format(f, u), messageId, priority: 6, invocationId: u.invocationId,
    // Reloads have never been shown on the console.
    console: type === 'reload' ? undefined : { word: '' },
  };
}

/** The Condition*= that kept a start from doing anything (its first failed one). */
export interface SkippingCondition {
  /** "ConditionPathExists", … */
  readonly kind: string;
  readonly parameter: string;
  readonly negate: boolean;
  /** A "|" condition: none of the trigger conditions held. */
  readonly trigger: boolean;
}

/**
 * The message of a job that ended, or undefined where systemd says nothing (a canceled job, a
 * nop). `skippedBy`: the condition that made a start "done" without starting anything (null: one
 * did, but which is not known).
 */
export function jobDoneStatus(u: JobStatusUnit, jobId: number, type: QueuedJobType, result: JobResult, skippedBy?: SkippingCondition | null): JobStatusRecord | undefined {
  const skipped = type === 'start' && result === 'done' && skippedBy !== undefined;
  const message = skipped ? skippedMessage(u, skippedBy) : doneFormat(u, type, result);
  if (message === undefined) return undefined;
  const status = JOB_RESULT_STATUS[result];
  const onConsole = type !== 'reload' && status.word !== undefined && !skipped;
  return {
    unit: u.id, jobId, jobType: type, result, message: skipped ? message : format(message, u), messageId: doneMessageId(type, result), priority: status.priority,
    invocationId: u.invocationId,
    console: onConsole ? { word: status.word!, color: status.color } : undefined,
    hint: onConsole && type === 'start' && result === 'failed' ? `See 'systemctl status ${u.id}' for details.` : undefined,
  };
}

function skippedMessage(u: JobStatusUnit, c: SkippingCondition | null | undefined): string {
  if (!c) return `Condition check resulted in ${u.ident} being skipped.`;
  if (c.trigger) return `${u.ident} was skipped because no trigger condition checks were met.`;
  return `${u.ident} was skipped because of an unmet condition check (${c.kind}=${c.negate ? '!' : ''}${c.parameter}).`;
}

function doneFormat(u: JobStatusUnit, type: QueuedJobType, result: JobResult): string | undefined {
  if (type === 'start' || type === 'stop' || type === 'restart') {
    const half = type === 'start' ? 'start' : 'stop';
    if (u.type === 'service' && type === 'start' && result === 'done' && u.serviceType === 'oneshot') return 'Finished %s.';
    const own = TYPE_FORMATS[u.type]?.[half]?.[result];
    if (own !== undefined) return own;
    return GENERIC_DONE[half]?.[result];
  }
  if (type === 'reload') return GENERIC_DONE.reload?.[result];
  return undefined;
}

function doneMessageId(type: QueuedJobType, result: JobResult): string | undefined {
  switch (type) {
    case 'start':
      return result === 'done' ? JOB_MESSAGE_IDS.unitStarted : JOB_MESSAGE_IDS.unitFailed;
    case 'reload':
      return JOB_MESSAGE_IDS.unitReloaded;
    case 'stop':
    case 'restart':
      return JOB_MESSAGE_IDS.unitStopped;
    default:
      return undefined;
  }
}

/** The journal fields systemd attaches to a job message, besides MESSAGE=, PRIORITY= and UNIT=. */
export function jobStatusFields(r: JobStatusRecord): [string, string][] {
  const out: [string, string][] = [['JOB_ID', String(r.jobId)], ['JOB_TYPE', r.jobType]];
  if (r.result !== undefined) out.push(['JOB_RESULT', r.result]);
  if (r.invocationId) out.push(['INVOCATION_ID', r.invocationId]);
  if (r.messageId) out.push(['MESSAGE_ID', r.messageId]);
  return out;
}

const ANSI: Readonly<Record<StatusColor, string>> = { ok: '0;32', red: '0;1;31', yellow: '0;1;33', highlight: '0;1;39' };

/** The console line of a record ("[  OK  ] Started …", nine spaces while a job begins), or undefined. */
export function jobStatusConsoleLine(r: JobStatusRecord, color: boolean): string | undefined {
  if (!r.console) return undefined;
  const { word, color: c } = r.console;
  if (word === '') return `         ${r.message}`;
  return `[${color && c ? `\x1b[${ANSI[c]}m${word}\x1b[0m` : word}] ${r.message}`;
}
