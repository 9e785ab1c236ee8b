// The `bad` unit file state: svcctl --root list-unit-files and is-enabled against systemctl --root
// (systemd 252) on the trees of BAD_TREES (test/fixtures/install/trees.mjs), recorded by
// scripts/record-install-fixtures.sh into recorded-bad.json: dangling links, a config dir's link to
// its own name back into the search path, a link to a directory, alias loops and a dangling alias.
// Same stdout, stderr, exit status and links; re-checked live where systemctl is installed.
import { recordedTreesSuite } from '../support/install-replay.js';
import { BAD_TREES } from '../fixtures/install/trees.mjs';

recordedTreesSuite('svcctl --root: unit files systemctl judges bad', BAD_TREES, 'recorded-bad.json');
