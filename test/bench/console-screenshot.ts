/**
 * The README's picture of the console, from the local cluster (npm start first): headless Chromium signs in
 * with the cluster token, opens a page (the overview unless told) and saves it once its graphs have data.
 * Run: npm run screenshot:console -- [PNG (default docs/console.png)] [#/route]
 */
import { readClusterConfig } from '../../common/config/cluster-config.js';
import { launchChromium } from '../helpers/browser.js';

const [out = 'docs/console.png', route = ''] = process.argv.slice(2);
const config = readClusterConfig();
const browser = await launchChromium();
try {
  const page = await browser.context.newPage();
  await page.goto(`${config.apiUrl}/console/`);
  await page.fill('input[name=token]', config.token);
  await page.click('button[type=submit]');
  await page.waitForSelector('text=Nodes Ready');
  // Right after npm start the nodes may still show their last heartbeat's state: wait for every one to be Ready.
  await page.waitForFunction(() => /^([1-9][0-9]*)\/\1$/.test(document.querySelector('.card .big')?.textContent ?? ''), undefined, { timeout: 150_000 });
  if (route) await page.evaluate((hash) => (location.hash = hash), route);
  // Every graph has asked Prometheus and the node graphs have points (Prometheus keeps its data across npm stop/start).
  const drawn = await page
    .waitForFunction(
      () => {
        const charts = [...document.querySelectorAll<HTMLElement>('[data-testid=chart]')];
        return charts.every((e) => e.dataset.points !== undefined) && charts.some((e) => Number(e.dataset.points) > 0);
      },
      undefined,
      { timeout: 120_000 },
    )
    .then(
      () => true,
      () => false,
    );
  await page.screenshot({ path: out });
  if (!drawn) {
    const charts = await page.$$eval('[data-testid=chart]', (els) => els.map((e) => `${e.querySelector('h3')?.textContent}: ${e.textContent?.slice(-80)}`));
    throw new Error(`the graphs drew no data within 2 minutes (the page as it was is in ${out}): ${charts.join(' | ')}`);
  }
  console.log(`saved ${out}`);
} finally {
  await browser.close();
}
