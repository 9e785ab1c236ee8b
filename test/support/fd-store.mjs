// The fd store scenario (test/fixtures/fd-store/), run the same way against real systemd 252
// (scripts/record-fd-store-fixtures.mjs records it) and against svcd (test/e2e/fd-store-differential.test.ts):
// store.py stores memfds over sd_notify (FDSTORE=1) and reports, at each start, the fds it got
// back; the steps kill it (an automatic restart), restart it, stop it and start it again. After
// each step: the report so far and the service's fd store properties. A daemon-reexec in between.
import { dirname, join } from 'node:path';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

export const FD_STORE_FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/fd-store');
export const FD_STORE_RUN = '/run/svcd-fdstore';

const STEPS = [
  // The script goes where both managers' namespaces see it (their /run), then the service starts.
  { name: 'started', install: true, ctl: ['start', 'store.service'], starts: 1, stored: true },
  { name: 'killed', ctl: ['kill', '--signal=SIGKILL', 'store.service'], starts: 2 },
  { name: 'restarted', ctl: ['restart', 'store.service'], starts: 3 },
  // The store outlives the manager's own re-execution, and is handed back after it.
  { name: 'reexecuted', ctl: ['daemon-reexec'], starts: 3 },
  { name: 'killed-after-reexec', ctl: ['kill', '--signal=SIGKILL', 'store.service'], starts: 4 },
  { name: 'stopped', ctl: ['stop', 'store.service'], starts: 4 },
  { name: 'started-again', ctl: ['start', 'store.service'], starts: 5, stored: true },
];

/** `ctl(...args)` runs systemctl (or svcctl), `sh(script)` a shell inside the manager's namespaces; both resolve to stdout. */
export async function runFdStoreSteps(ctl, sh) {
  const script = readFileSync(join(FD_STORE_FIXTURES, 'units/store.py')).toString('base64');
  const out = {};
  for (const step of STEPS) {
    if (step.install) await sh(`mkdir -p ${FD_STORE_RUN} && echo ${script} | base64 -d > ${FD_STORE_RUN}/store.py`);
    await ctl(...step.ctl);
    let report = '';
    for (let t = 0; t < 100; t++) {
      report = await sh(`cat ${FD_STORE_RUN}/report 2>/dev/null`);
      const status = step.stored ? await ctl('show', '-p', 'StatusText', '--value', 'store.service') : 'stored\n';
      if (report.split('\n').filter(Boolean).length >= step.starts && status.trim() === 'stored') break;
      await sleep(100);
    }
    await sleep(300);
    out[step.name] = {
      report,
      show: await ctl('show', '-p', 'ActiveState,SubState,NotifyAccess,FileDescriptorStoreMax,NFileDescriptorStore,NRestarts', 'store.service'),
    };
  }
  return out;
}
