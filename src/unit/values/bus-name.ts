import type { Result } from '../../shared/result.js';

/** The D-Bus specification's longest bus name. */
const BUS_NAME_MAX = 255;

/**
 * A D-Bus bus name as BusName= takes it: a well-known name ("org.example.app": two or more
 * dot-separated elements of letters, digits, '_' and '-', none starting with a digit) or a unique
 * name (":1.42", whose elements may start with a digit). systemd 252 refuses anything else.
 */
export function parseBusName(text: string): Result<string, string> {
  const unique = text.startsWith(':');
  const elements = (unique ? text.slice(1) : text).split('.');
  const good = text.length <= BUS_NAME_MAX && elements.length >= 2 &&
    elements.every((e) => /^[A-Za-z0-9_-]+$/.test(e) && (unique || !/^[0-9]/.test(e)));
  return good ? { ok: true, value: text } : { ok: false, error: 'invalid bus name' };
}
