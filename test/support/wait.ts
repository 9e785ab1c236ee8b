// Waiting on what a test can see, without timing assertions: a condition polled until it holds or
// a generous limit passes, and the runs a oneshot service noted as lines in a file.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sleep } from './svcd-ns.js';

/** Polls `pred` every 50 ms until it holds or `ms` pass; answers whether it held. */
export async function until(pred: () => boolean | Promise<boolean>, ms = 20000): Promise<boolean> {
  for (let t = 0; t < ms; t += 50) {
    if (await pred()) return true;
    await sleep(50);
  }
  return pred();
}

/** How many lines a service appended to DIR/NAME (0 while there is no such file). */
export const runCount = (dir: string, name: string): number =>
  existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8').split('\n').filter(Boolean).length : 0;
