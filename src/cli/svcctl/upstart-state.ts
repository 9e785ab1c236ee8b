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
/** The job process a control process is, upstart's name for it (init(5)'s four lifecycle processes). */
type JobProcess = 'pre-start' | 'post-start' | 'pre-stop' | 'post-stop';

/**
 * SubState → upstart's goal, state and the job process the control process runs. ExecStartPre= is
 * pre-start, ExecStartPost= post-start, ExecStop= pre-stop (run before the main process is
 * signalled), the signals are "killed", ExecStopPost= post-stop (init(8)'s job states).
 */
const BY_SUBSTATE: Readonly<Record<string, readonly [Goal, string, JobProcess?]>> = {
  condition: ['start', 'starting'],
  'start-pre': ['start', 'pre-start', 'pre-start'],
  start: ['start', 'spawned'],
  'start-post': ['start', 'post-start', 'post-start'],
  running: ['start', 'running'],
  exited: ['start', 'running'],
  reload: ['start', 'running'],
  'auto-restart': ['start', 'starting'],
  stop: ['stop', 'pre-stop', 'pre-stop'],
  'stop-watchdog': ['stop', 'killed'],
  'stop-sigterm': ['stop', 'killed'],
  'stop-sigkill': ['stop', 'killed'],
  'stop-post': ['stop', 'post-stop', 'post-stop'],
  'final-watchdog': ['stop', 'killed'],
  'final-sigterm': ['stop', 'killed'],
  'final-sigkill': ['stop', 'killed'],
};

/** Whether upstart would call the job an instance that exists (not stop/waiting). */
export function isInstance(s: ServiceState): boolean {
  return s.activeState !== 'inactive' && s.activeState !== 'failed';
}

/**
 * `JOB [(INSTANCE)] GOAL/STATE[, process PID]` and, while a lifecycle script runs, a line
 * `\tPROCESS process PID` for it, as initctl prints a job: the main process on the first line,
 * every other process of the job on a line of its own.
 */
export function statusLine(job: string, instance: string | undefined, s: ServiceState): string {
  const name = instance ? `${job} (${instance})` : job;
  const entry = isInstance(s) ? BY_SUBSTATE[s.subState] : undefined;
  if (!entry) return `${name} stop/waiting`;
  const [goal, state, control] = entry;
  const main = s.mainPid > 0 ? `, process ${s.mainPid}` : '';
  const script = control && s.controlPid > 0 ? `\n\t${control} process ${s.controlPid}` : '';
  return `${name} ${goal}/${state}${main}${script}`;
}
