#!/usr/bin/env node
// Boots real systemd 252 as PID 1 of a namespace (../shared/tools/systemd-ns) on
// test/fixtures/fd-store/units and runs test/support/fd-store.mjs against it: a service that keeps
// memfds in the manager's fd store (FDSTORE=1, FDNAME=, FDSTOREREMOVE=1, past FileDescriptorStoreMax=)
// and reports what it gets back after a crash and automatic restart, a restart, daemon-reexec, a
// stop and a start. Writes test/fixtures/fd-store/recorded.json; test/e2e/fd-store-differential.test.ts
// compares svcd.
import { FD_STORE_FIXTURES, runFdStoreSteps } from '../test/support/fd-store.mjs';
import { recordScenario } from '../test/support/systemd-ns-scenario.mjs';

console.log(`recorded ${await recordScenario(FD_STORE_FIXTURES, runFdStoreSteps)} steps`);
