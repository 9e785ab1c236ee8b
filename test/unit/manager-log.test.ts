// svcd's own log (pino): each record becomes one journal entry with its priority, UNIT= and its
// other fields upper-cased, and a console line from info up while the console is there.
import { describe, expect, it } from 'vitest';
import { createManagerLog } from '../../src/journal/manager-log.js';

function sinks(open = true) {
  const entries: { text: string; unit?: string; priority?: number; fields: readonly unknown[] }[] = [];
  const lines: string[] = [];
  let isOpen = open;
  const log = createManagerLog({
    journal: { log: (text, unit, priority, fields = []) => entries.push({ text, unit, priority, fields }) },
    stderr: (line) => lines.push(line),
    consoleOpen: () => isOpen,
  });
  return { log, entries, lines, close: () => (isOpen = false) };
}

describe('createManagerLog', () => {
  it('words a unit\'s message "unit: text" (once) and files it under UNIT=', () => {
    const s = sinks();
    s.log.info({ unit: 'nginx.service' }, 'Main process exited, code=exited, status=1/FAILURE');
    s.log.info({ unit: 'nginx.service' }, 'nginx.service: already worded');
    expect(s.entries.map((e) => [e.text, e.unit, e.priority])).toEqual([
      ['nginx.service: Main process exited, code=exited, status=1/FAILURE', 'nginx.service', 6],
      ['nginx.service: already worded', 'nginx.service', 6],
    ]);
    expect(s.lines).toEqual(['svcd: nginx.service: Main process exited, code=exited, status=1/FAILURE\n', 'svcd: nginx.service: already worded\n']);
  });

  it('unitInfo (the engine\'s lines, past pino) gives what info({ unit }, text) gives', () => {
    const a = sinks();
    const b = sinks();
    for (const [text, unit] of [['Main process exited, code=killed, status=9/KILL', 'r.service'], ['r.service: already worded', 'r.service'], ['no unit', undefined], ['empty unit', '']] as const) {
      a.log.info({ unit }, text);
      b.log.unitInfo(text, unit);
    }
    expect(b.entries).toEqual(a.entries);
    expect(b.lines).toEqual(a.lines);
    expect(b.entries[0]).toEqual({ text: 'r.service: Main process exited, code=killed, status=9/KILL', unit: 'r.service', priority: 6, fields: [] });
  });

  it('maps levels to syslog priorities; debug goes to the journal only', () => {
    const s = sinks();
    s.log.debug('d');
    s.log.warn('w');
    s.log.error('e');
    s.log.fatal('f');
    expect(s.entries.map((e) => e.priority)).toEqual([7, 4, 3, 2]);
    expect(s.lines).toEqual(['svcd: w\n', 'svcd: e\n', 'svcd: f\n']);
  });

  it('carries other fields as upper-case journal fields, dropping names journald would refuse', () => {
    const s = sinks();
    s.log.warn({ generator: '/lib/x', errno: 'EPIPE', 'bad-name': 1, count: 3 }, 'm');
    expect(s.entries[0]!.fields).toEqual([['GENERATOR', '/lib/x'], ['ERRNO', 'EPIPE'], ['COUNT', '3']]);
  });

  it('stops writing to a console that went away, and keeps journaling', () => {
    const s = sinks();
    s.close();
    s.log.error('after');
    expect(s.lines).toEqual([]);
    expect(s.entries.map((e) => e.text)).toEqual(['after']);
  });
});
