// svcctl --root add-wants and add-requires against systemctl --root (systemd 252) on the trees of
// DEPENDENCY_TREES (test/fixtures/install/trees.mjs), recorded by scripts/record-install-fixtures.sh
// into recorded-dependencies.json: same stdout, stderr, exit status and symlinks afterwards;
// re-checked live where systemctl is installed. "Removed" lines come before their "Created" one,
// so the order of stderr is compared as it is.
import { recordedTreesSuite } from '../support/install-replay.js';
import { DEPENDENCY_TREES } from '../fixtures/install/trees.mjs';

recordedTreesSuite('svcctl --root add-wants/add-requires vs systemctl --root', DEPENDENCY_TREES, 'recorded-dependencies.json');
