#!/usr/bin/env node
// Boots real systemd 252 as PID 1 of a namespace (../shared/tools/systemd-ns) on
// test/fixtures/socket-listen-kinds/units and runs test/support/socket-listen-kinds.mjs against it:
// ListenNetlink= and ListenMessageQueue= sockets, their Listen= text (parse.socket: the values
// systemd accepts and refuses), list-sockets, activation by a link change and by mq_send().
// Writes test/fixtures/socket-listen-kinds/recorded.json; test/e2e/socket-listen-kinds-differential.test.ts compares svcd.
import { LISTEN_KINDS_FIXTURES, runListenKindsSteps } from '../test/support/socket-listen-kinds.mjs';
import { recordScenario } from '../test/support/systemd-ns-scenario.mjs';

console.log(`recorded ${await recordScenario(LISTEN_KINDS_FIXTURES, runListenKindsSteps)} steps`);
