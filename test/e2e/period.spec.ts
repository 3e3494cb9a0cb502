// End-to-end, browser mode: the compute period up front. The countdown (role timer, "Period
// ends in") moves; the "Mint or renewal credit" helper gives the three values for a typed
// amount; a report exported on the Taxes screen downloads as a real PDF; the notifications
// button opens its list. Accessibility checked with axe on the new pieces. Screenshots of the
// Overview and Compute screens land in test-results/screens/.
import { expect, test, type Page } from '@playwright/test';
import { AxeBuilder } from '@axe-core/playwright';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expectOnline, launchApp, ROOT, type LaunchedApp } from './launch.js';
import { dec } from '../../shared/money.js';

const SCREENS = path.join(ROOT, 'test-results', 'screens');
let app: LaunchedApp;

test.beforeAll(async () => {
  app = await launchApp();
});
test.afterAll(async () => {
  await app?.stop();
});

async function noSeriousA11yIssues(page: Page, selector: string) {
  const r = await new AxeBuilder({ page }).include(selector).analyze();
  const serious = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

test('the Overview counts down to the period close, with pace and projection', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(app.url);
  await expectOnline(page, app);
  const timer = page.getByRole('timer', { name: 'Period ends in' });
  await expect(timer).toHaveText(/^(\d+d )?(\d+h )?\d+m \d{2}s$/);
  const first = await timer.textContent();
  await expect(timer).not.toHaveText(first!, { timeout: 5_000 }); // it moves
  await expect(page.getByTestId('period-allowance')).toHaveText('1,000.00'); // the demo plan
  await expect(page.getByTestId('period-projected')).toContainText(/^[\d,]+\.\d{2}/);
  await expect(page.getByRole('heading', { name: 'Compute token (CMPT)' })).toBeVisible();
  // Today's premium with its 7-day change (the demo has two weeks of history; 30 days: not yet).
  await expect(page.getByTestId('premium-trend')).toContainText(/7 days [+−]\d+\.\d{2} pp · 30 days (—|[+−]\d+\.\d{2} pp)/);
  await noSeriousA11yIssues(page, '[data-testid="period-figures"]');
  await page.screenshot({ path: path.join(SCREENS, 'overview-period.png'), fullPage: true });
  // The premium over time, next to the price.
  await page.keyboard.press('Alt+2');
  await expect(page.getByTestId('premium-chart').locator('canvas').first()).toBeVisible();
  await expect(page.getByText(/The premium is how far the market prices a token above its face value/)).toBeVisible();
  await page.waitForTimeout(500); // let the charts paint before the picture
  await page.screenshot({ path: path.join(SCREENS, 'markets-premium.png'), fullPage: true });
  expect(errors).toEqual([]);
});

test('the helper shows minted-and-sold, held, and renewal credit side by side for a typed amount', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(app.url);
  await expectOnline(page, app);
  await page.keyboard.press('Alt+6');
  const helper = page.getByRole('region', { name: 'Mint or renewal credit' });
  await expect(helper).toBeVisible();
  await expect(helper.getByTestId('recommendation')).toContainText(/Suggested: (Mint tokens|Credit my renewal)\.|Nothing to decide\./);
  // 1,200 credits on the $20 plan (face $0.02) are worth $24: more than the renewal, so the
  // $0.01 minimum charge keeps $4.01 of it back ("renewal below zero").
  await helper.getByRole('textbox', { name: 'Credits' }).fill('1200');
  await helper.getByRole('textbox', { name: 'Credits' }).press('Enter');
  await expect(helper.getByTestId('option-renewal')).toContainText('$0.01');
  await expect(helper.getByTestId('lost-above-floor')).toHaveText(/^\$4\.01 lost above the floor/);
  await expect(helper.getByTestId('option-renewal')).toContainText('$19.99 off · floor $0.01');
  await expect(helper.getByTestId('option-hold')).toContainText('$24.00 at face value ($0.0200)');
  // Sold as a market sell would fill: into the live book's bids, level by level (the demo book
  // has bids); what the bids cannot take is said, never priced at the best bid.
  await expect(helper.getByTestId('sell-fill')).toHaveText(/^[\d,]+\.\d{2} CMPT into (the \$\d+\.\d{4} bid|\d+ bid levels from \$\d+\.\d{4} down to \$\d+\.\d{4}, average \$\d+\.\d{4,6}) = \$[\d,]+\.\d{2}, less \$\d+\.\d{2} fee \(0\.2%\)$/, { timeout: 15_000 });
  // The demo account rests a buy at $0.0275: the sale stops above it (no self-trade), so the
  // bids take only part of 1,200 and say so; sold + held = 1,200 in one rendering.
  const unsold = helper.getByTestId('sell-unsold');
  await expect(unsold).toHaveText(/^The bids take only [\d,]+\.\d{2} of the 1,200\.00 tokens today: the other [\d,]+\.\d{2} would be held\. Your own buy order at \$0\.0275 stops the sale there: the platform never trades you with yourself\.$/);
  const [sold, held] = [...(await unsold.innerText()).matchAll(/([\d,]+\.\d{2})/g)].filter((m) => m[1] !== '1,200.00').map((m) => dec(m[1]!.replace(/,/g, '')));
  expect(sold!.plus(held!).toFixed(2)).toBe('1200.00');
  await expect(helper.getByText(/For 1,200\.00 credits you typed\./)).toBeVisible();
  await helper.getByRole('textbox', { name: 'Credits' }).fill('1.234');
  await helper.getByRole('textbox', { name: 'Credits' }).press('Enter');
  await expect(helper.getByRole('alert')).toContainText('at most 2 decimals');
  await noSeriousA11yIssues(page, '[data-testid="decision-helper"]');
  await page.screenshot({ path: path.join(SCREENS, 'compute-period.png'), fullPage: true });
  expect(errors).toEqual([]);
});

test('a report exported on the Taxes screen downloads, and the PDF starts with %PDF', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(app.url);
  await expectOnline(page, app);
  await page.keyboard.press('Alt+5');
  const year = new Date().getUTCFullYear();
  await page.getByRole('button', { name: `Export ${year} report` }).click();
  await expect(page.getByTestId('export-result')).toContainText('Wrote 7 files (data as of'); // the six report files and their provenance manifest
  const exportsTable = page.getByRole('table', { name: 'Past exports' });
  await expect(exportsTable.locator('tbody tr')).toHaveCount(1);
  const [download] = await Promise.all([page.waitForEvent('download'), exportsTable.getByRole('button', { name: `Download gains-report-${year}.pdf` }).click()]);
  expect(download.suggestedFilename()).toBe(`gains-report-${year}.pdf`);
  const file = await download.path();
  expect(readFileSync(file).subarray(0, 4).toString('latin1')).toBe('%PDF');
  await noSeriousA11yIssues(page, '[data-testid="past-exports"]');
  expect(errors).toEqual([]);
});

test('the notifications button opens the list with its unread count', async ({ page }) => {
  await page.goto(app.url);
  await expectOnline(page, app);
  const button = page.getByRole('button', { name: 'Notifications', exact: true });
  await button.click();
  await expect(button).toHaveAttribute('aria-expanded', 'true');
  const list = page.getByRole('list', { name: 'Notifications' });
  await expect(list).toBeVisible();
  // A setting per kind, kept by the wallet.
  await page.getByText('Which notifications').click();
  const fills = page.getByRole('checkbox', { name: 'System notification: Order filled' });
  await expect(fills).toBeChecked();
  await fills.click(); // the box follows the wallet's answer
  await expect(fills).not.toBeChecked();
  const kept = await page.evaluate(async () => {
    const res = await fetch('/api/getNotificationSettings', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    return ((await res.json()) as { result: { kinds: { fill: { show: boolean; system: boolean } } } }).result.kinds.fill;
  });
  expect(kept).toEqual({ show: true, system: false });
  await noSeriousA11yIssues(page, '#notif-panel');
  await page.keyboard.press('Escape');
  await expect(list).toHaveCount(0);
});
