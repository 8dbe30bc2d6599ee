// Scratch: screenshots of the quota area (not a test).
import { serve, launch } from './server.mjs';
const out = process.argv[2] ?? '/tmp/qs';
const server = await serve();
const browser = await launch();
try {
  for (const locale of ['zh-CN', 'en-US']) {
    const context = await browser.newContext({ locale, viewport: { width: 1280, height: 900 }, timezoneId: 'Asia/Shanghai' });
    const page = await context.newPage();
    page.on('pageerror', (e) => console.log('page error:', e.message));
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') console.log('console:', m.text()); });
    await page.goto(server.url + '#/settings');
    await page.waitForSelector('[data-testid=demo-size]');
    await page.selectOption('[data-testid=demo-size]', '1000');
    await page.click('[data-testid=load-demo]');
    await page.waitForSelector('[data-testid=toast]');
    for (const tab of ['targets', 'attainment', 'incentives', 'evaluations', 'allotments', 'calendar', 'people']) {
      await page.goto(server.url + `#/quotas?tab=${tab}`);
      await page.waitForSelector('[data-testid=quotas]');
      await page.waitForTimeout(800);
      await page.screenshot({ path: `${out}/${locale}-${tab}.png`, fullPage: true });
    }
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}
