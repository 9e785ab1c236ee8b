// loadManagerConfig: systemd-system.conf(5) and journald.conf(5) keys, defaults, drop-ins, diagnostics.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadManagerConfig } from '../../src/config/system-conf.js';
import { configFiles, DEFAULT_DROPIN_DIRS, dropinDirsFor } from '../../src/config/conf-files.js';
import { USEC_INFINITY } from '../../src/shared/timespan.js';

function setup(main: string | null, dropins: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'svcd-conf-'));
  const path = join(dir, 'system.conf');
  if (main !== null) writeFileSync(path, main);
  if (Object.keys(dropins).length > 0) {
    mkdirSync(`${path}.d`);
    for (const [name, text] of Object.entries(dropins)) writeFileSync(join(`${path}.d`, name), text);
  }
  return path;
}

describe('loadManagerConfig', () => {
  it('reads journald.conf and its drop-ins first (their [Journal] only), svcd\'s own [Journal] then overriding key by key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'svcd-journald-conf-'));
    const journald = join(dir, 'journald.conf');
    const dropin = join(dir, 'journald.conf.d-10-syslog.conf');
    writeFileSync(journald, '[Journal]\nForwardToSyslog=no\nMaxLevelSyslog=warning\n[Manager]\nDefaultRestartSec=5\n');
    writeFileSync(dropin, '[Journal]\nMaxLevelSyslog=notice\n');
    const alone = loadManagerConfig(setup(null), [], [journald, dropin]);
    expect(alone.config.journal.forwardToSyslog).toBe(false);
    expect(alone.config.journal.maxLevelSyslog).toBe('notice');
    expect(alone.config.manager.defaultRestartUSec).toBe(100_000n);
    expect(alone.diagnostics.map((d) => `${d.loc?.file}:${d.loc?.line}: ${d.message}`)).toEqual([`${journald}:4: Unknown section 'Manager'. Ignoring.`]);
    const overridden = loadManagerConfig(setup('[Journal]\nForwardToSyslog=yes\n'), [], [journald, dropin]);
    expect(overridden.config.journal.forwardToSyslog).toBe(true);
    expect(overridden.config.journal.maxLevelSyslog).toBe('notice');
    // Debian's systemd 252 forwards to syslog unless told not to (its journald.conf says "#ForwardToSyslog=yes").
    expect(loadManagerConfig(setup(null), [], []).config.journal.forwardToSyslog).toBe(true);
  });

  it('reads the file as bytes: a line that is not UTF-8 is refused with its file:line, as unit files are, not decoded into U+FFFD', () => {
    const path = setup(null);
    writeFileSync(path, Buffer.from('[Manager]\nDefaultEnvironment=A=1\nDefaultEnvironment=B=\xff\n', 'latin1'));
    const { config, diagnostics } = loadManagerConfig(path, []);
    expect(config.manager.defaultEnvironment).toEqual(['A=1']);
    expect(diagnostics.map((d) => `${d.loc?.line}: ${d.message}`).join('\n')).toMatch(/^3: String is not UTF-8 clean, ignoring assignment: DefaultEnvironment=B=\ufffd$/m);
  });

  it('a missing file is not an error and yields the man pages\' defaults', () => {
    const { config, diagnostics } = loadManagerConfig(setup(null));
    expect(diagnostics).toEqual([]);
    const m = config.manager;
    // systemd-system.conf(5): "DefaultTimeoutStartSec= and DefaultTimeoutStopSec= default to 90s",
    // "DefaultRestartSec= defaults to 100ms", "DefaultStartLimitIntervalSec= defaults to 10s",
    // "DefaultStartLimitBurst= defaults to 5", "DefaultLimitNOFILE= defaults to 1024:524288",
    // "DefaultLimitMEMLOCK= defaults to 8M", ShowStatus=yes, DefaultStandardOutput=journal.
    expect(m.defaultTimeoutStartUSec).toBe(90_000_000n);
    expect(m.defaultTimeoutStopUSec).toBe(90_000_000n);
    expect(m.defaultTimeoutAbortUSec).toBeNull();
    expect(m.defaultRestartUSec).toBe(100_000n);
    expect(m.defaultStartLimitIntervalUSec).toBe(10_000_000n);
    expect(m.defaultStartLimitBurst).toBe(5);
    expect(m.defaultLimits.NOFILE).toEqual({ soft: 1024n, hard: 524288n });
    expect(m.defaultLimits.MEMLOCK).toEqual({ soft: 8388608n, hard: 8388608n });
    expect(m.defaultLimits.CORE).toBeUndefined();
    expect(m.showStatus).toBe('yes');
    expect(m.defaultStandardOutput).toBe('journal');
    expect(m.defaultStandardError).toBe('inherit');
    const j = config.journal;
    // journald.conf(5): Storage=auto, LineMax=48K, MaxLevelStore=debug, MaxLevelConsole=info,
    // SystemMaxFiles=100, SyncIntervalSec=5min, MaxRetentionSec=0, ForwardToConsole=no.
    expect(j.storage).toBe('auto');
    expect(j.lineMax).toBe(49152n);
    expect(j.maxLevelStore).toBe('debug');
    expect(j.maxLevelConsole).toBe('info');
    expect(j.systemMaxFiles).toBe(100);
    expect(j.syncIntervalUSec).toBe(300_000_000n);
    expect(j.maxRetentionUSec).toBe(0n);
    expect(j.forwardToConsole).toBe(false);
    // svcd's deliberate difference: rate limiting off.
    expect(j.rateLimitBurst).toBe(0);
    expect(j.rateLimitIntervalUSec).toBe(0n);
  });

  it('reads [Manager] and [Journal] keys with their value syntax', () => {
    const path = setup(`# comment
[Manager]
DefaultTimeoutStartSec=5min 20s
DefaultTimeoutStopSec=infinity
DefaultTimeoutAbortSec=10s
DefaultRestartSec=1.5
DefaultStartLimitBurst=10
DefaultLimitNOFILE=4096:8192
DefaultLimitCORE=infinity
DefaultLimitCPU=1h
DefaultEnvironment=A=1 "B=two words" A=3
LogLevel=debug
LogTarget=console
ShowStatus=no
DefaultStandardOutput=journal+console

[Journal]
Storage=volatile
SystemMaxUse=1G
RuntimeMaxFileSize=16M
MaxRetentionSec=1month
RateLimitIntervalSec=30s
RateLimitBurst=10000
ForwardToConsole=yes
MaxLevelStore=5
LineMax=10
`);
    const { config, diagnostics } = loadManagerConfig(path);
    expect(diagnostics).toEqual([]);
    const m = config.manager;
    expect(m.defaultTimeoutStartUSec).toBe(320_000_000n);
    expect(m.defaultTimeoutStopUSec).toBe(USEC_INFINITY);
    expect(m.defaultTimeoutAbortUSec).toBe(10_000_000n);
    expect(m.defaultRestartUSec).toBe(1_500_000n);
    expect(m.defaultStartLimitBurst).toBe(10);
    expect(m.defaultLimits.NOFILE).toEqual({ soft: 4096n, hard: 8192n });
    expect(m.defaultLimits.MEMLOCK).toEqual({ soft: 8388608n, hard: 8388608n });
    expect(m.defaultLimits.CORE).toEqual({ soft: (1n << 64n) - 1n, hard: (1n << 64n) - 1n });
    expect(m.defaultLimits.CPU).toEqual({ soft: 3600n, hard: 3600n });
    expect(m.defaultEnvironment).toEqual(['A=3', 'B=two words']);
    expect(m.logLevel).toBe('debug');
    expect(m.logTarget).toBe('console');
    expect(m.showStatus).toBe('no');
    expect(m.defaultStandardOutput).toBe('journal+console');
    const j = config.journal;
    expect(j.storage).toBe('volatile');
    expect(j.systemMaxUse).toBe(1n << 30n);
    expect(j.runtimeMaxFileSize).toBe(16n << 20n);
    expect(j.maxRetentionUSec).toBe(2_629_800_000_000n);
    expect(j.rateLimitIntervalUSec).toBe(30_000_000n);
    expect(j.rateLimitBurst).toBe(10000);
    expect(j.forwardToConsole).toBe(true);
    expect(j.maxLevelStore).toBe('notice');
    expect(j.lineMax).toBe(79n);
  });

  it('reports a bad value with file, line, key and value, and keeps the default', () => {
    const path = setup('[Manager]\nDefaultTimeoutStartSec=soon\nShowStatus=maybe\n[Journal]\nStorage=cloud\nNoSuchKey=1\n[Bogus]\nX=1\n');
    const { config, diagnostics } = loadManagerConfig(path);
    expect(config.manager.defaultTimeoutStartUSec).toBe(90_000_000n);
    expect(config.manager.showStatus).toBe('yes');
    expect(config.journal.storage).toBe('auto');
    const msgs = diagnostics.map((d) => `${d.loc?.file === path ? 'F' : '?'}:${d.loc?.line}: ${d.message}`);
    expect(msgs).toEqual([
      'F:2: Failed to parse DefaultTimeoutStartSec=soon, ignoring: Invalid argument',
      expect.stringMatching(/^F:3: Failed to parse ShowStatus=maybe, ignoring: /),
      expect.stringMatching(/^F:5: Failed to parse Storage=cloud, ignoring: /),
      "F:6: Unknown key name 'NoSuchKey' in section 'Journal', ignoring.",
      "F:7: Unknown section 'Bogus'. Ignoring.",
    ]);
  });

  it('applies drop-ins in lexical order after the main file; other files in .d are ignored', () => {
    const path = setup('[Manager]\nDefaultRestartSec=1s\nLogLevel=notice\n', {
      '20-b.conf': '[Manager]\nDefaultRestartSec=3s\n',
      '10-a.conf': '[Manager]\nDefaultRestartSec=2s\nLogLevel=err\n',
      '30-c.conf.disabled': '[Manager]\nDefaultRestartSec=9s\n',
    });
    const { config } = loadManagerConfig(path);
    expect(config.manager.defaultRestartUSec).toBe(3_000_000n);
    expect(config.manager.logLevel).toBe('err');
  });

  it('drop-ins apply even without a main file', () => {
    const path = setup(null, { 'a.conf': '[Journal]\nStorage=none\n' });
    expect(loadManagerConfig(path).config.journal.storage).toBe('none');
  });

  it('returns a deeply frozen config', () => {
    const { config } = loadManagerConfig(setup(null));
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.manager)).toBe(true);
    expect(Object.isFrozen(config.manager.defaultLimits)).toBe(true);
    expect(Object.isFrozen(config.manager.defaultLimits.NOFILE)).toBe(true);
    expect(Object.isFrozen(config.journal)).toBe(true);
  });
});

describe('DefaultEnvironment= across files', () => {
  it('adds up drop-in by drop-in; an empty value resets', () => {
    const path = setup('[Manager]\nDefaultEnvironment=A=1 B=2\n', {
      '10.conf': '[Manager]\nDefaultEnvironment=B=3 C=4\n',
    });
    expect(loadManagerConfig(path).config.manager.defaultEnvironment).toEqual(['A=1', 'B=3', 'C=4']);
    const reset = setup('[Manager]\nDefaultEnvironment=A=1\n', { '10.conf': '[Manager]\nDefaultEnvironment=\n' });
    expect(loadManagerConfig(reset).config.manager.defaultEnvironment).toEqual([]);
  });
});

describe('systemd syntax, as systemd.syntax(7) reads system.conf', () => {
  it('two DefaultEnvironment= lines in one file add up', () => {
    const path = setup('[Manager]\nDefaultEnvironment=A=1 B=2\nDefaultEnvironment=C=3 A=4\n');
    const { config, diagnostics } = loadManagerConfig(path);
    expect(diagnostics).toEqual([]);
    expect(config.manager.defaultEnvironment).toEqual(['A=4', 'B=2', 'C=3']);
  });

  it('an empty assignment in the same file resets the list', () => {
    const path = setup('[Manager]\nDefaultEnvironment=A=1\nDefaultEnvironment=\nDefaultEnvironment=B=2\n');
    expect(loadManagerConfig(path).config.manager.defaultEnvironment).toEqual(['B=2']);
  });

  it('a line ending in a backslash continues on the next one', () => {
    const path = setup('[Manager]\nDefaultEnvironment=A=1 \\\n  B=2 \\\n# a comment inside is skipped\n  C=3\nDefaultRestartSec=2s\n');
    const { config, diagnostics } = loadManagerConfig(path);
    expect(diagnostics).toEqual([]);
    expect(config.manager.defaultEnvironment).toEqual(['A=1', 'B=2', 'C=3']);
    expect(config.manager.defaultRestartUSec).toBe(2_000_000n);
  });

  it('quotes are the value\'s: one quoted assignment keeps its space', () => {
    const path = setup('[Manager]\nDefaultEnvironment="A=1 B=2"\n');
    expect(loadManagerConfig(path).config.manager.defaultEnvironment).toEqual(['A=1 B=2']);
  });

  it('an error names the file, the line the directive is on, and the directive', () => {
    // The same key twice, and a section repeated: the warning is at the bad line, not the last
    // mention of the key.
    const path = setup('[Manager]\nDefaultTimeoutStartSec=soon\n[Journal]\nStorage=auto\n[Manager]\nDefaultTimeoutStartSec=5s\n');
    const { config, diagnostics } = loadManagerConfig(path);
    expect(diagnostics.map((d) => [d.loc?.file, d.loc?.line, d.message])).toEqual([
      [path, 2, 'Failed to parse DefaultTimeoutStartSec=soon, ignoring: Invalid argument'],
    ]);
    expect(config.manager.defaultTimeoutStartUSec).toBe(5_000_000n);
  });

  it('a continued statement is reported at its last line', () => {
    const path = setup('[Manager]\nLogLevel=debug\nDefaultRestartSec=1 \\\nfortnight\n');
    const { diagnostics } = loadManagerConfig(path);
    expect(diagnostics.map((d) => [d.loc?.line, d.message.split(',')[0]])).toEqual([[4, 'Failed to parse DefaultRestartSec=1  fortnight']]);
  });
});

describe('drop-in directories', () => {
  function dirs(): { root: string; dirs: string[] } {
    const root = mkdtempSync(join(tmpdir(), 'svcd-conf-dirs-'));
    const ds = ['etc', 'run', 'usr-local-lib', 'usr-lib'].map((d) => join(root, d, 'system.conf.d'));
    for (const d of ds) mkdirSync(d, { recursive: true });
    return { root, dirs: ds };
  }

  it('a drop-in overrides the main file', () => {
    const { root, dirs: ds } = dirs();
    const main = join(root, 'system.conf');
    writeFileSync(main, '[Manager]\nDefaultTimeoutStopSec=30s\n[Journal]\nStorage=persistent\n');
    writeFileSync(join(ds[3]!, '50-vendor.conf'), '[Manager]\nDefaultTimeoutStopSec=10s\n');
    const { config } = loadManagerConfig(main, ds);
    expect(config.manager.defaultTimeoutStopUSec).toBe(10_000_000n);
    expect(config.journal.storage).toBe('persistent');
  });

  it('sorts by file name across directories; a name in /etc masks the same name in /usr/lib', () => {
    const { root, dirs: ds } = dirs();
    const [etc, run, , usrLib] = ds as [string, string, string, string];
    writeFileSync(join(usrLib, '10-a.conf'), '[Manager]\nDefaultRestartSec=1s\nDefaultEnvironment=V=usr\n');
    writeFileSync(join(run, '20-b.conf'), '[Manager]\nDefaultRestartSec=2s\nDefaultEnvironment=R=run\n');
    writeFileSync(join(usrLib, '30-c.conf'), '[Manager]\nDefaultRestartSec=3s\n');
    writeFileSync(join(etc, '30-c.conf'), '');
    writeFileSync(join(usrLib, '.hidden.conf'), '[Manager]\nDefaultRestartSec=9s\n');
    const main = join(root, 'system.conf');
    writeFileSync(main, '[Manager]\nDefaultEnvironment=M=main\n');
    expect(configFiles(main, ds)).toEqual([main, join(usrLib, '10-a.conf'), join(run, '20-b.conf'), join(etc, '30-c.conf')]);
    const { config } = loadManagerConfig(main, ds);
    expect(config.manager.defaultRestartUSec).toBe(2_000_000n);
    expect(config.manager.defaultEnvironment).toEqual(['M=main', 'V=usr', 'R=run']);
  });

  it('the default file has systemd\'s four drop-in directories; another file its FILE.d', () => {
    expect(dropinDirsFor('/etc/svcd/system.conf')).toEqual(DEFAULT_DROPIN_DIRS);
    expect(DEFAULT_DROPIN_DIRS).toEqual([
      '/etc/svcd/system.conf.d', '/run/svcd/system.conf.d', '/usr/local/lib/svcd/system.conf.d', '/usr/lib/svcd/system.conf.d',
    ]);
    expect(dropinDirsFor('/srv/my.conf')).toEqual(['/srv/my.conf.d']);
  });
});
