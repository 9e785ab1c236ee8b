// What the benchmarks share: their command-line options, the median they report, and the fields
// svcd writes for a service's stdout, for the journals they generate.
import { JournalData } from '../dist/journal/file-writer.js';

/** `--name VALUE` taken out of argv (so what is left are the positional arguments), else dflt. */
export function takeOption(argv, name, dflt) {
  const i = argv.indexOf(name);
  return i >= 0 ? argv.splice(i, 2)[1] : dflt;
}

export const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

export const MACHINE_ID = '3d1219c7c4c5404aaa1f6d2a48adfda4';
export const BOOT_ID = '0123456789abcdef0123456789abcdef';

/** The trusted and syslog fields of one service's stdout line, as svcd's capture writes them. */
export function serviceFields(unit, pid) {
  const name = unit.split('.')[0];
  return [
    new JournalData('_SYSTEMD_UNIT', unit), new JournalData('_SYSTEMD_SLICE', 'system.slice'), new JournalData('_SYSTEMD_CGROUP', `/system.slice/${unit}`),
    new JournalData('_PID', String(pid)), new JournalData('_UID', '0'), new JournalData('_GID', '0'), new JournalData('_COMM', name),
    new JournalData('_TRANSPORT', 'stdout'), new JournalData('SYSLOG_IDENTIFIER', name), new JournalData('SYSLOG_FACILITY', '3'),
    new JournalData('PRIORITY', '6'), new JournalData('_BOOT_ID', BOOT_ID), new JournalData('_MACHINE_ID', MACHINE_ID), new JournalData('_HOSTNAME', 'bench'),
  ];
}
