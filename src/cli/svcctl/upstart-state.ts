/**
 * A service's state in upstart's words: the goal/state pair and the process that `status`,
 * `start`, `stop` and `initctl list` print (initctl(8): "job start/running, process 1234"). One
 * table from systemd's ActiveState/SubState to upstart's job states, read by every command.
 */

/** The properties the answer is made of, as `show` gives them. */
export interface ServiceState {
  readonly activeState: string;
  readonly subState: string;
  readonly mainPid: number;
  readonly controlPid: number;
}

export const STATE_PROPERTIES = ['LoadState', 'ActiveState', 'SubState', 'MainPID', 'ControlPID'] as const;

type Goal = 'start' | 'stop';
/** Which process upstart names in that state: the main one, or the one running the state's script. */
type Shown = 'main' | 'control' | 'none';

/**
 * SubState → upstart's goal, state and process. ExecStartPre= is pre-start, ExecStartPost= is
 * post-start, ExecStop= is pre-stop (run before the main process is signalled), the signals are
 * "killed", ExecStopPost= is post-stop (init(8)'s job states).
 */
const BY_SUBSTATE: Readonly<Record<string, readonly [Goal, string, Shown]>> = {
  condition: ['start', 'starting', 'control'],
  'start-pre': ['start', 'pre-start', 'control'],
  start: ['start', 'spawned', 'main'],
  'start-post': ['start', 'post-start', 'main'],
  running: ['start', 'running', 'main'],
  exited: ['start', 'running', 'none'],
  reload: ['start', 'running', 'main'],
  'auto-restart': ['start', 'starting', 'none'],
  stop: ['stop', 'pre-stop', 'main'],
  'stop-watchdog': ['stop', 'killed', 'main'],
  'stop-sigterm': ['stop', 'killed', 'main'],
  'stop-sigkill': ['stop', 'killed', 'main'],
  'stop-post': ['stop', 'post-stop', 'control'],
  'final-watchdog': ['stop', 'killed', 'none'],
  'final-sigterm': ['stop', 'killed', 'none'],
  'final-sigkill': ['stop', 'killed', 'none'],
};

/** Whether upstart would call the job an instance that exists (not stop/waiting). */
export function isInstance(s: ServiceState): boolean {
  return s.activeState !== 'inactive' && s.activeState !== 'failed';
}

/** `JOB [(INSTANCE)] GOAL/STATE[, process PID]`, as initctl prints it. */
export function statusLine(job: string, instance: string | undefined, s: ServiceState): string {
  const name = instance ? `${job} (${instance})` : job;
  const entry = isInstance(s) ? BY_SUBSTATE[s.subState] : undefined;
  if (!entry) return `${name} stop/waiting`;
  const [goal, state, shown] = entry;
  const pid = shown === 'main' ? s.mainPid : shown === 'control' ? s.controlPid : 0;
  return `${name} ${goal}/${state}${pid > 0 ? `, process ${pid}` : ''}`;
}
