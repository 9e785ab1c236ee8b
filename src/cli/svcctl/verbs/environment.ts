/**
 * systemctl's manager environment verbs (systemctl(1), "Environment Commands"): show-environment,
 * set-environment, unset-environment, import-environment. The block is svcd's
 * (src/engine/manager-environment.ts); these verbs only carry words to it and print it, with
 * systemctl 252's texts and exit codes (test/fixtures/environment/oracle.json).
 */
import { call, ConnectionError, type Method, type Methods } from '../../../control/protocol.js';
import { envNameIsValid } from '../../../unit/values/environment.js';
import { shellQuotePosix } from '../../../shared/shell-quote.js';
import { page, wantsPager } from '../pager.js';
import { EXIT_FAILURE, type VerbContext } from '../context.js';
import { socketPath } from './online.js';

/** A refusal or failure already in systemctl's words. */
class Failed extends Error {}

async function rpc<M extends Method>(ctx: VerbContext, method: M, params: Methods[M]['params'], what: string): Promise<Methods[M]['result']> {
  let r;
  try {
    r = await call(socketPath(ctx), method, params);
  } catch (e) {
    if (e instanceof ConnectionError) throw new Failed(e.message);
    throw e;
  }
  if (!r.ok) throw new Failed(`Failed to ${what}: ${r.error.message}`);
  return r.result;
}

/** One NAME=value a line, the value quoted for the shell where it needs it. */
async function showEnvironment(ctx: VerbContext): Promise<number> {
  const { environment } = await rpc(ctx, 'environment', {}, 'get environment');
  const text = environment.map((a) => `${a.slice(0, a.indexOf('=') + 1)}${shellQuotePosix(a.slice(a.indexOf('=') + 1))}\n`).join('');
  if (wantsPager(ctx, ctx.options.noPager)) await page(text, ctx);
  else ctx.stdout.write(text);
  return 0;
}

/** import-environment's assignments from svcctl's own environment (all of it when no name is given, as 252 still allows). */
function imported(ctx: VerbContext): string[] {
  if (ctx.args.length === 0) {
    ctx.stderr.write('Calling import-environment without a list of variable names is deprecated.\n');
    return Object.entries(ctx.env).filter(([k, v]) => v !== undefined && envNameIsValid(k)).map(([k, v]) => `${k}=${v}`);
  }
  const out: string[] = [];
  for (const name of ctx.args) {
    if (!envNameIsValid(name)) throw new Failed(`Not a valid environment variable name: ${name}`);
    const v = ctx.env[name];
    if (v === undefined) ctx.stderr.write(`Environment variable $${name} not set, ignoring.\n`);
    else out.push(`${name}=${v}`);
  }
  return out;
}

export async function run(ctx: VerbContext): Promise<number> {
  try {
    switch (ctx.verb) {
      case 'show-environment':
        return await showEnvironment(ctx);
      case 'set-environment':
      case 'unset-environment': {
        if (ctx.args.length === 0) {
          ctx.stderr.write('Too few arguments.\n');
          return EXIT_FAILURE;
        }
        const words = [...ctx.args];
        await rpc(ctx, 'set-environment', ctx.verb === 'set-environment' ? { set: words, unset: [] } : { set: [], unset: words }, 'set environment');
        return 0;
      }
      default: {
        const set = imported(ctx);
        await rpc(ctx, 'set-environment', { set, unset: [] }, 'import environment');
        return 0;
      }
    }
  } catch (e) {
    if (!(e instanceof Failed)) throw e;
    ctx.stderr.write(`${e.message}\n`);
    return EXIT_FAILURE;
  }
}
