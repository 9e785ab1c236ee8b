// The line initctl prints for a job (status, start, stop, initctl list), from the service's state.
import { describe, expect, it } from 'vitest';
import { statusLine } from '../../src/cli/svcctl/upstart-state.js';

const state = (activeState: string, subState: string, mainPid = 0, controlPid = 0) => ({ activeState, subState, mainPid, controlPid });

describe('statusLine', () => {
  it('a running job names its main process', () => {
    expect(statusLine('nova-compute', undefined, state('active', 'running', 1234))).toBe('nova-compute start/running, process 1234');
  });
  it('a stopped or failed job is stop/waiting, with no process', () => {
    expect(statusLine('nova-compute', undefined, state('inactive', 'dead'))).toBe('nova-compute stop/waiting');
    expect(statusLine('nova-compute', undefined, state('failed', 'failed'))).toBe('nova-compute stop/waiting');
  });
  it('a lifecycle script is a second line, tab-indented, beside the main process when there is one', () => {
    expect(statusLine('ssh', undefined, state('activating', 'start-pre', 0, 77))).toBe('ssh start/pre-start\n\tpre-start process 77');
    expect(statusLine('ssh', undefined, state('activating', 'start-post', 10, 11))).toBe('ssh start/post-start, process 10\n\tpost-start process 11');
    expect(statusLine('ssh', undefined, state('deactivating', 'stop', 10, 12))).toBe('ssh stop/pre-stop, process 10\n\tpre-stop process 12');
    expect(statusLine('ssh', undefined, state('deactivating', 'stop-post', 0, 13))).toBe('ssh stop/post-stop\n\tpost-stop process 13');
  });
  it('the main process being signalled is stop/killed; an instance is named in brackets', () => {
    expect(statusLine('tty', 'tty1', state('deactivating', 'stop-sigterm', 42))).toBe('tty (tty1) stop/killed, process 42');
  });
});
