import { randomBytes } from 'node:crypto';

/** A fresh 128-bit id per run, as systemd gives each invocation ($INVOCATION_ID, InvocationID=): every kind's. */
export function newInvocationId(): string {
  return randomBytes(16).toString('hex');
}
