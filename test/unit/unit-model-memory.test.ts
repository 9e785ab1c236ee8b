// What a loaded unit's model costs the heap, 1,000 services paying it 1,000 times. Measured in this
// process with V8's own gc() (exposed for the test) around the models made, never timed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toEngineUnit } from '../../src/engine/model-adapter.js';
import { loadUnit } from '../../src/unit/load.js';
import { buildUnitFileMap } from '../../src/unit/unit-file-map.js';
import { liveHeapBytes } from '../support/heap.js';

const dir = mkdtempSync(join(tmpdir(), 'svcd-model-memory-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('unit models', () => {
  it('of units of every type share their shapes: a service\'s model stays under 4.5 KiB', () => {
    const n = 2000;
    for (let i = 0; i < n; i++) writeFileSync(join(dir, `s${i}.service`), '[Unit]\nDescription=s\n[Service]\nExecStart=/bin/sleep 1000\n');
    // The other types pass through the same code first, as at a boot.
    const others = ['a.target', 'b.socket', 'c.timer', 'd.path', 'e.slice', 'f.mount'];
    writeFileSync(join(dir, 'a.target'), '[Unit]\n');
    writeFileSync(join(dir, 'b.socket'), '[Socket]\nListenStream=/run/b.sock\n');
    writeFileSync(join(dir, 'c.timer'), '[Timer]\nOnActiveSec=1h\n');
    writeFileSync(join(dir, 'd.path'), '[Path]\nPathExists=/x\n');
    writeFileSync(join(dir, 'e.slice'), '[Unit]\n');
    writeFileSync(join(dir, 'f.mount'), '[Mount]\nWhat=/a\nWhere=/f\n');
    const map = buildUnitFileMap([dir]);
    const kept: unknown[] = [];
    for (let round = 0; round < 3; round++) for (const name of others) kept.push(toEngineUnit(loadUnit(map, name)));
    const before = liveHeapBytes();
    for (let i = 0; i < n; i++) kept.push(toEngineUnit(loadUnit(map, `s${i}.service`)));
    const perUnit = (liveHeapBytes() - before) / n;
    // Copies spread at sites that had seen every type got a hidden class each (a map and its
    // descriptors): 5.4 KiB per service then, 3.5 KiB with shared shapes.
    expect(perUnit).toBeLessThan(4.5 * 1024);
  });
});
