/** Targets (systemd.target(5)): no processes; active as soon as started, inactive when stopped. */
import type { UnitTypeModule } from './unit-type.js';

export const targetType: UnitTypeModule = {
  start(u) {
    u.setState('active', 'active');
  },
  stop(u) {
    u.setState('inactive', 'dead');
  },
  childExit() {
    // Targets have no processes.
  },
};
