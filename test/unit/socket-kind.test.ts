// The socket kind's state machine (src/engine/kinds/socket/) driven through the Engine with a fake
// system: listening/running as systemd's socket.c moves between them, the fds a service gets, a
// bind that fails, Accept=yes instances.
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import type { SocketSpec } from '../../src/engine/unit-kind.js';
import { DEFAULT_MANAGER_DEFAULTS } from '../../src/engine/unit-kind.js';
import type { SocketAddress } from '../../src/unit/values/socket-address.js';
import { FakeSystem, type ProgramBehaviour } from '../support/fake-system.js';
import { fakeLookup, fakeUnit, standardUnits, type FakeServiceInput } from '../support/fake-units.js';

const OPTIONS: SocketSpec['options'] = {
  backlog: 4096, bindIPv6Only: 'default', reusePort: false, freeBind: false, keepAlive: false, noDelay: false,
  passCredentials: false, passSecurity: false, socketMode: 0o666, directoryMode: 0o755, symlinks: [], removeOnStop: false,
};

function socketSpec(listen: readonly string[], over: Partial<SocketSpec> = {}): SocketSpec {
  return {
    listen: listen.map((address) => ({ kind: 'ListenStream', address, socket: { family: 'unix', path: address } as SocketAddress })),
    accept: false, service: 's.service', options: OPTIONS, execStartPre: [], execStartPost: [], execStopPre: [], execStopPost: [],
    maxConnections: 64, maxConnectionsPerSource: 0, triggerLimitIntervalMs: 2000, triggerLimitBurst: 20, ...over,
  };
}

function world(spec: SocketSpec, service: FakeServiceInput = {}, programs: Record<string, ProgramBehaviour> = {}) {
  const sys = new FakeSystem((req) => programs[req.argv[0]!] ?? {});
  const states: string[] = [];
  const logs: string[] = [];
  const units = [
    ...standardUnits([]),
    fakeUnit('s.socket', { defaultDependencies: false, socketSpec: spec, deps: spec.accept ? {} : { Triggers: 's.service', Before: 's.service' } }),
    fakeUnit('s.service', { defaultDependencies: false, service }),
    fakeUnit('system-s.slice', { defaultDependencies: false }),
  ];
  const engine = new Engine({
    system: sys,
    lookup: (name) => (name.startsWith('s@') ? fakeUnit(name, { defaultDependencies: false, service }) : fakeLookup(units)(name)),
    defaults: DEFAULT_MANAGER_DEFAULTS,
    observer: {
      stateChanged: (id, _from, _to, sub) => id === 's.socket' && states.push(sub),
      unitLog: (id, text) => logs.push(`${id}: ${text}`),
      log: (line) => logs.push(line),
    },
  });
  return { sys, engine, states, logs, sock: () => engine.unit('s.socket'), svc: (id = 's.service') => engine.unit(id) };
}

describe('the socket kind', () => {
  it('listens, starts its service on the first connection with every fd, and listens again once the service is down', () => {
    const w = world(socketSpec(['/run/a', '/run/b'], { fileDescriptorName: 'web' }), {}, { '/usr/bin/s': { exitAfterMs: 50 } });
    w.engine.start('s.socket');
    w.sys.runUntilIdle(100);
    expect(w.sock().subState).toBe('listening');
    expect([...w.sys.openFds.values()]).toEqual(['/run/a', '/run/b']);
    expect(w.svc().activeState).toBe('inactive');
    expect(w.sys.connect('/run/b')).toBe(true);
    w.sys.advance(10);
    expect(w.svc().subState).toBe('running');
    expect(w.sock().subState).toBe('running');
    const spawn = [...w.sys.processes.values()].find((p) => p.req.argv[0] === '/usr/bin/s')?.req;
    expect(spawn?.activationFds).toEqual([{ fd: 1000, name: 'web' }, { fd: 1001, name: 'web' }]);
    w.sys.advance(100);
    expect(w.svc().activeState).toBe('inactive');
    expect(w.sock().subState).toBe('listening');
    expect(w.states).toEqual(['start-pre', 'start-post', 'listening', 'running', 'listening']);
  });

  it('fails with Result=resources when a bind fails, logging the address, and opens nothing', () => {
    const w = world(socketSpec(['/run/a', '/run/b']));
    w.sys.refusedAddresses.set('/run/b', 'Failed to create listening socket (/run/b): Address already in use');
    w.engine.start('s.socket');
    w.sys.runUntilIdle(100);
    expect(w.sock().activeState).toBe('failed');
    expect(w.sock().result).toBe('resources');
    expect(w.logs).toContain('s.socket: Failed to create listening socket (/run/b): Address already in use');
    expect(w.sys.openFds.size).toBe(0);
  });
});

describe('Accept=yes', () => {
  it('starts one instance per connection, named N-LOCAL-REMOTE, each with its connection alone', () => {
    const w = world(socketSpec(['/run/a'], { accept: true }), { execStart: [['/bin/inst']] });
    w.engine.start('s.socket');
    w.sys.runUntilIdle(100);
    expect(w.sys.connect('/run/a', '127.0.0.1:22-127.0.0.1:40000')).toBe(true);
    w.sys.advance(10);
    expect(w.logs).toEqual([]);
    expect(w.svc('s@0-127.0.0.1:22-127.0.0.1:40000.service').subState).toBe('running');
    expect(w.sock().subState).toBe('listening');
  });
});

describe('MaxConnections=', () => {
  it('refuses connections over MaxConnections= while instances run, and takes them again once one is down', () => {
    const w = world(socketSpec(['/run/a'], { accept: true, maxConnections: 1 }), { execStart: [['/bin/inst']] }, { '/bin/inst': { exitAfterMs: 100 } });
    w.engine.start('s.socket');
    w.sys.runUntilIdle(100);
    w.sys.connect('/run/a', '127.0.0.1:22-127.0.0.1:40000');
    w.sys.advance(10);
    const conns = () => [...w.sys.openFds.values()].filter((v) => v.startsWith('connection'));
    w.sys.connect('/run/a', '127.0.0.1:22-127.0.0.1:40001');
    w.sys.advance(10);
    expect(w.logs).toContain('s.socket: Too many incoming connections (1), dropping connection.');
    expect(conns()).toEqual(['connection 127.0.0.1:22-127.0.0.1:40000']);
    w.sys.advance(200);
    expect(conns()).toEqual([]);
    w.sys.connect('/run/a', '127.0.0.1:22-127.0.0.1:40002');
    w.sys.advance(10);
    expect(w.svc('s@1-127.0.0.1:22-127.0.0.1:40002.service').subState).toBe('running');
  });
});

describe('TriggerLimitIntervalSec=/TriggerLimitBurst=', () => {
  it('fails the socket with Result=trigger-limit-hit once it triggers more than the burst within the interval', () => {
    const w = world(socketSpec(['/run/a'], { triggerLimitIntervalMs: 2000, triggerLimitBurst: 2 }), {}, { '/usr/bin/s': { exitAfterMs: 10 } });
    w.engine.start('s.socket');
    w.sys.runUntilIdle(100);
    for (let i = 0; i < 2; i++) {
      w.sys.connect('/run/a');
      w.sys.advance(50);
      expect(w.sock().subState).toBe('listening');
    }
    w.sys.connect('/run/a');
    w.sys.advance(50);
    expect([w.sock().activeState, w.sock().result]).toEqual(['failed', 'trigger-limit-hit']);
    expect(w.logs).toContain('s.socket: Trigger limit hit, refusing further activation.');
    expect([...w.sys.openFds.values()].filter((v) => !v.startsWith('connection'))).toEqual([]);
  });
});

describe('MaxConnectionsPerSource=', () => {
  it('refuses a further connection from a peer address that has as many running, and takes others', () => {
    const w = world(socketSpec(['/run/a'], { accept: true, maxConnectionsPerSource: 1 }), { execStart: [['/bin/inst']] });
    w.engine.start('s.socket');
    w.sys.runUntilIdle(100);
    w.sys.connect('/run/a', '127.0.0.1:22-127.0.0.1:40000');
    w.sys.advance(10);
    w.sys.connect('/run/a', '127.0.0.1:22-127.0.0.1:40001');
    w.sys.advance(10);
    expect(w.logs).toContain('s.socket: Too many incoming connections (1) from source 127.0.0.1, dropping connection.');
    w.sys.connect('/run/a', '127.0.0.1:22-127.0.0.2:40002');
    w.sys.advance(10);
    expect(w.svc('s@1-127.0.0.1:22-127.0.0.2:40002.service').subState).toBe('running');
  });
});

describe('a service its start limit refuses', () => {
  it('fails the socket with Result=service-start-limit-hit instead of triggering it again', () => {
    const w = world(socketSpec(['/run/a']), {}, { '/usr/bin/s': { exitAfterMs: 5, exitCode: 1 } });
    w.engine.start('s.socket');
    w.sys.runUntilIdle(100);
    for (let i = 0; i < 5; i++) {
      w.sys.connect('/run/a');
      w.sys.advance(50);
      expect(w.sock().subState).toBe('listening');
    }
    w.sys.connect('/run/a');
    w.sys.advance(50);
    expect(w.logs).toContain('s.service: Start request repeated too quickly.');
    expect([w.sock().activeState, w.sock().result]).toEqual(['failed', 'service-start-limit-hit']);
  });
});

describe('a socket whose service is not loaded', () => {
  it('refuses to start, as systemd does: the job fails, the socket stays dead with Result=success', () => {
    const w = world(socketSpec(['/run/a'], { service: 'missing.service' }));
    w.engine.start('s.socket');
    w.sys.runUntilIdle(100);
    expect(w.logs).toContain('s.socket: Socket service missing.service not loaded, refusing.');
    expect([w.sock().subState, w.sock().result]).toEqual(['dead', 'success']);
    expect(w.sys.openFds.size).toBe(0);
  });
});
