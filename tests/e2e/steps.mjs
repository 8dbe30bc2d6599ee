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
