/**
 * The footer systemctl prints under list-sockets, list-timers and list-paths (its output_legend()):
 * a blank line, the count, and without --all the hint that inactive units were left out.
 */
export function listLegend(type: 'socket' | 'timer' | 'path', n: number, all: boolean): string {
  return `\n${n} ${type}s listed.\n${all ? '' : `Pass --all to see loaded but inactive ${type}s, too.\n`}`;
}
