// Generators (systemd.generator(7)) under svcd as PID 1 of a PID + mount namespace with its own
// /run: postgresql-common's real generator makes postgresql.service want the machine's cluster
// (postgresql@15-main.service), so starting postgresql starts PostgreSQL, as under systemd; the
// test's own generator shows the contract: three output directories, the environment promised, a
// fresh run at each daemon-reload (the previous output gone), masking by a /dev/null link, and a
// failing generator that is reported without stopping the boot.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootScript, until, type ScriptBoot } from '../support/ns-boot.js';
import { signalPid } from '../support/proc.js';

const repo = join(__dirname, '../..');
const installed = (pkg: string) => spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' }).stdout.includes('install ok installed');
const clusters = existsSync('/etc/postgresql') ? readdirSync('/etc/postgresql').flatMap((v) => (existsSync(`/etc/postgresql/${v}`) ? readdirSync(`/etc/postgresql/${v}`).map((c) => `${v}-${c}`) : [])) : [];
const usable = installed('postgresql') && existsSync('/lib/systemd/system-generators/postgresql-generator') && clusters.length > 0;
const work = mkdtempSync(join(tmpdir(), 'svcd-gen-'));
let ns: ScriptBoot | undefined;
/** svcctl and other commands inside the namespaces (the control socket is in the private /run). */
const inside = (...args: string[]) => ns!.inside(...args);
const svcctl = (...args: string[]) => ns!.svcctl(...args);
/** A file in the namespace's private /run. */
const runFile = (p: string) => ns!.runFile(p);

beforeAll(async () => {
  if (!usable) return;
  const gens = join(work, 'generators');
  mkdirSync(gens, { recursive: true });
  writeFileSync(join(work, 'value'), 'one');
  // Writes a unit named after the value file into the normal directory, wanted by x.target, and
  // what it was given into the late one.
  writeFileSync(join(gens, 'test-generator'), `#!/bin/sh
v=$(cat ${join(work, 'value')})
mkdir -p "$1/x.target.wants"
printf '[Unit]\\nDescription=Generated %s\\n[Service]\\nType=oneshot\\nRemainAfterExit=yes\\nExecStart=/bin/true\\n' "$v" > "$1/gen-$v.service"
ln -s "$1/gen-$v.service" "$1/x.target.wants/gen-$v.service"
printf 'args=%s normal=%s early=%s late=%s scope=%s initrd=%s\\n' "$#" "$1" "$2" "$3" "$SYSTEMD_SCOPE" "$SYSTEMD_IN_INITRD" > "$3/seen"
`);
  writeFileSync(join(gens, 'broken-generator'), '#!/bin/sh\necho "broken-generator: cannot do it" >&2\nexit 3\n');
  chmodSync(join(gens, 'test-generator'), 0o755);
  chmodSync(join(gens, 'broken-generator'), 0o755);
  // Masks the machine's getty generator, which would add console-getty.service.
  symlinkSync('/dev/null', join(gens, 'systemd-getty-generator'));
  ns = bootScript(join(repo, 'test/fixtures/generators/boot-in-namespace.sh'), [work, repo]);
  await until(() => /Reached target x\.target/.test(ns!.output()));
}, 60000);
afterAll(() => {
  ns?.kill();
  rmSync(work, { recursive: true, force: true });
});

describe.skipIf(!usable)(`generators (postgresql-common's, on clusters ${clusters.join(', ')})`, () => {
  it('boots, the failing generator reported but harmless', () => {
    expect(ns!.output()).toMatch(/Reached target x\.target/);
    expect(ns!.output()).toContain('broken-generator: cannot do it');
    expect(ns!.output()).toMatch(/svcd: \S+\/broken-generator failed with exit status 3\./);
    expect(ns!.output()).not.toMatch(/FAILED|DEPEND/);
    // In the journal too, at warning priority, with the generator as a field of its own.
    const entries = svcctl('logs', '--no-pager', '-o', 'json', '-g', 'broken-generator failed').stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ PRIORITY: '4', GENERATOR: join(work, 'generators/broken-generator'), SYSLOG_IDENTIFIER: 'svcd' });
  });

  it('postgresql.service wants every auto-started cluster, and PostgreSQL accepts connections', async () => {
    const wants = svcctl('show', '-p', 'Wants', '--value', 'postgresql.service').stdout.trim().split(' ');
    for (const c of clusters) expect(wants).toContain(`postgresql@${c}.service`);
    expect(ns!.output()).toMatch(new RegExp(`\\[ {2}OK {2}\\] Started postgresql@${clusters[0]}\\.service - PostgreSQL Cluster ${clusters[0]}\\.`));
    expect(await until(() => inside('pg_isready', '-q').status === 0)).toBe(true);
    expect(svcctl('is-active', `postgresql@${clusters[0]}.service`).stdout).toBe('active\n');
    const main = Number(svcctl('show', '-p', 'MainPID', '--value', `postgresql@${clusters[0]}.service`).stdout);
    expect(main).toBeGreaterThan(1);
  });

  it('gives generators the three directories and the environment systemd.generator(7) lists', () => {
    expect(readFileSync(runFile('systemd/generator.late/seen'), 'utf8')).toBe('args=3 normal=/run/systemd/generator early=/run/systemd/generator.early late=/run/systemd/generator.late scope=system initrd=0\n');
    expect(svcctl('is-active', 'gen-one.service').stdout).toBe('active\n');
  });

  it('a generator masked by a /dev/null link does not run', () => {
    expect(existsSync(runFile('systemd/generator/getty.target.wants'))).toBe(false);
  });

  it('daemon-reload runs them again on emptied directories', () => {
    writeFileSync(join(work, 'value'), 'two');
    expect(svcctl('daemon-reload').status).toBe(0);
    expect(existsSync(runFile('systemd/generator/gen-one.service'))).toBe(false);
    expect(svcctl('cat', 'gen-two.service').stdout).toContain('Description=Generated two');
    // gen-one.service keeps running (a reload never stops a unit), now without a file.
    expect(svcctl('show', '-p', 'LoadState', '--value', 'gen-one.service').stdout).toBe('not-found\n');
  });

  it('stops PostgreSQL through its ExecStop= on SIGTERM (a clean shutdown in its own log)', async () => {
    signalPid(ns!.pid1(), 'SIGTERM');
    expect(await ns!.exit).toBe(0);
    expect(ns!.output()).toMatch(new RegExp(`Stopped postgresql@${clusters[0]}\\.service`));
    const log = readFileSync(join(work, `var-upper/log/postgresql/postgresql-${clusters[0]}.log`), 'utf8');
    expect(log).toMatch(/database system is shut down/);
  });
});
