// End-to-end, issue #11: the Trade workspace as a trader uses it, in browser mode against the
// embedded demo platform: a whole order placed with the keyboard only; the confirmation shows
// exactly what is submitted; the sell tax preview follows the price; orders move between the
// Open, Queued and History tabs; a click on the book fills the ticket; at 1440x900 the default
// layout shows every column.
import { expect, test, type Page } from '@playwright/test';
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

async function openTrade(page: Page): Promise<void> {
  await page.goto(app.url);
  await expectOnline(page, app, 60_000);
  await page.keyboard.press('Alt+3');
  await expect(page.getByRole('form', { name: 'Order ticket' })).toBeVisible();
  // Market details (fees) and balances are in: the ticket can budget.
  await expect(page.getByTestId('ticket-available')).toContainText('$');
}

test('a whole order placed with the keyboard only', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await openTrade(page);
  const ticket = page.getByRole('form', { name: 'Order ticket' });

  // Focus the side group, as Tab from the page would, then only keys.
  await ticket.getByRole('radio', { name: 'Buy' }).focus();
  await page.keyboard.press('ArrowRight'); // → Sell
  await expect(ticket.getByRole('radio', { name: 'Sell' })).toBeChecked();
  await page.keyboard.press('ArrowLeft'); // ← Buy
  await expect(ticket.getByRole('radio', { name: 'Buy' })).toBeChecked();
  await page.keyboard.press('Tab'); // → order type group (Limit)
  await expect(ticket.getByRole('radio', { name: 'Limit' })).toBeFocused();
  await page.keyboard.press('Tab'); // → price
  await expect(ticket.getByLabel('Limit price (USD)')).toBeFocused();
  await page.keyboard.type('0.0011');
  // Past the Bid / Last / Ask buttons to the quantity.
  await ticket.getByLabel('Quantity (tokens)').focus();
  await page.keyboard.type('7');
  // Exact to the micro, as the platform holds it: 7 × 0.0011 = 0.0077, plus the fee (not "$0.01").
  await expect(page.getByTestId('ticket-notional')).toHaveText('$0.0077');
  const amount = async (id: string) => Number((await page.getByTestId(id).innerText()).replace(/[^0-9.]/g, ''));
  expect(Math.round((await amount('ticket-notional')) * 1e6) + Math.round((await amount('ticket-fee')) * 1e6)).toBe(Math.round((await amount('ticket-total')) * 1e6));
  await page.keyboard.press('Enter'); // submits the form: opens the confirmation, sends nothing yet
  const dialog = page.getByRole('dialog', { name: 'Confirm order' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('button', { name: /^Buy 7 / })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(dialog).toHaveCount(0);
  await expect(ticket.getByLabel('Quantity (tokens)')).toBeFocused(); // ready for the next order
  await expect(page.getByTestId('order-message')).toHaveText(/Open on the platform/, { timeout: 30_000 });
  const row = page.getByTestId('orders-table').locator('tbody tr[data-client-order-id]', { hasText: '$0.0011' });
  await expect(row).toHaveAttribute('data-state', 'open');
  await page.screenshot({ path: path.join(SCREENS, 'trade-workspace-order-placed.png') });

  // Cancel from the row, with the keyboard; it moves to History as canceled.
  await row.getByRole('button', { name: /^Cancel buy 7/ }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('tabpanel')).toBeFocused(); // not lost to the page when the button goes
  await expect(row).toHaveCount(0, { timeout: 30_000 });
  await page.getByRole('tab', { name: 'Open' }).focus();
  await page.keyboard.press('End'); // tabs: arrow keys, Home and End
  await expect(page.getByRole('tab', { name: 'History' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('history-table').locator('tbody tr', { hasText: '$0.0011' })).toHaveAttribute('data-state', 'canceled');
  expect(errors).toEqual([]);
});

test('the confirmation shows exactly the order that is submitted', async ({ page }) => {
  await openTrade(page);
  const ticket = page.getByRole('form', { name: 'Order ticket' });
  await ticket.getByRole('radio', { name: 'Buy' }).check();
  await ticket.getByRole('radio', { name: 'Limit' }).check();
  await ticket.getByLabel('Limit price (USD)').fill('0.00120'); // canonicalised to 0.0012
  await ticket.getByLabel('Quantity (tokens)').fill('12.50');
  await ticket.getByText(/^Advanced/).click();
  await ticket.getByRole('radio', { name: 'GTD' }).check();
  const till = new Date(Date.now() + 3 * 3_600_000);
  till.setSeconds(0, 0);
  const local = new Date(till.getTime() - till.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  await ticket.getByLabel('Good till (your time)').fill(local);
  await ticket.getByRole('checkbox', { name: /Post-only/ }).check();
  await ticket.getByRole('button', { name: 'Buy limit' }).click();

  const dialog = page.getByRole('dialog', { name: 'Confirm order' });
  await expect(dialog).toBeVisible();
  const shown: Record<string, string> = {};
  for (const dd of await dialog.locator('dd[data-field]').all()) {
    shown[(await dd.getAttribute('data-field'))!] = (await dd.getAttribute('data-value'))!;
    // Every raw value is readable in the text the user sees (prices with the tick's places).
    const text = await dd.innerText();
    expect(text.length).toBeGreaterThan(0);
  }
  await page.screenshot({ path: path.join(SCREENS, 'trade-confirm-order.png') });
  const [request] = await Promise.all([page.waitForRequest((r) => r.url().endsWith('/api/placeOrder')), dialog.getByRole('button', { name: /^Buy 12.5 / }).click()]);
  const submitted = request.postDataJSON() as Record<string, unknown>;
  expect(Object.fromEntries(Object.entries(submitted).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)]))).toEqual(shown);
  expect(submitted).toMatchObject({ side: 'buy', type: 'limit', quantity: '12.5', price: '0.0012', time_in_force: 'GTD', post_only: true, expires_at: till.toISOString() });
  await expect(dialog.locator('dd[data-field="quantity"]')).toHaveCount(0);
  await expect(page.getByTestId('order-message')).toHaveText(/Open on the platform/, { timeout: 30_000 });
});

test('the sale tax preview follows the price and lists the lots it would use', async ({ page }) => {
  await openTrade(page);
  const ticket = page.getByRole('form', { name: 'Order ticket' });
  await ticket.getByRole('radio', { name: 'Sell' }).check();
  await ticket.getByLabel('Quantity (tokens)').fill('5');
  await ticket.getByLabel('Limit price (USD)').fill('0.05');
  const preview = page.getByTestId('sale-preview');
  await expect(preview).toHaveAttribute('data-price', '0.05');
  const lots = preview.getByRole('table', { name: 'Lots this sale would use' });
  await expect(lots.locator('tbody tr').first()).toBeVisible();
  const gainAt = async () => (await preview.getByTestId('preview-short').innerText()) + (await preview.getByTestId('preview-long').innerText());
  const before = await gainAt();
  await ticket.getByLabel('Limit price (USD)').fill('0.09');
  await expect(preview).toHaveAttribute('data-price', '0.09');
  await expect.poll(gainAt).not.toBe(before);
  await page.screenshot({ path: path.join(SCREENS, 'trade-sale-preview.png') });
});

test('a click on the book puts its price in the ticket, Shift also the size', async ({ page }) => {
  await openTrade(page);
  const book = page.getByRole('region', { name: 'Order book' });
  const ask = book.getByRole('button', { name: /^Ask / }).last(); // the best ask sits next to the spread
  await expect(ask).toBeVisible({ timeout: 30_000 });
  // The simulated market moves: the label is read and the row clicked in one step in the
  // page, so the price expected is the price of the row clicked.
  const label = await ask.evaluate((el) => {
    const l = el.getAttribute('aria-label') ?? '';
    (el as unknown as { click(): void }).click();
    return l;
  });
  const price = /^Ask (\S+),/.exec(label)![1]!;
  const ticket = page.getByRole('form', { name: 'Order ticket' });
  await expect(ticket.getByLabel('Limit price (USD)')).toHaveValue(price);
  await ask.click({ modifiers: ['Shift'] });
  await expect(ticket.getByLabel('Quantity (tokens)')).not.toHaveValue('');
  // Buying at the best ask crosses the book: the ticket says so before anything is sent.
  await ticket.getByRole('radio', { name: 'Buy' }).check();
  await expect(ticket.getByRole('list', { name: 'Warnings' })).toContainText('crosses the book');
});

test('panel sizes are resized by keyboard, kept across a reload, and reset on request', async ({ page }) => {
  await openTrade(page);
  const handle = page.getByRole('separator', { name: 'Resize chart and order ticket' });
  const ticketPanel = page.locator('[data-panel][id="trade-ticket"], #trade-ticket').first();
  const width = async () => (await ticketPanel.boundingBox())?.width ?? -1000; // -1000 while the panel is not laid out (polls retry)
  const before = await width();
  await handle.focus();
  for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowLeft'); // the ticket grows
  await expect.poll(width).toBeGreaterThan(before + 20);
  const resized = await width();
  // Kept by the wallet's preferences, so a reload (or another host) shows the same layout.
  await expect.poll(async () => {
    await page.reload();
    await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
    await page.keyboard.press('Alt+3');
    await expect(page.getByRole('form', { name: 'Order ticket' })).toBeVisible();
    return Math.abs((await width()) - resized);
  }, { timeout: 30_000 }).toBeLessThan(3);
  await page.getByRole('button', { name: 'Reset layout' }).click();
  await expect.poll(async () => Math.abs((await width()) - before)).toBeLessThan(3);
});

test('the ladder fits its panel: as many bids as asks around the spread, none cut off, also after a resize', async ({ page }) => {
  await openTrade(page);
  const book = page.getByRole('region', { name: 'Order book' });
  await expect(book.getByRole('button', { name: /^Bid / }).first()).toBeVisible({ timeout: 30_000 });
  const layout = () =>
    book.evaluate((el) => {
      const bottom = el.getBoundingClientRect().bottom;
      const rows = [...el.querySelectorAll('tr.book-row')];
      return {
        asks: el.querySelectorAll('tr.book-row.ask').length,
        bids: el.querySelectorAll('tr.book-row.bid').length,
        cut: rows.filter((r) => r.getBoundingClientRect().bottom > bottom + 0.5).length,
      };
    });
  const check = async () => {
    await expect.poll(async () => (await layout()).cut).toBe(0);
    const l = await layout();
    expect(l.bids).toBeGreaterThanOrEqual(3);
    expect(l.asks).toBe(l.bids); // the demo book is deeper than the panel on both sides
    return l.bids;
  };
  const rows_before = await check();
  // Taller panel, more levels per side.
  const handle = page.getByRole('separator', { name: 'Resize order book and recent trades' });
  await handle.focus();
  for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowDown');
  await expect.poll(async () => (await layout()).bids).toBeGreaterThan(rows_before);
  await check();
  await page.getByRole('button', { name: 'Reset layout' }).click();
});

test('at 1440x900 the default layout shows every column: trades, and each orders tab with rows', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await openTrade(page);
  await page.getByRole('button', { name: 'Reset layout' }).click();
  // Content wider than its box would scroll inside it (the action column is sticky): none may.
  const overflow = (name: string) => page.getByRole('table', { name }).evaluate((t) => t.scrollWidth - (t.parentElement?.clientWidth ?? 0));
  await expect(page.getByRole('region', { name: 'Recent trades' }).getByRole('row').nth(1)).toBeVisible({ timeout: 30_000 });
  await expect.poll(() => page.getByRole('region', { name: 'Recent trades' }).evaluate((r) => r.scrollWidth - r.clientWidth)).toBeLessThanOrEqual(0); // the list scrolls itself
  const tabs: [string, string][] = [['Open', 'Open orders'], ['History', 'Order history']];
  for (const [tab, table] of tabs) {
    await page.getByRole('tab', { name: tab }).click();
    // The earlier tests left a canceled order in History; the demo keeps orders open elsewhere.
    await expect(page.getByRole('table', { name: table }).locator('tbody tr[data-state], tbody tr[data-external]').first()).toBeVisible({ timeout: 30_000 });
    await expect.poll(() => overflow(table)).toBeLessThanOrEqual(0);
  }
});
