/**
 * systemd's journal units that svcd itself is: an image carrying systemd has
 * systemd-journald.service and its sockets in the search path (sysinit.target and sockets.target
 * want them), and starting them would put a second journald beside svcd's journal — two writers
 * on one journal directory, /dev/log taken from svcd. svcd owns the journal, so these units stand
 * for it: started, they become active in the sub-state systemd shows for them, with no process;
 * stopped, they become inactive and svcd's journal goes on (docs/container.md, "Images that carry
 * systemd"). systemd-journal-flush.service (journalctl --flush, a request to journald) has nothing
 * to ask of svcd, whose journal writes to its final place from the start.
 */
export const JOURNAL_UNITS: Readonly<Record<string, string>> = {
  'systemd-journald.service': 'running',
  'systemd-journald.socket': 'running',
  'systemd-journald-dev-log.socket': 'running',
  'systemd-journald-audit.socket': 'running',
  'systemd-journal-flush.service': 'exited',
};

/** The sub-state a journal unit is active in, or undefined for any other unit. */
export function journalUnitSubState(id: string): string | undefined {
  return Object.hasOwn(JOURNAL_UNITS, id) ? JOURNAL_UNITS[id] : undefined;
}
