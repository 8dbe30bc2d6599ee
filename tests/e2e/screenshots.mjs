// Screenshots of every page in both languages, wide and narrow, for review and the README.
// Usage: node screenshots.mjs [out-dir]   (after `make build`)
import { mkdirSync } from 'node:fs';
import { serve, launch } from './server.mjs';
import { loadDemo } from './steps.mjs';

const out = process.argv[2] ?? '/tmp/pocket-shots';
mkdirSync(out, { recursive: true });
const server = await serve();
const browser = await launch();
try {
  for (const [locale, lang] of [['zh-CN', 'zh'], ['en-US', 'en']]) {
    for (const [width, height, size] of [[1280, 860, 'wide'], [390, 844, 'narrow']]) {
      const context = await browser.newContext({ locale, viewport: { width, height } });
      const page = await context.newPage();
      page.on('dialog', (d) => d.accept());
      await loadDemo(page, server.url, 1000);
      await page.screenshot({ path: `${out}/${lang}-${size}-settings.png` });
      await page.click('.toast-close');
      await page.click('[data-testid=nav-0]');
      await page.waitForSelector('[data-testid=customer-row]:not([hidden])');
      await page.click('[data-testid=toggle-summary]');
      await page.waitForSelector('[data-testid=chart-industry] svg');
      await page.screenshot({ path: `${out}/${lang}-${size}-list.png`, fullPage: size === 'wide' });
      await page.click('[data-testid=toggle-summary]');
      await page.fill('[data-testid=search]', lang === 'zh' ? '杭州' : 'north');
      await page.waitForTimeout(100);
      await page.screenshot({ path: `${out}/${lang}-${size}-search.png` });
      await page.click('[data-testid=customer-row]:not([hidden]) .c-name a');
      await page.waitForSelector('[data-testid=detail-name]');
      await page.screenshot({ path: `${out}/${lang}-${size}-detail.png`, fullPage: true });
      const detailUrl = page.url();
      await page.goto(server.url + '#/pipeline');
      await page.waitForSelector('[data-testid=deal-card]');
      await page.screenshot({ path: `${out}/${lang}-${size}-board.png` });
      await page.click('[data-testid=view-list]');
      await page.waitForSelector('[data-testid=deal-row]:not([hidden])');
      await page.click('[data-testid=deal-sort-amount]');
      await page.screenshot({ path: `${out}/${lang}-${size}-deal-list.png` });
      await page.click('[data-testid=view-board]');
      await page.waitForSelector('[data-testid=deal-card]');
      await page.click('[data-testid=deal-card] .deal-title >> nth=0');
      await page.waitForSelector('[data-testid=deal-name]');
      await page.screenshot({ path: `${out}/${lang}-${size}-deal.png`, fullPage: true });
      await page.click('[data-testid=edit-deal]');
      await page.waitForSelector('[data-testid=deal-form]');
      await page.screenshot({ path: `${out}/${lang}-${size}-deal-form.png`, fullPage: true });
      await page.goto(server.url + '#/pipeline/stages');
      await page.waitForSelector('[data-testid=stage-row]');
      await page.screenshot({ path: `${out}/${lang}-${size}-stages.png`, fullPage: true });
      await page.goto(server.url + '#/reports');
      await page.waitForSelector('.reports .card');
      await page.screenshot({ path: `${out}/${lang}-${size}-report.png` });
      // The forecast, its presentation slides, and how it prints.
      await page.goto(server.url + '#/forecast?period=year');
      await page.waitForSelector('[data-testid=chart-funnel-classes] svg');
      await page.waitForSelector('[data-testid=chart-range] svg');
      await page.screenshot({ path: `${out}/${lang}-${size}-forecast.png`, fullPage: true });
      await page.click('[data-testid=band-stage] >> nth=0');
      await page.click('[data-testid=range-carriers] li:first-child [data-testid=what-if-win]');
      await page.fill('[data-testid=rate-try-d]', '30');
      await page.screenshot({ path: `${out}/${lang}-${size}-forecast-what-if.png`, fullPage: true });
      await page.click('[data-testid=what-if-reset]');
      if (size === 'wide') {
        await page.emulateMedia({ media: 'print' });
        await page.screenshot({ path: `${out}/${lang}-print-forecast.png`, fullPage: true });
        await page.emulateMedia({ media: 'screen' });
      }
      await page.click('[data-testid=present]');
      await page.waitForSelector('[data-testid=presentation]');
      for (let slide = 1; slide <= 5; slide++) {
        await page.waitForTimeout(300);
        await page.screenshot({ path: `${out}/${lang}-${size}-slide-${slide}.png` });
        await page.keyboard.press('ArrowRight');
      }
      await page.keyboard.press('Escape');
      // The quota area: a target set and split, then each tab.
      await page.goto(server.url + '#/quotas?tab=targets&period=month');
      await page.waitForSelector('[data-testid=target-company]');
      await page.fill('[data-testid=target-company] [data-testid=tier-0]', '8000000');
      await page.click('[data-testid=targets-save]');
      await page.waitForSelector('[data-testid=toast]');
      await page.click('[data-testid=split-preview]');
      await page.click('[data-testid=targets-save]');
      await page.waitForTimeout(300);
      // Each team's target split down to its reps by capacity.
      const teamValues = await page.$$eval('[data-testid=split-parent] option', (os) => os.map((o) => o.value).filter((v) => v !== 'company'));
      for (const team of teamValues) {
        await page.selectOption('[data-testid=split-parent]', team);
        await page.selectOption('[data-testid=split-method]', 'capacity');
        await page.click('[data-testid=split-preview]');
        await page.click('[data-testid=targets-save]');
        await page.waitForTimeout(200);
      }
      await page.screenshot({ path: `${out}/${lang}-${size}-quota-targets.png`, fullPage: true });
      for (const tab of ['attainment', 'incentives', 'evaluations', 'allotments', 'calendar', 'people']) {
        await page.goto(server.url + `#/quotas?tab=${tab}&period=month`);
        await page.waitForSelector(`[data-testid=tab-${tab}][aria-selected=true]`);
        if (tab === 'attainment') await page.waitForSelector('[data-testid=chart-burn-up] svg');
        if (tab === 'incentives') {
          await page.click('[data-testid=rule-new-bands]');
          await page.fill('[data-testid=rule-name]', lang === 'zh' ? '月度提成' : 'Monthly commission');
          await page.click('[data-testid=rule-save]');
          await page.waitForSelector('[data-testid=rule]');
          await page.click('[data-testid=statement-open] >> nth=0');
        }
        await page.waitForTimeout(300);
        await page.screenshot({ path: `${out}/${lang}-${size}-quota-${tab}.png`, fullPage: true });
      }
      await page.goto(detailUrl);
      await page.waitForSelector('[data-testid=detail-name]');
      await page.click('[data-testid=edit]');
      await page.fill('[data-testid=contact-phone] >> nth=0', '12x');
      await page.fill('[data-testid=name]', '');
      await page.click('[data-testid=save]');
      await page.screenshot({ path: `${out}/${lang}-${size}-form-errors.png`, fullPage: true });
      // The import/export page, with a backup about to be restored.
      await page.evaluate(() => { location.hash = '#/data'; });
      await page.waitForSelector('[data-testid=import-file]', { timeout: 30_000 });
      const [backup] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=backup]')]);
      await page.setInputFiles('[data-testid=restore-file]', await backup.path());
      await page.waitForSelector('[data-testid=restore-confirm]');
      await page.screenshot({ path: `${out}/${lang}-${size}-data.png`, fullPage: true });
      await context.close();
    }
  }
  console.log(`screenshots in ${out}`);
} finally {
  await browser.close();
  await server.close();
}
