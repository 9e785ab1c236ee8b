/**
 * PrivateNetwork=, PrivateIPC=: the namespaces of each unit's current run, made at its first process
 * and joined by every other (systemd keeps them in the unit's runtime likewise). Where the container
 * refuses one (EPERM), the unit runs without it and svcd says so once, as systemd 252 goes on with a
 * warning; any other failure fails the process (225/NETWORK, 226/NAMESPACE, systemd's codes).
 */
import { constants as osConstants } from 'node:os';
import * as native from '../exec/native.js';
import { SpawnFailure } from '../engine/system.js';

interface Run {
  readonly invocation: string;
  readonly fds: { net?: number; ipc?: number };
}

export class RunNamespaces {
  private readonly runs = new Map<string, Run>();

  constructor(
    private readonly notice: (unit: string, text: string) => void,
    private readonly closeFd: (fd: number) => void,
  ) {}

  /** The namespace fds the unit's process joins (none asked: none). */
  forRun(unit: string, invocation: string, m: { readonly privateNetwork: boolean; readonly privateIPC: boolean }): { netnsFd?: number; ipcnsFd?: number } {
    if (!m.privateNetwork && !m.privateIPC) return {};
    let run = this.runs.get(unit);
    if (run?.invocation !== invocation) {
      this.release(unit);
      run = { invocation, fds: {} };
      this.runs.set(unit, run);
      for (const [type, wanted, directive, status] of [['net', m.privateNetwork, 'PrivateNetwork', 225], ['ipc', m.privateIPC, 'PrivateIPC', 226]] as const) {
        if (!wanted) continue;
        try {
          run.fds[type] = native.newNamespace(type);
        } catch (e) {
          // The addon's system errors carry the errno number.
          if ((e as { errno?: number }).errno !== osConstants.errno.EPERM) throw new SpawnFailure(`Failed to set up ${type === 'net' ? 'network' : 'IPC'} namespacing: ${(e as Error).message}`, status);
          this.notice(unit, `${directive}= not enforced (this container refuses a${type === 'ipc' ? 'n IPC' : ' network'} namespace: EPERM).`);
        }
      }
    }
    return { ...(run.fds.net !== undefined ? { netnsFd: run.fds.net } : {}), ...(run.fds.ipc !== undefined ? { ipcnsFd: run.fds.ipc } : {}) };
  }

  /** The run is over: its namespaces go with their last fd. */
  release(unit: string): void {
    const run = this.runs.get(unit);
    if (!run) return;
    this.runs.delete(unit);
    for (const fd of Object.values(run.fds)) this.closeFd(fd);
  }
}
