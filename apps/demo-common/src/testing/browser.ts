import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { prepareDemo, type RunningDemo } from '../setup.js';
import type { StartDemo } from './smoke.js';

/** Debian's Chromium; Playwright's own browser download is not used. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** `test-artifacts/` at the repository root (gitignored). */
export const ARTIFACTS_DIR = fileURLToPath(new URL('../../../../test-artifacts/', import.meta.url));

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * Drives a demo's page in headless Chromium like a person would: two files
 * through the file input, progress to 100 %, the table, a download compared
 * byte for byte, a dropped file, an over-limit file and its message; then
 * saves a screenshot to `test-artifacts/<name>.png`. A missing Chromium fails
 * the test: it is never skipped.
 */
export function runBrowserTest(name: string, framework: string, start: StartDemo): void {
  describe(`${name} in Chromium`, () => {
    let browser: Browser | undefined;
    let running: RunningDemo | undefined;

    afterAll(async () => {
      await browser?.close();
      await running?.close();
    });

    // Everything happens inside the test, so that a missing browser is a failed test, not a skipped one.
    it('uploads with progress, lists, downloads byte for byte, and explains a refused file', async () => {
      if (!existsSync(CHROMIUM_PATH)) {
        throw new Error(`Chromium not found at ${CHROMIUM_PATH}: install it (apt-get install -y chromium, or bash scripts/setup-system.sh as root)`);
      }
      browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
      const setup = await prepareDemo(loadConfig({ PORT: '0', STORAGE: 'memory', MAX_FILE_SIZE: '256KiB' }), framework);
      running = await start(setup);

      const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1100, height: 900 } });
      const page = await context.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(String(error)));
      await page.goto(running.url);
      await expect.poll(() => page.title()).toContain(framework);

      const notes = Buffer.from('Meeting notes\n- ship the demo\n- smile\n');
      const photo = randomBytes(180_000);
      await page.setInputFiles('#file-input', [
        { name: 'notes.txt', mimeType: 'text/plain', buffer: notes },
        { name: 'holiday photo.raw', mimeType: 'application/octet-stream', buffer: photo },
      ]);

      const items = page.locator('[data-testid="upload-item"]');
      await expect.poll(() => items.count()).toBe(2);
      await expect.poll(() => page.locator('[data-testid="upload-item"][data-status="done"]').count(), { timeout: 15_000 }).toBe(2);
      expect(await page.locator('[data-testid="progress"]').evaluateAll((bars) => bars.map((bar) => bar.getAttribute('aria-valuenow')))).toEqual(['100', '100']);

      const rows = page.locator('[data-testid="result-row"]');
      await expect.poll(() => rows.count()).toBe(2);
      const sizes = Object.fromEntries(await rows.evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-name'), Number(tr.querySelector('[data-col="size"]')!.getAttribute('data-bytes'))])));
      expect(sizes).toEqual({ 'notes.txt': notes.length, 'holiday photo.raw': photo.length });
      expect(await rows.locator('[data-col="checksum"]').first().textContent()).toMatch(/^[0-9a-f]{16}…$/);

      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('tr[data-name="holiday photo.raw"] [data-testid="download-link"]').click()]);
      expect(download.suggestedFilename()).toBe('holiday photo.raw');
      const downloaded = await readFile((await download.path())!);
      expect(downloaded.equals(photo)).toBe(true);

      // A file dropped on the zone takes the same path as a chosen one.
      await page.locator('#drop-zone').evaluate((zone) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File(['dropped in\n'], 'dropped.txt', { type: 'text/plain' }));
        zone.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
      });
      await expect.poll(() => page.locator('tr[data-name="dropped.txt"]').count(), { timeout: 15_000 }).toBe(1);

      await page.setInputFiles('#file-input', [{ name: 'too big.bin', mimeType: 'application/octet-stream', buffer: randomBytes(600_000) }]);
      const refused = page.locator('[data-testid="upload-item"][data-name="too big.bin"]');
      await expect.poll(() => refused.getAttribute('data-status'), { timeout: 15_000 }).toBe('error');
      expect(await refused.locator('[data-testid="upload-message"]').textContent()).toBe('file too large: limit 256 KiB');
      expect(await rows.count()).toBe(3);

      await mkdir(ARTIFACTS_DIR, { recursive: true });
      await page.screenshot({ path: `${ARTIFACTS_DIR}${name}.png`, fullPage: true });
      expect(pageErrors).toEqual([]);
      await context.close();
    }, 60_000);
  });
}
