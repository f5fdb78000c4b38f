// The network in the page, in one page load: the read-your-writes lesson's
// stale reads (the badge on the database, the stale-read chart), the
// partition lesson's zones drawn as regions and the partition drawn while
// it lasts (and gone after), and a component moved to another zone in the
// inspector, changing that one line of the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSite, collectErrors, screenshot, gotoFresh, nameIs, ready, kept, pixelsNear, pick } from './harness.mjs';

const site = useSite();

/** The canvas's network attribute: zones on screen, cut calls, badges. */
async function networkOf(page) {
  const text = await page.$eval('#topology', (c) => c.getAttribute('data-network'));
  return text ? JSON.parse(text) : null;
}

/** Waits until `check(network)` holds. */
async function networkWhere(page, check, what, timeout = 30000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const net = await networkOf(page).catch(() => null);
    if (net && check(net)) return net;
    if (Date.now() > deadline) throw new Error(`the canvas never showed ${what}: ${JSON.stringify(net)}`);
    await page.waitForTimeout(100);
  }
}

test('stale reads, zones, a partition while it lasts, and a zone picked in the inspector', async () => {
  const page = await site.context.newPage();
  const errors = collectErrors(page);
  await page.setViewportSize({ width: 1280, height: 720 });
  await gotoFresh(page, site.url);
  await ready(page);

  // Read-your-writes: the database's followers and its stale share, live.
  await pick(page, 'read-your-writes.toml', /Read-your-writes/);
  let net = await networkWhere(page, (n) => n.badges.length === 1, 'the stale badge');
  assert.equal(net.badges[0].id, 'profiles');
  assert.equal(net.badges[0].text, '2 followers · stale –', 'no reads yet: no figure');
  assert.equal(net.zones.length, 0, 'no zones in this lesson');
  // No network, no network tab; stale reads only once there are reads.
  assert.equal(await page.locator('#tab-network').count(), 0);
  await page.locator('button.speed', { hasText: '10×' }).click();
  await page.locator('#play').click();
  net = await networkWhere(page, (n) => /stale [\d.]+%/.test(n.badges[0]?.text ?? '') && !/stale 0%/.test(n.badges[0].text), 'a stale share');
  await page.click('#tab-stale');
  await page.locator('#stale-chart').waitFor();
  await page.waitForTimeout(1200);
  const legend = await page.locator('.dash-more').textContent();
  assert.match(legend, /profiles/);
  assert.equal(await page.locator('#tab-network').count(), 0);
  await screenshot(page, 'network-stale-1280x720');

  // The partition lesson: two zones, the link's label, and the cut.
  await pick(page, 'partition.toml', /A partition without timeouts/);
  net = await networkWhere(page, (n) => n.zones.length === 2, 'two zones');
  assert.deepEqual(net.zones.map((z) => z.zone), ['eu', 'us']);
  const [eu, us] = net.zones;
  const apart = eu.y + eu.h <= us.y || us.y + us.h <= eu.y || eu.x + eu.w <= us.x || us.x + us.w <= eu.x;
  assert.ok(apart, `zones do not overlap: ${JSON.stringify(net.zones)}`);
  // The eu region's tint is drawn (blue at 7% over the lane).
  const layout = JSON.parse(await page.$eval('#topology', (c) => c.getAttribute('data-layout')));
  const api = layout.items.find((i) => i.id === 'api');
  assert.ok(api.x > eu.x && api.x < eu.x + eu.w && api.y > eu.y && api.y < eu.y + eu.h, 'api inside eu');
  assert.equal(net.cuts.length, 0, 'no partition yet');
  assert.match(await page.locator('.topology .visually-hidden').textContent(), /Zones: eu, us\./);
  await page.locator('button.speed', { hasText: '10×' }).click();
  await page.locator('#play').click();
  // 20 s to 35 s of simulated time: the calls between eu and us are cut.
  net = await networkWhere(page, (n) => n.cuts.length === 1, 'the partition');
  // The status names the cut, not a shortage of api workers.
  await page.waitForFunction(() => /^api waits on calls across the cut eu ✕ us/.test(document.querySelector('[data-testid="status"]').textContent), null, { timeout: 10000 });
  // Paused while it lasts, to look at it.
  await page.locator('#play').click();
  assert.match(await page.locator('.topology .visually-hidden').textContent(), /partitioned: eu ✕ us/);
  const red = await pixelsNear(page, '#topology', [214, 50, 46]);
  assert.ok(red > 50, `the cut is drawn in red (${red} pixels)`);
  await page.click('#tab-network');
  await page.locator('#network-chart').waitFor();
  await page.waitForTimeout(800);
  await screenshot(page, 'network-partition-1280x720');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.click('#view-topology');
  await page.click('.topology-tools button:has-text("Fit")');
  await page.waitForTimeout(1200);
  await screenshot(page, 'network-partition-390x844');
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.click('.topology-tools button:has-text("Fit")');
  await page.locator('#play').click();
  await networkWhere(page, (n) => n.cuts.length === 0, 'the partition healed');
  assert.doesNotMatch(await page.locator('.topology .visually-hidden').textContent(), /partitioned/);
  await page.locator('#play').click();

  // The inspector: move catalog from eu to us with the zone picker; the
  // file changes on that one line.
  const before = await (await page.request.get(new URL('scenarios/partition.toml', page.url()).href)).text();
  const canvas = page.locator('#topology');
  const box = await canvas.boundingBox();
  const now = JSON.parse(await page.$eval('#topology', (c) => c.getAttribute('data-layout')));
  const catalog = now.items.find((i) => i.id === 'catalog');
  await page.mouse.click(box.x + catalog.x, box.y + catalog.y);
  await page.locator('#field-zone').waitFor();
  assert.equal(await page.locator('#field-zone').inputValue(), 'eu');
  await page.locator('#field-zone').focus();
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.locator('#field-zone').inputValue(), 'us');
  await kept(page, /id = "catalog"\nkind = "database"\nzone = "us"/);
  const after = await page.evaluate(() => JSON.parse(localStorage.getItem('scalesim.autosave.v1')).toml);
  const a = before.split('\n');
  const b = after.split('\n');
  assert.equal(a.length, b.length);
  const changed = a.map((line, i) => [line, b[i]]).filter(([x, y]) => x !== y);
  assert.deepEqual(changed, [['zone = "eu"', 'zone = "us"']]);
  await networkWhere(page, (n) => n.zones.length === 2, 'the zones redrawn');
  await screenshot(page, 'network-zone-edit-1280x720');
  // A new zone, typed: no link reaches it from eu, so the worker refuses
  // it beside the field and the file keeps "us".
  await page.locator('#field-zone').focus();
  await page.keyboard.press('ArrowDown');
  await page.locator('#field-zone-new').click();
  await page.keyboard.type('ap');
  await page.keyboard.press('Enter');
  const refusal = page.locator('.field[data-path="node.catalog.zone"] .field-error');
  await refusal.waitFor({ timeout: 10000 });
  assert.match(await refusal.textContent(), /link/);
  assert.equal(await page.locator('#field-zone').inputValue(), 'us', 'the picker shows the zone in force');
  await screenshot(page, 'network-zone-refused-1280x720');
  await page.waitForTimeout(600);
  assert.equal(await page.evaluate(() => JSON.parse(localStorage.getItem('scalesim.autosave.v1')).toml), after);
  assert.deepEqual(errors, []);
  await page.close();
});
