// End-to-end: a new user's `npm start` on a machine without the Electron binary falls back
// to browser mode, prints the URL, and the page shows the app shell with navigation and a
// live connection status, with no console errors. Screenshots land in test-results/screens/.
import { expect, test } from '@playwright/test';
import path from 'node:path';
import { expectOnline, launchApp, ROOT, type LaunchedApp } from './launch.js';

const SCREENS = path.join(ROOT, 'test-results', 'screens');
let app: LaunchedApp;

test.beforeAll(async () => {
  app = await launchApp();
});
test.afterAll(async () => {
  await app?.stop();
});

test('npm start falls back to browser mode and says so in one line', () => {
  expect(app.output()).toMatch(/Electron binary unavailable \(.+\); starting browser mode instead\./);
  expect(app.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
});

test('the shell shows navigation, balances, the market and an online status', async ({ page }) => {
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));

  await page.goto(app.url);
  await expect(page).toHaveURL(/\/$/); // the token left the address bar
  const nav = page.getByRole('navigation', { name: 'Main' });
  for (const label of ['Overview', 'Markets', 'Trade', 'Activity', 'Taxes', 'Settings']) await expect(nav.getByRole('button', { name: new RegExp(label) })).toBeVisible();
  await expectOnline(page, app);
  await expect(page.getByTestId('connection-status')).toContainText('Demo platform');
  await expect(page.getByTestId('last-price')).toHaveText(/^\$\d+\.\d{4}$/);
  await expect(page.getByTestId('tokens-total')).toHaveText(/^[\d,]+\.\d{2}$/);
  // Minted and bought tokens are never blurred: the demo's minted ones have their own row.
  const minted = page.getByTestId('holdings-by-origin').locator('tr[data-source="mint"]');
  await expect(minted).toContainText('Minted from unused compute');
  await expect(minted).toContainText('at worst these go to zero');
  await page.screenshot({ path: path.join(SCREENS, 'overview.png') });

  await page.keyboard.press('Alt+2');
  await expect(page.getByRole('heading', { name: 'Compute token · CMPT/USD' })).toBeVisible();
  await expect(page.getByTestId('price-chart').locator('canvas').first()).toBeVisible();
  await expect(page.getByTestId('ticker-last')).toHaveText(/^\$\d+\.\d{4}$/);
  await page.getByRole('button', { name: '1h', exact: true }).click();
  await expect(page.getByRole('button', { name: '1h', exact: true })).toHaveAttribute('aria-pressed', 'true');
  await page.waitForTimeout(500); // let the chart paint before the picture
  await page.screenshot({ path: path.join(SCREENS, 'markets.png') });

  await page.getByRole('button', { name: /Settings/ }).click();
  await expect(page.getByText(app.data_dir)).toBeVisible();
  await page.screenshot({ path: path.join(SCREENS, 'settings.png') });

  expect(errors).toEqual([]);
});

test('an order placed elsewhere can be canceled from the Trade screen', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(app.url);
  await expectOnline(page, app);
  await page.keyboard.press('Alt+3');
  // The demo account starts with resting orders placed on the platform directly.
  const rows = page.getByTestId('orders-table').locator('tbody tr[data-external="true"]');
  await expect(rows.first()).toBeVisible({ timeout: 30_000 });
  await page.screenshot({ path: path.join(SCREENS, 'trade-external-orders.png'), fullPage: true });
  const first = rows.first();
  const order_id = await first.getAttribute('data-order-id');
  expect(order_id).toMatch(/^\S+$/);
  const row = page.locator(`[data-testid="orders-table"] tr[data-order-id="${order_id}"]`);
  const button = row.getByRole('button', { name: /^Cancel / });
  await button.focus();
  await page.keyboard.press('Enter'); // keyboard works as well as the mouse
  // Requested, then gone once the feed shows it canceled.
  await expect(row).toHaveCount(0, { timeout: 30_000 });
  expect(errors).toEqual([]);
});

test('the Compute screen shows the period, switches the election and redeems tokens', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(app.url);
  await expectOnline(page, app);
  await page.keyboard.press('Alt+6');
  await expect(page.getByRole('heading', { name: 'Compute', exact: true })).toBeVisible();
  const election = page.getByRole('radiogroup', { name: 'Unused credits at period close' });
  await election.getByRole('radio', { name: 'Credit my renewal' }).click();
  await expect(election.getByRole('radio', { name: 'Credit my renewal' })).toHaveAttribute('aria-checked', 'true');
  await election.getByRole('radio', { name: 'Mint tokens' }).click();
  await expect(election.getByRole('radio', { name: 'Mint tokens' })).toHaveAttribute('aria-checked', 'true');

  const form = page.getByRole('form', { name: 'Redeem tokens' });
  await form.getByLabel('Tokens').fill('1.234');
  await form.getByLabel('Tokens').press('Enter');
  await expect(page.getByTestId('redeem-message')).toContainText('at most 2 decimals');
  await form.getByLabel('Tokens').fill('2.5');
  await form.getByLabel('Tokens').blur();
  await expect(page.getByTestId('redeem-preview')).toContainText(/Tax effect \((FIFO|HIFO|LIFO), at \$/);
  await form.getByLabel('Tokens').press('Enter');
  await expect(page.getByTestId('redeem-message')).toContainText('Redeemed 2.50 tokens for 2.50 credits');
  await expect(page.getByTestId('redemptions').locator('tbody tr[data-state="done"]')).toHaveCount(1);
  await page.screenshot({ path: path.join(SCREENS, 'compute.png'), fullPage: true });
  expect(errors).toEqual([]);
});

test('the Activity journal says what each trade and order update was', async ({ page }) => {
  await page.goto(app.url);
  await expectOnline(page, app);
  await page.keyboard.press('Alt+4');
  const journal = page.getByRole('table', { name: 'Journal' });
  // The demo account bought and sold: each trade row names side, quantity, price and liquidity.
  await expect(journal.getByRole('cell', { name: /^Trade: (bought|sold) [\d,]+\.\d{2} CMPT at \$\d+\.\d{4,6} \((maker|taker)\)$/ }).first()).toBeVisible();
  await expect(journal.getByRole('cell', { name: /^Order: (buy|sell) (limit|market) [\d,]+\.\d{2} CMPT( at \$\d+\.\d{4,6})?, (open|partially filled|filled|canceled|expired|rejected)/ }).first()).toBeVisible();
  await expect(journal.getByRole('cell', { name: 'Order update' })).toHaveCount(0);
});

test('a request without the launch token is refused', async ({ request }) => {
  const origin = new URL(app.url).origin;
  const res = await request.get(`${origin}/`, { headers: { Cookie: '' } });
  expect(res.status()).toBe(401);
  const api = await request.post(`${origin}/api/getPortfolio`, { data: {}, headers: { Origin: origin } });
  expect(api.status()).toBe(401);
});
