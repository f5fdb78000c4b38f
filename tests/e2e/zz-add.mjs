import { serveDist, launchBrowser, collectErrors, gotoFresh, ready, readStat, screenshot } from './harness.mjs';
const server = await serveDist();
const browser = await launchBrowser();
for (const [w, h, tag] of [[1280, 720, '1280'], [390, 844, '390']]) {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: w, height: h });
  const errors = collectErrors(page);
  await gotoFresh(page, server.url);
  await ready(page);
  await page.locator('#play').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="windows"]')?.textContent.trim()) >= 8, null, { timeout: 30000 });
  const before = { t: await readStat(page, 'sim-time'), w: await readStat(page, 'windows'), status: await readStat(page, 'status') };
  await page.locator('#add-service').click();
  await page.waitForTimeout(300);
  const soon = { t: await readStat(page, 'sim-time'), w: await readStat(page, 'windows'), status: await readStat(page, 'status') };
  await page.locator('#add-database').click().catch(e => console.log('no add-database', e.message));
  await page.waitForTimeout(3000);
  const after = { t: await readStat(page, 'sim-time'), w: await readStat(page, 'windows'), status: await readStat(page, 'status') };
  console.log(tag, JSON.stringify({ before, soon, after, errors }));
  await screenshot(page, `live-add-${tag}`);
  await page.close();
}
await browser.close(); await server.close();
