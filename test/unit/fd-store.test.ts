// The fd store (src/engine/kinds/service/fd-store.ts) through the Engine with a fake system: which
// fds a message's FDSTORE=1 leaves with the manager and which are closed at once, what the next
// start gets back, and when the store is emptied. Real fds, restarts and daemon-reexec are in
// test/e2e/fd-store-differential.test.ts.
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { DEFAULT_MANAGER_DEFAULTS } from '../../src/engine/unit-kind.js';
import { FakeSystem } from '../support/fake-system.js';
import { fakeLookup, fakeUnit, standardUnits, type FakeServiceInput } from '../support/fake-units.js';

function world(service: FakeServiceInput) {
  const sys = new FakeSystem(() => ({}));
  const logs: string[] = [];
  const closed: number[] = [];
  const close = sys.closeFd.bind(sys);
  sys.closeFd = (fd) => {
    closed.push(fd);
    close(fd);
  };
  const engine = new Engine({
    system: sys,
    lookup: fakeLookup([...standardUnits([]), fakeUnit('s.service', { defaultDependencies: false, service: { execStart: [['/bin/d']], ...service } })]),
    defaults: { ...DEFAULT_MANAGER_DEFAULTS, notifySocket: '/run/svcd/notify' },
    observer: { unitLog: (_id, text) => logs.push(text) },
  });
  const u = () => engine.unit('s.service');
  const handed = () => [...sys.processes.values()].filter((p) => p.req.argv[0] === '/bin/d').map((p) => p.req.activationFds ?? []);
  return { sys, engine, u, logs, closed, handed };
}

describe('the fd store', () => {
  it('keeps what FDSTORE=1 hands over up to FileDescriptorStoreMax=, newest first, and closes the rest', () => {
    const w = world({ notifyAccess: 'main', fileDescriptorStoreMax: 2, restart: 'always', restartMs: 100 });
    w.engine.start('s.service');
    w.sys.advance(10);
    const main = w.u().mainPid;
    w.sys.sendNotify(main, 'FDSTORE=1\nFDNAME=a', 0, [50]);
    w.sys.sendNotify(main, 'FDSTORE=1', 0, [51, 52]);
    expect(w.closed).toEqual([52]);
    expect(w.logs).toContain('Cannot store more fds than FileDescriptorStoreMax=2, closing remaining.');
    w.sys.exitNow(main, 0, 9);
    w.sys.advance(200);
    expect(w.u().subState).toBe('running');
    expect(w.handed().at(-1)).toEqual([{ fd: 51, name: 'stored' }, { fd: 50, name: 'a' }]);
  });

  it('closes the fds of a message NotifyAccess= refuses, or of a service without a store', () => {
    const refused = world({ notifyAccess: 'main', fileDescriptorStoreMax: 4 });
    refused.engine.start('s.service');
    refused.sys.advance(10);
    refused.sys.sendNotify(9999, 'FDSTORE=1', 0, [60]);
    expect(refused.closed).toEqual([60]);
    const none = world({ notifyAccess: 'main' });
    none.engine.start('s.service');
    none.sys.advance(10);
    none.sys.sendNotify(none.u().mainPid, 'FDSTORE=1', 0, [61]);
    expect(none.closed).toEqual([61]);
    // A message that does not ask for storing: its fds are not kept either.
    none.sys.sendNotify(none.u().mainPid, 'STATUS=x', 0, [62]);
    expect(none.closed).toEqual([61, 62]);
  });

  it('removes fds by FDSTOREREMOVE=1 with FDNAME=, and empties the store once the service is stopped', () => {
    const w = world({ notifyAccess: 'main', fileDescriptorStoreMax: 4 });
    w.engine.start('s.service');
    w.sys.advance(10);
    const main = w.u().mainPid;
    w.sys.sendNotify(main, 'FDSTORE=1\nFDNAME=a', 0, [70]);
    w.sys.sendNotify(main, 'FDSTORE=1\nFDNAME=b', 0, [71, 72]);
    w.sys.sendNotify(main, 'FDSTOREREMOVE=1\nFDNAME=b');
    expect(w.closed).toEqual([72, 71]);
    w.engine.stop('s.service');
    w.sys.runUntilIdle(1000);
    expect(w.u().activeState).toBe('inactive');
    expect(w.closed).toEqual([72, 71, 70]);
  });
});
