/**
 * Typed value parsers for unit-file directives. Each returns Result<T, string> whose error is the
 * reason, so the directive table can log "file:line: Failed to parse Key=value, ignoring" (or
 * fail the unit where systemd does) without knowing any value syntax itself.
 */
export * from './words.js';
export * from './numbers.js';
export * from './boolean.js';
export * from './enum.js';
export * from './timespan.js';
export * from './rlimit.js';
export * from './exec.js';
export * from './environment.js';
export * from './strings.js';
export * from './signal.js';
export * from './path.js';
export * from './bytes.js';
export * from './capability.js';
export * from './resource.js';
export * from './bus-name.js';
