#!/usr/bin/env node
// Boots real systemd 252 as PID 1 of a namespace (../shared/tools/systemd-ns) on
// test/fixtures/socket-accept/units and runs test/support/socket-accept.mjs against it: Accept=yes
// sockets' counters, status's "Accepted: N; Connected: M;" line and the instances' names, after
// connections over a unix path, IPv6 and IPv4, and past MaxConnections=. Writes
// test/fixtures/socket-accept/recorded.json; test/e2e/socket-accept-differential.test.ts compares svcd.
import { ACCEPT_FIXTURES, runAcceptSteps } from '../test/support/socket-accept.mjs';
import { recordScenario } from '../test/support/systemd-ns-scenario.mjs';

console.log(`recorded ${await recordScenario(ACCEPT_FIXTURES, runAcceptSteps)} steps`);
