import { sql } from 'kysely';
import type { ServiceContext } from './context.ts';
import { RateLimited } from './errors.ts';
import { sha256Hex } from './tokens.ts';

/**
 * Sign-in throttling that slows guessing without letting anyone lock an account (issue 14 §3).
 *
 * Failures are counted under three keys: this client against this account, this client against any
 * account, and this account from anywhere. Each count gives a delay that doubles with every failure
 * past a free allowance (capped); an attempt before the delay has passed is refused without checking
 * the password. The account-wide count only slows clients that are themselves failing against the
 * account, so a correct password from a client that has not been failing always gets in: someone who
 * knows the address can slow their own guesses, never the owner's sign-in.
 *
 * Counts live in `rate_limits` (one row per key: `window_start` is the time of the last failure,
 * `count` the failures since the key was last forgotten), so every node sees the same ones.
 */
export const LOGIN_THROTTLE = {
  /** Failures of one client against one account before delays start. */
  pairFreeFailures: 3,
  /** Failures of one client against all accounts (a shared address may hold many honest people). */
  clientFreeFailures: 20,
  /** Failures against one account from everywhere; applied only to clients that failed against it at least `accountAppliesAfter` times. */
  accountFreeFailures: 10,
  accountAppliesAfter: 2,
  baseDelaySeconds: 1,
  maxDelaySeconds: 15 * 60,
  /** A key with no failure for this long starts again from zero. */
  forgetAfterSeconds: 24 * 60 * 60,
} as const;

/** The wait after `failures` failures with `free` of them allowed: 0, then 1 s, 2 s, 4 s… up to the cap. */
export function throttleDelaySeconds(failures: number, free: number): number {
  if (failures < free) return 0;
  return Math.min(LOGIN_THROTTLE.baseDelaySeconds * 2 ** (failures - free), LOGIN_THROTTLE.maxDelaySeconds);
}

export interface LoginThrottleKeys {
  pair: string | undefined;
  client: string | undefined;
  account: string;
}

export function loginThrottleKeys(email: string, ip: string | undefined): LoginThrottleKeys {
  const account = sha256Hex(email);
  return {
    account: `login:account:${account}`,
    client: ip ? `login:ip:${ip}` : undefined,
    pair: ip ? `login:pair:${account}:${ip}` : undefined,
  };
}

function listed(keys: LoginThrottleKeys): string[] {
  return [keys.pair, keys.client, keys.account].filter((key): key is string => key !== undefined);
}

/** Throws RateLimited (with the seconds to wait) when this client must wait before trying this account again. */
export async function checkLoginThrottle(ctx: ServiceContext, keys: LoginThrottleKeys): Promise<void> {
  const now = ctx.now().getTime();
  const rows = await ctx.db.selectFrom('rate_limits').selectAll().where('key', 'in', listed(keys)).execute();
  const count = (key: string | undefined) => {
    const row = rows.find((r) => r.key === key);
    if (!row || now - Date.parse(row.window_start) > LOGIN_THROTTLE.forgetAfterSeconds * 1000) return { failures: 0, last: 0 };
    return { failures: row.count, last: Date.parse(row.window_start) };
  };
  const pair = count(keys.pair);
  const client = count(keys.client);
  const account = count(keys.account);
  const waits = [
    pair.last + throttleDelaySeconds(pair.failures, LOGIN_THROTTLE.pairFreeFailures) * 1000,
    client.last + throttleDelaySeconds(client.failures, LOGIN_THROTTLE.clientFreeFailures) * 1000,
  ];
  // Without a client address (a CLI or in-process call) the account's count is the only brake left.
  const failing = keys.pair === undefined || pair.failures >= LOGIN_THROTTLE.accountAppliesAfter;
  if (failing) waits.push(account.last + throttleDelaySeconds(account.failures, LOGIN_THROTTLE.accountFreeFailures) * 1000);
  const until = Math.max(...waits);
  if (until > now) throw new RateLimited(Math.ceil((until - now) / 1000));
}

/** Counts one failed sign-in under each key (one statement per key, so two nodes counting at once both count). */
export async function countLoginFailure(ctx: ServiceContext, keys: LoginThrottleKeys): Promise<void> {
  const at = ctx.now();
  const stale = new Date(at.getTime() - LOGIN_THROTTLE.forgetAfterSeconds * 1000).toISOString();
  for (const key of listed(keys)) {
    await ctx.db.insertInto('rate_limits').values({ key, window_start: at.toISOString(), count: 1 })
      .onConflict((oc) => oc.column('key').doUpdateSet({
        count: sql`case when rate_limits.window_start < ${stale} then 1 else rate_limits.count + 1 end`,
        window_start: at.toISOString(),
      })).execute();
  }
}

/**
 * A sign-in succeeded: this client's count against the account is forgotten. The client's and the
 * account's counts are kept (one good password must not wash out a stream of guesses); they fade.
 */
export async function clearLoginThrottle(ctx: ServiceContext, keys: LoginThrottleKeys): Promise<void> {
  if (keys.pair) await ctx.db.deleteFrom('rate_limits').where('key', '=', keys.pair).execute();
}
