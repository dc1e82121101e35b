import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

/** Debian's Chromium, headless, with nothing of its own running in the background and a fresh profile. */
export async function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = await mkdtemp(join(tmpdir(), 'minik8s-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 860 },
    // The API's certificate is from the run's own test CA, which Chromium's store does not hold.
    ignoreHTTPSErrors: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  // Every wait in the page ends: an action, a selector or a navigation that takes longer fails the test.
  context.setDefaultTimeout(30_000);
  context.setDefaultNavigationTimeout(30_000);
  return {
    context,
    async close() {
      // Bounded too, so a browser that does not close cannot keep the test cluster held.
      await Promise.race([context.close(), new Promise((resolve) => setTimeout(resolve, 15_000).unref())]);
      await rm(profile, { recursive: true, force: true });
    },
  };
}
