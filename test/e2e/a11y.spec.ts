// End-to-end, browser mode: every screen (and the notifications panel) in the light and the
// dark theme has 0 axe-core violations of any impact; the theme is kept by the wallet across a
// reload and follows the OS live when set to "system"; at 800x600 nothing is cut off (the page
// never scrolls sideways; wide tables scroll inside themselves). Screenshots of every screen in
// both themes at 1440x900 and 800x600 land in test-results/screens/.
import { expect, test, type Page } from '@playwright/test';
import { AxeBuilder } from '@axe-core/playwright';
import path from 'node:path';
import { expectOnline, launchApp, ROOT, type LaunchedApp } from './launch.js';

const SCREENS_DIR = path.join(ROOT, 'test-results', 'screens');
const SCREENS = [
  { name: 'overview', key: '1' },
  { name: 'markets', key: '2' },
  { name: 'trade', key: '3' },
  { name: 'activity', key: '4' },
  { name: 'taxes', key: '5' },
  { name: 'compute', key: '6' },
  { name: 'settings', key: '9' },
] as const;
const SIZES = [
  { width: 1440, height: 900 },
  { width: 800, height: 600 },
] as const;

let app: LaunchedApp;
test.beforeAll(async () => {
  app = await launchApp();
});
test.afterAll(async () => {
  await app?.stop();
});

async function open(page: Page) {
  await page.goto(app.url);
  await expectOnline(page, app);
}

async function setTheme(page: Page, theme: 'light' | 'dark' | 'system') {
  await page.keyboard.press('Alt+9');
  await page.getByLabel('Theme').selectOption(theme);
  // Applied once the wallet stored it (the store applies what updatePreferences returns):
  // only then may the page go (a reload right away could cancel the request).
  if (theme !== 'system') await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
}

async function violations(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page }).analyze();
  return r.violations.map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join(' | ')}`);
}

for (const theme of ['light', 'dark'] as const) {
  test(`every screen in the ${theme} theme: 0 axe violations, nothing cut off at 800x600`, async ({ page }) => {
    test.setTimeout(300_000);
    await open(page);
    await setTheme(page, theme);
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
    const found: Record<string, string[]> = {};
    for (const size of SIZES) {
      await page.setViewportSize(size);
      for (const s of SCREENS) {
        await page.keyboard.press(`Alt+${s.key}`);
        await expect(page.locator('main h1').first()).toBeVisible();
        await page.waitForTimeout(600); // charts and live data paint
        await page.screenshot({ path: path.join(SCREENS_DIR, `${s.name}-${theme}-${size.width}x${size.height}.png`) });
        if (size.width === 1440) found[s.name] = await violations(page);
        else {
          // Nothing cut off: the page itself never needs a sideways scroll.
          const overflow = await page.evaluate<{ page: number; main: number }>(
            `(() => { const main = document.querySelector('main'); return { page: document.documentElement.scrollWidth - window.innerWidth, main: main.scrollWidth - main.clientWidth }; })()`,
          );
          expect.soft(overflow, `${s.name} at ${size.width}x${size.height}`).toEqual({ page: 0, main: 0 });
        }
      }
      // The notifications panel, open.
      await page.keyboard.press('Alt+1');
      await page.getByTestId('notifications-button').click();
      await expect(page.getByRole('dialog', { name: 'Notifications list' })).toBeVisible();
      await page.screenshot({ path: path.join(SCREENS_DIR, `notifications-${theme}-${size.width}x${size.height}.png`) });
      if (size.width === 1440) found.notifications = await violations(page);
      await page.getByTestId('notifications-button').click();
    }
    for (const [screen, list] of Object.entries(found)) expect.soft(list, `${screen} (${theme})`).toEqual([]);
  });
}

test('the navigation collapses to a labelled, keyboard-operable rail at 800x600', async ({ page }) => {
  await page.setViewportSize({ width: 800, height: 600 });
  await open(page);
  const nav = page.getByRole('navigation', { name: 'Main' });
  expect((await nav.boundingBox())!.width).toBeLessThan(80);
  const compute = nav.getByRole('button', { name: 'Compute' });
  await compute.focus();
  await page.keyboard.press('Enter');
  await expect(compute).toHaveAttribute('aria-current', 'page');
  // The focus ring is visible.
  await expect(compute).toHaveCSS('outline-style', 'solid');
});

test('the theme is kept by the wallet and "system" follows the OS live', async ({ page }) => {
  await open(page);
  await setTheme(page, 'light');
  await page.reload();
  await expectOnline(page, app);
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await setTheme(page, 'system');
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  // The status line that ticks every second is not a live region; only the state is.
  await expect(page.getByTestId('connection-status')).not.toHaveAttribute('aria-live', /.*/);
  await expect(page.getByTestId('connection-status').getByRole('status')).toHaveText('Online');
});

test('locale and time zone apply at once to money and times', async ({ page }) => {
  await open(page);
  await page.keyboard.press('Alt+9');
  await page.getByLabel('Numbers and dates').selectOption('de-DE');
  await page.getByLabel('Time zone').selectOption('Asia/Tokyo');
  await expect(page.getByTestId('format-sample')).toContainText('1.234.567,89 $');
  await expect(page.getByTestId('format-sample')).toContainText('16. Juli 2026, 01:45:30'); // 16:45:30 UTC in Tokyo
  await page.getByLabel('Numbers and dates').selectOption('');
  await page.getByLabel('Time zone').selectOption('');
});
