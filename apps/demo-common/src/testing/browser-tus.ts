import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { prepareDemo, type RunningDemo } from '../setup.js';
import { ARTIFACTS_DIR, CHROMIUM_PATH } from './browser.js';
import type { StartDemo } from './smoke.js';
import { neutralContent, settledTusOffset } from './tus-client.js';

const MiB = 1024 * 1024;
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * The page's resumable mode in headless Chromium, with the upload throttled
 * through DevTools so it can be caught mid-way: pause (the connection is
 * closed) and resume, then a page reload in the middle of the upload (the
 * connection is cut again), the same file chosen again resuming from the
 * offset the server kept (tus-js-client's fingerprint in localStorage), and
 * the stored file downloaded byte for byte. A missing Chromium fails the test.
 */
export function runTusBrowserTest(name: string, framework: string, start: StartDemo): void {
  describe(`${name} in Chromium: resumable mode`, () => {
    let browser: Browser | undefined;
    let running: RunningDemo | undefined;
    let dir: string | undefined;

    afterAll(async () => {
      await browser?.close();
      await running?.close();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('pauses and resumes, survives a reload mid-upload, and stores the file byte for byte', async () => {
      if (!existsSync(CHROMIUM_PATH)) throw new Error(`Chromium not found at ${CHROMIUM_PATH}: install it (bash scripts/setup-system.sh as root)`);
      browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
      dir = await mkdtemp(path.join(tmpdir(), `sluice-tus-browser-${name}-`));
      const setup = await prepareDemo(loadConfig({ PORT: '0', UPLOAD_DIR: path.join(dir, 'uploads'), MAX_FILE_SIZE: '64MiB' }), framework);
      running = await start(setup);

      // A file on disk: its lastModified, part of tus-js-client's fingerprint, is the same when it is chosen again.
      const content = neutralContent(12 * MiB);
      const filePath = path.join(dir, 'field recording.bin');
      await writeFile(filePath, content);

      const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1100, height: 900 } });
      const page = await context.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(String(error)));
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      const throttle = (uploadThroughput: number) => cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput });
      await throttle(2 * MiB);

      await page.goto(running.url);
      await page.locator('[data-testid="mode-tus"]').check();
      await page.setInputFiles('#file-input', filePath);
      const item = page.locator('[data-testid="upload-item"]').first();
      const percent = async () => Number(await item.locator('[data-testid="progress"]').getAttribute('aria-valuenow'));
      await expect.poll(percent, { timeout: 30_000 }).toBeGreaterThanOrEqual(20);

      // Pause: tus-js-client aborts the PATCH, the server keeps what arrived.
      await item.locator('[data-testid="pause-resume"]').click();
      expect(await item.getAttribute('data-status')).toBe('paused');
      const uploadUrl = new URL((await item.getAttribute('data-upload-url'))!, running.url).href;
      expect(new URL(uploadUrl).pathname).toMatch(/^\/tus\/[^/]+$/);
      const paused = await settledTusOffset(uploadUrl);
      expect(paused).toBeLessThan(content.length);

      // Resume, then reload in the middle: the connection is cut once more.
      await item.locator('[data-testid="pause-resume"]').click();
      await expect.poll(percent, { timeout: 30_000 }).toBeGreaterThanOrEqual(Math.round((paused / content.length) * 100) + 10);
      await page.reload();
      const kept = await settledTusOffset(uploadUrl);
      expect(kept).toBeGreaterThan(paused);
      expect(kept).toBeLessThan(content.length);

      // The mode is remembered and the page says what can be resumed.
      expect(await page.locator('[data-testid="mode-tus"]').isChecked()).toBe(true);
      expect(await page.locator('[data-testid="unfinished"]').textContent()).toContain('field recording.bin');
      await throttle(-1);
      await page.setInputFiles('#file-input', filePath);
      const again = page.locator('[data-testid="upload-item"]').first();
      await expect.poll(() => again.getAttribute('data-status'), { timeout: 30_000 }).toBe('done');
      expect(Number(await again.getAttribute('data-resumed-from'))).toBe(kept);
      expect(await again.locator('[data-testid="upload-message"]').textContent()).toContain('Resumed');
      // Done: the fingerprint is removed, so nothing is left to resume.
      await expect.poll(() => page.locator('[data-testid="unfinished"]').textContent()).toBe('');

      const row = page.locator('tr[data-name="field recording.bin"]');
      await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(1);
      expect(Number(await row.locator('[data-col="size"]').getAttribute('data-bytes'))).toBe(content.length);
      const [download] = await Promise.all([page.waitForEvent('download'), row.locator('[data-testid="download-link"]').click()]);
      expect((await readFile((await download.path())!)).equals(content)).toBe(true);

      await mkdir(ARTIFACTS_DIR, { recursive: true });
      await page.screenshot({ path: `${ARTIFACTS_DIR}${name}-resumable.png`, fullPage: true });
      expect(pageErrors).toEqual([]);
      await context.close();
    }, 120_000);
  });
}
