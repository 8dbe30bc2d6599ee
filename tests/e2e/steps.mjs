// Steps the end-to-end tests, the bench and the screenshots share.

/** Loads `size` demo customers from the settings page (a page of the app at `url`) and waits
 *  for its message; large sizes may take `timeout` ms. */
export async function loadDemo(page, url, size, { timeout = 30_000 } = {}) {
  await page.goto(url + '#/settings');
  await page.waitForSelector('[data-testid=demo-size]');
  await page.selectOption('[data-testid=demo-size]', String(size));
  await page.click('[data-testid=load-demo]');
  await page.waitForSelector('[data-testid=toast]', { timeout });
}

/** Fills an incentive rule's band table (the rule form open, one band row shown) with `bands`:
 *  [from %, to % ('' for no end), rate %] each. */
export async function fillBands(page, bands) {
  for (let i = 1; i < bands.length; i++) await page.click('[data-testid=band-add]');
  for (const [i, [from, to, rate]] of bands.entries()) {
    await page.fill(`[data-testid=band-row] >> nth=${i} >> [data-testid=band-from]`, from);
    await page.fill(`[data-testid=band-row] >> nth=${i} >> [data-testid=band-to]`, to);
    await page.fill(`[data-testid=band-row] >> nth=${i} >> [data-testid=band-rate]`, rate);
  }
}

/** A browser of its own for `name` (a context: its own IndexedDB), in `locale` and Asia/Shanghai:
 *  the name set in Settings, then the team page, waited on until `ready` shows; `init` runs in
 *  every page before the app. */
export async function person(browser, url, name, locale, ready, { height = 800, init } = {}) {
  const context = await browser.newContext({ locale, timezoneId: 'Asia/Shanghai', viewport: { width: 1280, height } });
  if (init) await context.addInitScript(init);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(`${name}: ${e.message}`));
  await page.goto(url + '#/settings');
  await page.fill('[data-testid=settings-user]', name);
  await page.press('[data-testid=settings-user]', 'Tab');
  await page.click('[data-testid=to-team]');
  await page.waitForSelector(ready);
  return { context, page, errors };
}

/** Runs one line of the page's test door (`src/ui/testing.rs`). */
export const run = (page, ...line) => page.evaluate((l) => window.pocketTest(l), line.join('\t'));

/** Every customer (id, name, city, deleted, follow-ups), without the store's log position. */
export const book = async (page) => (await run(page, 'digest')).split('\n').slice(1).join('\n');
