// End-to-end: the quota area in the release build, in China's time zone. A manager sets the
// company's target, splits it down, a rep wins a deal, attainment and its chart move, and all of
// it is there after a reload, in both languages; the worked commission example pays 6,030, is
// closed, and is clawed back when the deal is reopened; the calendar's make-up workday, an
// evaluation, an allotment near its limit, and bad input refused with a message; and two tabs
// setting targets, each seeing the other's without a reload.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, stop } from './server.mjs';
import { loadDemo, fillBands } from './steps.mjs';

let server;
let browser;

before(async () => ({ server, browser } = await start()));
after(() => stop({ server, browser }));

async function open(locale = 'zh-CN', { demo = true } = {}) {
  const context = await browser.newContext({ locale, viewport: { width: 1280, height: 900 }, timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => d.accept());
  if (demo) {
    await loadDemo(page, server.url, 1000);
    await page.click('.toast-close');
  } else {
    await page.goto(server.url + '#/customers');
    await page.waitForSelector('[data-testid=result-count]');
  }
  return { context, page, errors };
}

const go = (page, hash) => page.evaluate((h) => { location.hash = h; }, hash);
const text = (page, selector) => page.textContent(selector);
/** An amount as shown (`¥54,860,250.00`, `−¥1.00`) in yuan. */
const yuan = (shown) => (shown.includes('-') || shown.includes('−') ? -1 : 1) * Number(shown.replace(/[^0-9.]/g, ''));
/** Today in Shanghai, `2026-12-06`. */
const today = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

async function tab(page, name, query = '') {
  await go(page, `#/quotas?tab=${name}${query}`);
  await page.waitForSelector(`[data-testid=tab-${name}][aria-selected=true]`);
}

/** A new deal for the first customer of the list: amount, owner (option label), stage (label). */
async function newDeal(page, { title, amount, owner, stage }) {
  await go(page, '#/customers');
  await page.click('[data-testid=customer-row]:not([hidden]) .c-name a >> nth=0');
  await page.click('[data-testid=customer-new-deal]');
  await page.fill('[data-testid=deal-title]', title);
  await page.fill('[data-testid=deal-amount]', String(amount));
  if (owner) await page.selectOption('[data-testid=deal-owner-field]', { label: owner });
  if (stage) await page.selectOption('[data-testid=deal-stage-field]', { label: stage });
  await page.click('[data-testid=deal-save]');
  await page.waitForSelector('[data-testid=deal-name]');
  return page.url();
}

for (const [locale, words] of [['zh-CN', { saved: '已保存', won: '赢单', noTarget: '未设目标' }], ['en-US', { saved: 'Saved', won: 'Won', noTarget: 'No target' }]]) {
  test(`${locale}: the company's target set and split evenly, a rep wins a deal, attainment and its chart move, and a reload keeps it all`, async () => {
    const { context, page, errors } = await open(locale);
    const month = `&period=month&at=${today()}`;
    await tab(page, 'targets', month);
    await page.fill('[data-testid=target-company] [data-testid=tier-0]', '1000000');
    await page.fill('[data-testid=target-company] [data-testid=tier-1]', '1200000');
    await page.click('[data-testid=targets-save]');
    await page.waitForSelector(`[data-testid=toast] >> text=${words.saved}`);
    // Split evenly among the teams (and reps in no team), into the table, then saved.
    await page.selectOption('[data-testid=split-method]', 'even');
    await page.click('[data-testid=split-preview]');
    const parts = await page.$$eval('tr.team-row [data-testid=tier-0]', (inputs) => inputs.map((i) => Number(i.value)));
    assert.ok(parts.length >= 2, `${parts}`);
    await page.click('[data-testid=targets-save]');
    await page.waitForSelector(`[data-testid=toast] >> text=${words.saved}`);
    // The teams split among their reps, one after another: then nothing is out of step.
    const teams = await page.$$eval('[data-testid=split-parent] option', (os) => os.map((o) => o.value).filter((v) => v !== 'company'));
    for (const team of teams) {
      await page.selectOption('[data-testid=split-parent]', team);
      await page.click('[data-testid=split-preview]');
      await page.click('[data-testid=targets-save]');
      await page.waitForSelector(`[data-testid=toast] >> text=${words.saved}`);
      await page.click('.toast-close');
    }
    assert.equal(await page.$$eval('[data-testid=mismatch]', (m) => m.length), 0, 'every level adds up');
    // A team's target changed by hand by one yuan: the mismatch is said, to the cent.
    const firstTeam = 'tr.team-row >> nth=0';
    const teamTarget = Number(await page.inputValue(`${firstTeam} >> [data-testid=tier-0]`));
    await page.fill(`${firstTeam} >> [data-testid=tier-0]`, String(teamTarget + 1));
    await page.click('[data-testid=targets-save]');
    await page.waitForSelector('[data-testid=mismatch]');
    assert.match(await text(page, '[data-testid=mismatch]'), /¥1\.00/);
    assert.ok((await page.$$('[data-testid=target-history] li')).length >= 3, 'changes kept with who and when');

    // Attainment before and after a rep wins a deal.
    await tab(page, 'attainment', month + '&measure=amount');
    await page.waitForSelector('[data-testid=chart-attainment] svg');
    assert.match(await text(page, '[data-testid=standing-company] td:nth-child(2)'), /¥1,000,000\.00/);
    const before = yuan(await text(page, '[data-testid=standing-company] [data-testid=standing-actual]'));
    const chartBefore = await page.innerHTML('[data-testid=chart-burn-up]');
    const rep = (await text(page, 'tr.rep-row >> nth=0 >> td >> nth=0')).trim();
    await newDeal(page, { title: `${locale} won deal`, amount: 123456, owner: rep, stage: words.won });
    await tab(page, 'attainment', month + '&measure=amount');
    await page.waitForSelector('[data-testid=chart-burn-up] svg');
    const after = yuan(await text(page, '[data-testid=standing-company] [data-testid=standing-actual]'));
    assert.equal(Math.round((after - before) * 100), 12345600, `${before} -> ${after}`);
    await page.waitForFunction((b) => document.querySelector('[data-testid=chart-burn-up]').innerHTML !== b, chartBefore);
    assert.match(await text(page, '[data-testid=standing-company] [data-testid=standing-attainment]'), /^\d+\.\d%$/);
    const repRow = `tr.rep-row:has-text("${rep}")`;
    const repActual = yuan(await text(page, `${repRow} >> [data-testid=standing-actual]`));
    assert.ok(repActual >= 123456, `${rep}: ${repActual}`);
    assert.ok((await text(page, '[data-testid=leaderboard]')).includes(rep));

    // Kept after a reload.
    await page.reload();
    await page.waitForSelector('[data-testid=standing-company]');
    assert.equal(yuan(await text(page, '[data-testid=standing-company] [data-testid=standing-actual]')), after);
    assert.match(await text(page, '[data-testid=standing-company] td:nth-child(2)'), /¥1,000,000\.00/);
    await tab(page, 'targets', month);
    assert.equal(await page.inputValue('[data-testid=target-company] [data-testid=tier-1]'), '1200000');
    // A quarter's target is its months' sum.
    await tab(page, 'targets', `&period=quarter&at=${today()}`);
    assert.ok(Number(await page.inputValue('[data-testid=target-company] [data-testid=tier-0]')) >= 1000000);
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test('the worked commission example pays 6,030; closed, then the deal reopened: the next statement claws it back', async () => {
  const { context, page, errors } = await open('zh-CN', { demo: false });
  // A team, a rep in it, a customer.
  await tab(page, 'people');
  await page.fill('[data-testid=team-name]', '华南团队');
  await page.click('[data-testid=team-add]');
  await page.waitForSelector('[data-testid=team-row]');
  await page.fill('[data-testid=rep-name]', '王伟');
  await page.click('[data-testid=rep-add]');
  await page.waitForSelector('[data-testid=rep-row]');
  await page.selectOption('[data-testid=rep-team]', { label: '华南团队' });
  await page.click('[data-testid=rep-save]');
  await page.waitForSelector('[data-testid=toast] >> text=已保存');
  // Bad input: an empty name, a capacity of 0.
  await page.click('[data-testid=rep-add]');
  assert.match(await text(page, '[data-testid=rep-error]'), /必填/);
  await page.fill('[data-testid=rep-capacity]', '0');
  await page.click('[data-testid=rep-save]');
  assert.match(await text(page, '[data-testid=rep-row-error]'), /超出范围/);
  await page.fill('[data-testid=rep-capacity]', '100');
  await go(page, '#/customers/new');
  await page.fill('[data-testid=name]', '恒达电器');
  await page.click('[data-testid=save]');
  await page.waitForSelector('[data-testid=detail-name]');

  // The rep's target for this month: 33,000; a negative one is refused.
  const month = `&period=month&at=${today()}`;
  await tab(page, 'targets', month);
  const repRow = 'tr.rep-row:has-text("王伟")';
  await page.fill(`${repRow} >> [data-testid=tier-0]`, '-5');
  await page.click('[data-testid=targets-save]');
  assert.equal(await text(page, '[data-testid=target-error]'), '目标不能为负数');
  await page.fill(`${repRow} >> [data-testid=tier-0]`, '33000');
  await page.click('[data-testid=targets-save]');
  await page.waitForSelector('[data-testid=toast] >> text=已保存');

  // The band rule: <50 % 5 %, 50-100 % 10 %, 100-150 % 12 %, >=150 % 15 %, marginal, monthly.
  await tab(page, 'incentives', month);
  await page.click('[data-testid=rule-new-bands]');
  await page.fill('[data-testid=rule-name]', '月度提成');
  const bands = [['0', '50', '5'], ['50', '100', '10'], ['100', '150', '12'], ['150', '', '15']];
  await fillBands(page, bands);
  // A gap between bands is refused, said which.
  await page.fill('[data-testid=band-row] >> nth=2 >> [data-testid=band-from]', '110');
  await page.click('[data-testid=rule-save]');
  assert.match(await text(page, '[data-testid=rule-errors]'), /第 3 档的起点须等于上一档的终点/);
  await page.fill('[data-testid=band-row] >> nth=2 >> [data-testid=band-from]', '100');
  await page.click('[data-testid=rule-save]');
  await page.waitForSelector('[data-testid=toast] >> text=激励规则已保存');

  // 60,000 won by 王伟 this month.
  const dealUrl = await newDeal(page, { title: '大订单', amount: 60000, owner: '王伟', stage: '赢单' });
  await tab(page, 'incentives', month);
  const row = '[data-testid=statement-row]:has-text("王伟")';
  await page.waitForSelector(row);
  assert.equal(await text(page, `${row} >> [data-testid=statement-total]`), '¥6,030.00');
  await page.click(`${row} >> [data-testid=statement-open]`);
  const lines = await page.$$eval('[data-testid=statement-line] strong', (s) => s.map((x) => x.textContent));
  assert.deepEqual(lines, ['¥825.00', '¥1,650.00', '¥1,980.00', '¥1,575.00']);
  // Exported as CSV, with the total.
  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=payouts-csv]')]);
  const { readFile } = await import('node:fs/promises');
  const body = await readFile(await csv.path(), 'utf8');
  assert.ok(body.includes('王伟') && body.includes('6030.00'), body);
  // Closed (paid), kept after a reload.
  await page.click(`${row} >> [data-testid=statement-close]`);
  await page.waitForSelector('[data-testid=toast] >> text=提成单已结算');
  await page.reload();
  await page.waitForSelector(row);
  assert.equal(await page.$(`${row} >> [data-testid=statement-close]`), null);

  // The deal reopened: this month's paid statement stays; next month's claws 6,030 back.
  await page.goto(dealUrl);
  await page.waitForSelector('[data-testid=deal-stage-select]');
  await page.selectOption('[data-testid=deal-stage-select]', { index: 0 });
  await page.waitForFunction(() => document.querySelector('[data-testid=deal-stage]').textContent !== '赢单');
  await tab(page, 'incentives', month);
  assert.equal(await text(page, `${row} >> [data-testid=statement-total]`), '¥6,030.00');
  await page.click('[data-testid=quota-next]');
  await page.waitForSelector(row);
  assert.equal(await text(page, `${row} >> [data-testid=statement-total]`), '-¥6,030.00');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a make-up workday counts in the pace; an evaluation scored and saved; an allotment warns near its limit; bad weights are refused', async () => {
  const { context, page, errors } = await open('zh-CN');
  // October 2026: National Day off on the 1st-7th (five weekdays), Saturday the 10th worked.
  await tab(page, 'calendar', '&period=month&at=2026-10-01');
  assert.match(await text(page, '[data-testid=working-days]'), /22 个工作日/);
  for (const day of ['01', '02', '05', '06', '07']) {
    await page.fill('[data-testid=day-date]', `2026-10-${day}`);
    await page.click('[data-testid=day-add]');
    await page.waitForFunction((d) => document.querySelector('[data-testid=holidays]').textContent.includes(d), `2026-10-${day}`);
  }
  await page.fill('[data-testid=day-date]', '2026-10-10');
  await page.selectOption('[data-testid=day-kind]', 'work');
  await page.click('[data-testid=day-add]');
  await page.waitForFunction(() => document.querySelector('[data-testid=workdays]').textContent.includes('2026-10-10'));
  assert.match(await text(page, '[data-testid=working-days]'), /18 个工作日/);

  // An evaluation: attitude and satisfaction scored, saved, kept; weights that do not add up refused.
  await tab(page, 'evaluations', `&period=month&at=${today()}`);
  const first = '[data-testid=evaluation-row] >> nth=0';
  for (const [i, score] of ['90', '80', '70', '100'].entries()) await page.fill(`${first} >> [data-testid=score-${i}]`, score);
  await page.fill(`${first} >> [data-testid=evaluation-note]`, '客户回访及时');
  await page.click(`${first} >> [data-testid=evaluation-save]`);
  await page.waitForSelector('[data-testid=toast] >> text=考核已保存');
  await page.reload();
  await page.waitForSelector(first);
  await page.waitForFunction(() => document.querySelector('[data-testid=evaluation-row] [data-testid=score-3]').value === '100');
  assert.match(await text(page, `${first} >> [data-testid=evaluation-score]`), /^\d+$/);
  assert.match(await text(page, '[data-testid=evaluation-history]'), /客户回访及时/);
  await page.fill('[data-testid=weight-0]', '50');
  await page.click('[data-testid=weights-save]');
  assert.equal(await text(page, '[data-testid=weights-error]'), '三项权重相加须为 100%');

  // An allotment: key customers may have 10 free samples a month; 9 used is near the limit.
  await tab(page, 'allotments');
  await page.fill('[data-testid=allot-product]', '免费样品');
  await page.fill('[data-testid=allot-limit]', '10');
  await page.click('[data-testid=allot-add]');
  await page.waitForSelector('[data-testid=allotment-rule]');
  const customer = await page.evaluate(() => window.pocketTest('digest'));
  assert.ok(customer.length > 0);
  // Find a key customer by the list's tier filter.
  await go(page, '#/customers?tier=key');
  // (Once the filter has been applied: the first row shown is a key customer.)
  await page.waitForFunction(() => document.querySelector('[data-testid=customer-row]:not([hidden]) .c-tier .badge')?.classList.contains('tier-key'));
  const name = (await text(page, '[data-testid=customer-row]:not([hidden]) .c-name a')).trim();
  await tab(page, 'allotments');
  await page.fill('[data-testid=use-customer]', name);
  // Names repeat or share a beginning ("Bluepeak Apparel Ltd", "Bluepeak Apparel LLC"): the
  // suggestion is the one of this name, and it says the tier.
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  await page.click(`[data-testid=use-suggestions] button:text-matches("^${escaped} · .*重点客户$")`);
  await page.selectOption('[data-testid=use-product]', '免费样品');
  await page.fill('[data-testid=use-quantity]', '9');
  await page.click('[data-testid=use-record]');
  await page.waitForSelector('[data-testid=toast] >> text=已记录');
  await page.waitForSelector('[data-testid=allotment-status].near');
  assert.match(await text(page, '[data-testid=allotment-status]'), /9\/10 · 接近上限/);
  assert.ok((await text(page, '[data-testid=allotment-warnings]')).includes(name));
  await page.fill('[data-testid=use-quantity]', '0');
  await page.click('[data-testid=use-record]');
  assert.equal(await text(page, '[data-testid=use-error]'), '数量须大于 0');
  assert.deepEqual(errors, []);
  await context.close();
});

test('two tabs on the quota area: a target saved in one shows in the other without a reload, and each tab keeps the other tab\'s target when it saves its own', async () => {
  const { context, page: first, errors } = await open();
  const second = await context.newPage();
  second.on('pageerror', (e) => errors.push(e.message));
  const month = `&period=month&at=${today()}`;
  await second.goto(server.url + `#/quotas?tab=targets${month}`);
  await second.waitForSelector('[data-testid=target-company]');
  await tab(first, 'targets', month);
  // The first tab sets the company's target; the second, open all along, shows it.
  await first.fill('[data-testid=target-company] [data-testid=tier-0]', '500000');
  await first.click('[data-testid=targets-save]');
  await first.waitForSelector('[data-testid=toast]');
  await second.waitForFunction(() => document.querySelector('[data-testid=target-company] [data-testid=tier-0]').value === '500000');
  // The second tab sets the first team's target; the first tab shows it, and the company's stays.
  const team = 'tr.team-row >> nth=0 >> [data-testid=tier-0]';
  await second.fill(team, '200000');
  await second.click('[data-testid=targets-save]');
  await second.waitForSelector('[data-testid=toast]');
  await first.waitForFunction(() => document.querySelector('tr.team-row [data-testid=tier-0]').value === '200000');
  assert.equal(await first.inputValue('[data-testid=target-company] [data-testid=tier-0]'), '500000');
  // A reload of either shows both.
  await second.reload();
  await second.waitForSelector('[data-testid=target-company]');
  await second.waitForFunction(() => document.querySelector('tr.team-row [data-testid=tier-0]').value === '200000');
  assert.equal(await second.inputValue('[data-testid=target-company] [data-testid=tier-0]'), '500000');
  assert.deepEqual(errors, []);
  await context.close();
});
