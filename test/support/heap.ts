// The memory tests' one measure: V8's heap in use right after its own full collection (gc(),
// exposed here for the test process), so only what is still reachable is counted. Never timed.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Bytes of V8's heap in use after a full collection. */
export function liveHeapBytes(): number {
  gc();
  return process.memoryUsage().heapUsed;
}
