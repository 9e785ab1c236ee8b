// The job status table (src/engine/job-status.ts): one record per job message, from which the console
// line and the journal fields are both rendered. Words, results and MESSAGE_IDs are systemd 252's
// (the e2e test compares whole journal entries with a recording of real systemd).
import { describe, expect, it } from 'vitest';
import { JOB_MESSAGE_IDS, jobBeginStatus, jobDoneStatus, jobStatusConsoleLine, jobStatusFields } from '../../src/engine/job-status.js';

const web = { id: 'web.service', type: 'service' as const, ident: 'web.service - Web', invocationId: 'a'.repeat(32) };

describe('a job that ended', () => {
  it('a failed stop is journalled as failed, with the "unit stopped" MESSAGE_ID, and shown as FAILED', () => {
    const r = jobDoneStatus(web, 7, 'stop', 'failed')!;
    expect(r.message).toBe('Stopped (with error) web.service - Web.');
    expect(jobStatusFields(r)).toEqual([['JOB_ID', '7'], ['JOB_TYPE', 'stop'], ['JOB_RESULT', 'failed'], ['INVOCATION_ID', 'a'.repeat(32)], ['MESSAGE_ID', JOB_MESSAGE_IDS.unitStopped]]);
    expect(r.priority).toBe(3);
    expect(jobStatusConsoleLine(r, false)).toBe('[FAILED] Stopped (with error) web.service - Web.');
    expect(jobStatusConsoleLine(r, true)).toBe('[\x1b[0;1;31mFAILED\x1b[0m] Stopped (with error) web.service - Web.');
  });

  it("uses the unit type's own words before the generic ones", () => {
    expect(jobDoneStatus({ id: 'x.target', type: 'target', ident: 'x.target' }, 1, 'start', 'done')?.message).toBe('Reached target x.target.');
    expect(jobDoneStatus({ id: 'a.slice', type: 'slice', ident: 'a.slice' }, 1, 'stop', 'done')?.message).toBe('Removed slice a.slice.');
    expect(jobDoneStatus({ ...web, serviceType: 'oneshot' }, 1, 'start', 'done')?.message).toBe('Finished web.service - Web.');
    expect(jobDoneStatus({ ...web, serviceType: 'oneshot' }, 1, 'start', 'failed')?.message).toBe('Failed to start web.service - Web.');
  });

  it('a failed start names the status page to read; a failed start of a dependency does not', () => {
    expect(jobDoneStatus(web, 1, 'start', 'failed')?.hint).toBe("See 'systemctl status web.service' for details.");
    expect(jobDoneStatus(web, 1, 'start', 'dependency')).toMatchObject({ hint: undefined, priority: 4, messageId: JOB_MESSAGE_IDS.unitFailed, console: { word: 'DEPEND' } });
  });

  it('says nothing of a canceled job; reloads and condition skips go to the journal only', () => {
    expect(jobDoneStatus(web, 1, 'start', 'canceled')).toBeUndefined();
    expect(jobDoneStatus(web, 1, 'reload', 'done')).toMatchObject({ message: 'Reloaded web.service - Web.', console: undefined, messageId: JOB_MESSAGE_IDS.unitReloaded });
    const skipped = jobDoneStatus(web, 1, 'start', 'done', { kind: 'ConditionPathExists', parameter: '/x', negate: true, trigger: false })!;
    expect(skipped.message).toBe('web.service - Web was skipped because of an unmet condition check (ConditionPathExists=!/x).');
    expect(jobStatusConsoleLine(skipped, false)).toBeUndefined();
  });
});

describe('a job that begins', () => {
  it('is shown with an empty status column, except a reload', () => {
    expect(jobStatusConsoleLine(jobBeginStatus(web, 1, 'stop'), true)).toBe('         Stopping web.service - Web...');
    expect(jobStatusFields(jobBeginStatus(web, 1, 'start'))).toContainEqual(['MESSAGE_ID', JOB_MESSAGE_IDS.unitStarting]);
    expect(jobStatusConsoleLine(jobBeginStatus(web, 1, 'reload'), false)).toBeUndefined();
  });
});
