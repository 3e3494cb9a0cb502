// The subscription side over loopback HTTP with the real platform, signed client, sync engine,
// ledger and order service: election, redemption (exactly once, also after a lost answer),
// and refusals that change nothing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startPlatform, type RunningPlatform } from '../../platform/index.js';
import { PlatformClient, PlatformError } from '../../electron/services/platform-client/index.js';
import { ComputeError, ComputeService, type ComputeTransport } from '../../electron/services/compute/index.js';
import { openWallet, until, type Wallet } from '../orders/wallet-wiring.js';
import { dec } from '../../shared/money.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ComputeError) return `${err.code}: ${err.message}`;
    throw err;
  }
  throw new Error('expected a ComputeError');
}

async function setup(held_tokens?: () => string): Promise<{ platform: RunningPlatform; account_id: string; w: Wallet; client: PlatformClient; dir: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'compute-'));
  cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const platform = await startPlatform({ db_path: path.join(dir, 'platform.db') });
  cleanup.push(() => platform.close());
  // An account whose first period has ended: its unused credits were minted into tokens.
  const { account_id } = platform.core.createAccount({ start_ms: Date.now() - platform.core.config.period_ms });
  platform.core.tick();
  const credentials = platform.core.createApiKey(account_id);
  const w = openWallet(dir, platform.url, credentials, held_tokens);
  cleanup.push(() => w.close());
  await w.sync.whenSynced(10_000);
  await until('online', () => w.orders.isOnline());
  return { platform, account_id, w, client: new PlatformClient({ base_url: platform.url, credentials, timeout_ms: 2000 }), dir };
}

/** As the app wires it, where the order service is told the tokens pending redemptions hold. */
function computeFor(w: Wallet, transport: ComputeTransport, later_ms = 0): ComputeService {
  const c: ComputeService = new ComputeService({
    db: w.ledger.database(),
    transport,
    availableTokens: () => dec(w.orders.available().token.available).minus(c.pendingTokens()).toFixed(),
    now_ms: () => Date.now() + later_ms,
    sleep: async () => {},
  });
  cleanup.push(() => c.close());
  c.setOnline(true);
  return c;
}

describe('compute: subscription, election and redemptions', () => {
  it('shows the period, changes the election, and redeems exactly once', async () => {
    const { platform, account_id, w, client } = await setup();
    const compute = computeFor(w, client);
    const view = await compute.subscription();
    expect(view.live).toBe(true);
    const sub = view.subscription;
    expect(sub.account_id).toBe(account_id);
    expect(sub.current_period.status).toBe('open');

    const e1 = await compute.setElection({ election: 'renewal_credit' });
    expect(e1.subscription.current_period.election).toBe('renewal_credit');
    expect((await compute.setElection({ election: 'renewal_credit' })).subscription.current_period.election).toBe('renewal_credit'); // repeat: harmless
    expect((await compute.setElection({ election: 'mint' })).subscription.current_period.election).toBe('mint');

    const tokens_before = w.ledger.walletBalances().token;
    const credits_before = sub.current_period.available_credits;
    const r = await compute.redeem({ tokens: '12.5' });
    expect(r).toMatchObject({ tokens: '12.5', state: 'done', attempts: 1, last_error: null });
    expect(r.seq).toBeGreaterThan(0);
    expect(Number(r.market_price_usd)).toBeGreaterThan(0);
    // The ledger learns of it from the feed (never from the answer): tokens down, credits up.
    await until('the redemption in the ledger', () => w.ledger.cursorSeq() >= r.seq!);
    expect(Number(w.ledger.walletBalances().token)).toBeCloseTo(Number(tokens_before) - 12.5, 8);
    const after = (await compute.subscription()).subscription;
    expect(Number(after.current_period.available_credits)).toBeCloseTo(Number(credits_before) + 12.5, 8);
    expect(platform.core.getEvents(account_id, 0, 1000).events.filter((e) => e.type === 'redemption')).toHaveLength(1);
    expect(compute.list().map((x) => x.request_id)).toEqual([r.request_id]);
  });

  it('refuses bad input, too many tokens and offline requests with a specific error, storing nothing', async () => {
    const { w, client } = await setup();
    const compute = computeFor(w, client);
    for (const bad of [{ tokens: '0' }, { tokens: '-1' }, { tokens: '1.234' }, { tokens: 'abc' }, { tokens: 1 }, { tokens: '1', extra: true }, {}]) {
      expect(await refusal(compute.redeem(bad)), JSON.stringify(bad)).toMatch(/^invalid_input: /);
    }
    expect(await refusal(compute.setElection({ election: 'burn' }))).toMatch(/^invalid_input: /);
    const available = w.orders.available().token.available;
    expect(await refusal(compute.redeem({ tokens: String(Number(available) + 1) }))).toMatch(/^insufficient_tokens: redeeming .* exceeds the .* available/);
    compute.setOnline(false);
    expect(await refusal(compute.redeem({ tokens: '1' }))).toMatch(/^offline: Redeeming needs the platform/);
    expect(await refusal(compute.subscription())).toMatch(/^offline: .*none were fetched yet/);
    expect(await refusal(compute.setElection({ election: 'mint' }))).toMatch(/^offline: /);
    expect(compute.list()).toEqual([]);
  });

  it('shows the subscription last fetched while offline, marked as such; a damaged copy counts as none', async () => {
    const { w, client } = await setup();
    const compute = computeFor(w, client);
    const live = await compute.subscription();
    compute.setOnline(false);
    const kept = await compute.subscription();
    expect(kept).toEqual({ ...live, live: false });
    // A copy that no longer validates (a file edited by hand, an older app) is ignored, not shown.
    w.ledger.database().prepare(`UPDATE subscription_cache SET json = '{"account_id": 5}'`).run();
    expect(await refusal(compute.subscription())).toMatch(/^offline: /);
    w.ledger.database().prepare(`UPDATE subscription_cache SET json = 'not json'`).run();
    expect(await refusal(compute.subscription())).toMatch(/^offline: /);
  });

  it('a lost answer is retried with the same request_id: redeemed once, not twice', async () => {
    const { platform, account_id, w, client } = await setup();
    let lose = 2; // the first two answers are lost after the platform applied the request
    const sent: string[] = [];
    const flaky: ComputeTransport = {
      getSubscription: () => client.getSubscription(),
      setElection: (e) => client.setElection(e),
      redeem: async (body) => {
        sent.push(body.request_id!);
        const answer = await client.redeem(body);
        if (lose-- > 0) throw new PlatformError({ status: 0, code: 'network_error', message: 'connection reset after the request was sent' });
        return answer;
      },
    };
    const compute = computeFor(w, flaky);
    const r = await compute.redeem({ tokens: '3' });
    expect(r.state).toBe('done');
    expect(r.attempts).toBe(3);
    expect(sent).toHaveLength(3); // three sends (never two at once), one request id
    expect(new Set(sent).size).toBe(1);
    expect(platform.core.getEvents(account_id, 0, 1000).events.filter((e) => e.type === 'redemption')).toHaveLength(1);
  });

  it('keeps an unanswered redemption across a restart and settles it once back online', async () => {
    // Wired as the app does: the order service holds the tokens of pending redemptions.
    const holder: { compute: ComputeService | null } = { compute: null };
    const { platform, account_id, w, client } = await setup(() => (holder.compute ? holder.compute.pendingTokens().toFixed() : '0'));
    const down: ComputeTransport = {
      getSubscription: () => client.getSubscription(),
      setElection: (e) => client.setElection(e),
      redeem: async () => {
        throw new PlatformError({ status: 0, code: 'timeout', message: 'no answer in 2000 ms' });
      },
    };
    const first = new ComputeService({ db: w.ledger.database(), transport: down, availableTokens: () => w.orders.available().token.available, sleep: async () => {} });
    first.setOnline(true);
    cleanup.push(() => first.close());
    holder.compute = first;
    const free_before = dec(w.orders.available().token.available);
    const r = await first.redeem({ tokens: '2' });
    expect(r.state).toBe('pending');
    expect(r.last_error).toMatch(/^timeout: /);
    // Its tokens are held: not redeemable again, not sellable, meanwhile.
    expect(dec(w.orders.available().token.available).eq(free_before.minus(2))).toBe(true);
    expect(await refusal(first.redeem({ tokens: free_before.minus(1).toFixed() }))).toMatch(/^insufficient_tokens/);
    expect(() => w.orders.place({ side: 'sell', type: 'limit', price: '1', quantity: free_before.minus(1).toFixed() })).toThrow(/pending redemptions/);
    // A new service over the same file (the app restarted, two minutes later) finds it and
    // sends it again with the same id.
    const again = computeFor(w, client, 120_000);
    await again.retryPending();
    const settled = again.list().find((x) => x.request_id === r.request_id)!;
    expect(settled.state).toBe('done');
    expect(platform.core.getEvents(account_id, 0, 1000).events.filter((e) => e.type === 'redemption')).toHaveLength(1);
  });

  it('retries an unanswered redemption on its own when its backoff ends (no status change needed)', async () => {
    const { platform, account_id, w, client } = await setup();
    let failures = 4; // more than the inline attempts
    const flaky: ComputeTransport = {
      getSubscription: () => client.getSubscription(),
      setElection: (e) => client.setElection(e),
      redeem: async (body) => {
        if (failures-- > 0) throw new PlatformError({ status: 503, code: 'server_error', message: 'busy' });
        return client.redeem(body);
      },
    };
    const c = new ComputeService({ db: w.ledger.database(), transport: flaky, availableTokens: () => w.orders.available().token.available, retry_base_ms: 10 });
    cleanup.push(() => c.close());
    c.setOnline(true);
    const r = await c.redeem({ tokens: '1' });
    expect(r.state).toBe('pending');
    await until('the timer-driven retry', () => c.list()[0]?.state === 'done', 10_000);
    expect(c.list()[0]?.attempts).toBe(5);
    expect(platform.core.getEvents(account_id, 0, 1000).events.filter((e) => e.type === 'redemption')).toHaveLength(1);
  });

  it('while a redemption is in flight, status pushes and the retry timer do not send it again', async () => {
    const { platform, account_id, w, client } = await setup();
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    let sends = 0;
    const slow: ComputeTransport = {
      getSubscription: () => client.getSubscription(),
      setElection: (e) => client.setElection(e),
      redeem: async (body) => {
        sends++;
        await gate;
        return client.redeem(body);
      },
    };
    const c = computeFor(w, slow);
    const pending = c.redeem({ tokens: '1' });
    for (let i = 0; i < 5; i++) {
      c.setOnline(true); // as every sync status push does
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(sends).toBe(1);
    // Leased while in flight: the retry timer does not see it as due (no spinning on it).
    const next_ms = w.ledger.database().prepare(`SELECT next_ms FROM redemptions WHERE state = 'pending'`).pluck().get() as number;
    expect(next_ms).toBeGreaterThan(Date.now() + 10_000);
    release();
    expect((await pending).state).toBe('done');
    expect(sends).toBe(1);
    expect(platform.core.getEvents(account_id, 0, 1000).events.filter((e) => e.type === 'redemption')).toHaveLength(1);
  });
});
