// Names clients ask about (issue 18, item 6). systemd refuses a name that cannot be a unit before
// loading anything ("Unit name … is not valid.", manager_load_unit_prepare) and queues every unit it
// loads for garbage collection, so a unit loaded only to be shown (not found, or inactive, with no
// job and nothing referring to it) is gone at the next pass. Asking about names must leave the unit
// table as it was: 2,000 lookups of names that do not exist change neither `list-units --all` nor
// the manager's count of names.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../src/control/protocol.js';
import { liveOracle } from '../support/oracle.js';
import { buildTree } from '../support/tree.mjs';
import { bootSearchPathInNamespace, type SvcdInNamespace } from '../support/svcd-ns.js';

const recorded = join(import.meta.dirname, '..', 'fixtures', 'unit-names', 'systemctl.txt');
const dir = mkdtempSync(join(tmpdir(), 'svcd-names-'));
buildTree(dir, {
  files: {
    'units/x.target': '[Unit]\nDescription=Test Target\nWants=up.service\n',
    'units/up.service': '[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\n',
    'units/idle.service': '[Service]\nExecStart=/bin/sleep 600\n',
  },
});

let svcd: SvcdInNamespace;
beforeAll(async () => {
  svcd = await bootSearchPathInNamespace(dir, join(dir, 'units'), 'x.target');
}, 30_000);
afterAll(async () => {
  await svcd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Reply { id: number; ok: boolean; result?: { properties: [string, string][] }; error?: { code: string; message: string } }

/** Sends every request on one connection (pipelined, as a busy client does) and collects the replies by id. */
function ask(requests: readonly { method: string; params: unknown }[]): Promise<Reply[]> {
  return new Promise((resolve, reject) => {
    const sock = connect(join(svcd.run, 'control.sock'));
    const replies: Reply[] = [];
    let buf = '';
    sock.on('data', (d) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        replies.push(JSON.parse(buf.slice(0, nl)) as Reply);
        buf = buf.slice(nl + 1);
        if (replies.length === requests.length) {
          sock.end();
          resolve(replies.sort((a, b) => a.id - b.id));
        }
      }
    });
    sock.on('error', reject);
    sock.write(requests.map((r, i) => `${JSON.stringify({ v: PROTOCOL_VERSION, id: i + 1, ...r })}\n`).join(''));
  });
}

const prop = (r: Reply, name: string) => r.result?.properties.find(([k]) => k === name)?.[1];
const table = async () => ({
  units: (await svcd.svcctl('list-units', '--all', '--no-legend', '--plain')).stdout,
  names: (await svcd.svcctl('show', '-p', 'NNames', '--value')).stdout,
});

describe('names a client asks about', () => {
  it('leave the unit table as it was after 2,000 lookups of units that do not exist', async () => {
    const before = await table();
    const replies = await ask(Array.from({ length: 2000 }, (_, i) => ({ method: 'show', params: { unit: `nowhere-${i}.service`, properties: ['Id', 'LoadState'] } })));
    // Each one answered as systemd does: the unit exists for the question, not found.
    expect(replies.every((r, i) => r.ok && prop(r, 'Id') === `nowhere-${i}.service` && prop(r, 'LoadState') === 'not-found')).toBe(true);
    expect(await table()).toEqual(before);
  });

  it('unload a unit shown, started in vain or asked for its status once nothing needs it', async () => {
    const before = await table();
    expect((await svcd.svcctl('show', '-p', 'LoadState', '--value', 'idle.service')).stdout).toBe('loaded\n');
    expect((await svcd.svcctl('status', 'nowhere.service')).rc).not.toBe(0);
    expect((await svcd.svcctl('start', 'nowhere-either.service')).stderr).toContain('Unit nowhere-either.service not found.');
    expect(await table()).toEqual(before);
    // A unit that something refers to stays: up.service, wanted by the active x.target.
    expect(before.units).toContain('up.service');
  });

  it.each([
    ['a newline', 'a\nb.service'],
    ['no type', 'nowhere'],
    ['an unknown type', 'nowhere.unit'],
    ['256 bytes', `${'a'.repeat(248)}.service`],
    // Half a MiB: far past a unit name's limit, yet within the control socket's 1 MiB request line
    // (a longer line is refused before any name is read: test/unit/control-server.test.ts).
    ['a 512 KiB name', `${'a'.repeat(1 << 19)}.service`],
  ])('refuse a name with %s as systemd does, loading nothing', async (_, name) => {
    const before = await table();
    const [show, status, start, states] = await ask([
      { method: 'show', params: { unit: name } },
      { method: 'status-page', params: { unit: name, color: false } },
      { method: 'enqueue', params: { unit: name, type: 'start', mode: 'replace', wait: false } },
      { method: 'unit-states', params: { units: ['x.target', name] } },
    ]);
    for (const r of [show, status, start, states]) expect(r?.error).toEqual({ code: 'invalid', message: `Unit name ${name} is not valid.` });
    expect(await table()).toEqual(before);
  });

  // What systemctl 252 answers for a name too long to be a unit, recorded from real systemd by
  // scripts/record-unit-name-fixtures.sh: mangling adds ".service" to what is no unit name, show and
  // status refuse it themselves, the manager refuses a start.
  it('refuse a name too long for a unit in svcctl show, status and start as systemctl does', async () => {
    const before = await table();
    const name = `${'a'.repeat(300)}.service`;
    let answered = '';
    for (const verb of ['show', 'status', 'start']) {
      const r = await svcd.svcctl(verb, name);
      answered += `== ${verb} ${r.rc}\n${r.stderr}`;
    }
    expect(answered.replaceAll(name, '@NAME@')).toBe(readFileSync(recorded, 'utf8'));
    expect(await table()).toEqual(before);
  });

  it('match list-units patterns as fnmatch(3) does: "[" alone is an ordinary character, stars do not make svcd backtrack', async () => {
    const listed = async (...patterns: string[]) => {
      const r = await svcd.svcctl('list-units', '--all', '--no-legend', '--plain', '--', ...patterns);
      return [r.rc, r.stderr, r.stdout.split('\n').filter(Boolean).map((l) => l.trim().split(/\s+/)[0])];
    };
    expect(await listed('[')).toEqual([0, '', []]);
    expect(await listed('*l*l*l*l*X', 'u[p]*')).toEqual([0, '', ['up.service']]);
    // logs -u takes the same patterns (journalctl's fnmatch with FNM_NOESCAPE).
    const logs = await svcd.svcctl('logs', '-u', '*l*l*l*l*X', '-u', 'u[p]*', '-o', 'cat');
    expect([logs.rc, logs.stdout]).toEqual([0, expect.stringContaining('up.service')]);
  });

  it('answer for a name of 255 bytes, systemd\'s longest', async () => {
    const name = `${'a'.repeat(247)}.service`;
    const [r] = await ask([{ method: 'show', params: { unit: name, properties: ['Id'] } }]);
    expect(r && prop(r, 'Id')).toBe(name);
  });
});

describe.runIf(liveOracle)('the recording against a live systemd', () => {
  it('is what systemctl answers today', () => {
    const out = join(dir, 'systemctl.txt');
    const r = spawnSync('sh', [join(import.meta.dirname, '..', '..', 'scripts', 'record-unit-name-fixtures.sh'), out], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(recorded, 'utf8'));
  }, 120_000);
});
