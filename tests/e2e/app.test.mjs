// End-to-end: the release build in Chromium, driven as a user would. Each test gets a fresh
// browser context, so its IndexedDB and localStorage start empty.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, truncate, rm } from 'node:fs/promises';
import { start, stop } from './server.mjs';

/** List rows that show a customer (the list keeps a few empty slots hidden). */
const ROW = '[data-testid=customer-row]:not([hidden])';

let server;
let browser;

before(async () => ({ server, browser } = await start()));
after(() => stop({ server, browser }));

async function open(locale = 'zh-CN', viewport = { width: 1280, height: 800 }) {
  const context = await browser.newContext({ locale, viewport });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') console.log('console error:', m.text()); });
  page.on('dialog', (d) => d.accept());
  await page.goto(server.url);
  await page.waitForSelector('[data-testid=result-count]');
  return { context, page, errors };
}

/** Loads `size` demo customers from the settings page and waits for its message. */
async function loadDemo(page, size = 100) {
  await page.click('[data-testid=nav-7]');
  await page.selectOption('[data-testid=demo-size]', String(size));
  await page.click('[data-testid=load-demo]');
  await page.waitForSelector('[data-testid=toast]');
}

const rowNames = (page) => page.$$eval(ROW + ' .c-name a', (as) => as.map((a) => a.textContent));
const search = (page, text) => page.fill('[data-testid=search]', text);
const reload = async (page) => {
  await page.reload();
  await page.waitForSelector('[data-testid=result-count], [data-testid=detail-name]');
};

test('add a customer with validation, edit it, reload, and find it by name and phone', async () => {
  const { context, page, errors } = await open();
  assert.equal(await page.textContent('[data-testid=empty]'), '还没有客户。新建一位，或在设置中加载演示数据。');

  await page.click('[data-testid=new-customer]');
  await page.fill('[data-testid=contact-phone]', '12ab');
  await page.fill('[data-testid=value]', '很多');
  await page.click('[data-testid=save]');
  assert.equal(await page.textContent('[data-testid=form-error]'), '请修正标出的字段。');
  assert.equal(await page.textContent('[data-testid=error-value]'), '请输入金额，如 35000 或 3.5万');
  await page.fill('[data-testid=value]', '3.5万');
  await page.click('[data-testid=save]');
  assert.equal(await page.textContent('[data-testid=error-name]'), '必填');
  assert.equal(await page.textContent('[data-testid=error-contact-phone]'), '电话号码格式不正确');

  await page.fill('[data-testid=name]', '杭州恒达电器有限公司');
  await page.fill('[data-testid=industry]', '家电');
  await page.fill('[data-testid=region]', '浙江');
  await page.fill('[data-testid=contact-name]', '李伟');
  await page.fill('[data-testid=contact-phone]', '138-1234-5678');
  await page.click('[data-testid=save]');
  await page.waitForSelector('[data-testid=detail-name]');
  assert.equal(await page.textContent('[data-testid=detail-name]'), '杭州恒达电器有限公司');
  assert.match(await page.textContent('.detail'), /¥35,000\.00/);

  await page.click('[data-testid=edit]');
  assert.equal(await page.inputValue('[data-testid=value]'), '35000');
  await page.fill('[data-testid=name]', '杭州恒达电器股份有限公司');
  await page.click('[data-testid=save]');
  await page.waitForSelector('[data-testid=detail-name]');
  assert.equal(await page.textContent('[data-testid=detail-name]'), '杭州恒达电器股份有限公司');

  // A follow-up on the detail page.
  await page.fill('[data-testid=add-communication] input[type=text]', '电话沟通样品事宜');
  await page.click('[data-testid=add-communication] button[type=submit]');
  await page.waitForSelector('[data-testid=communications] li');

  await reload(page);
  assert.equal(await page.textContent('[data-testid=detail-name]'), '杭州恒达电器股份有限公司');
  assert.match(await page.textContent('[data-testid=communications]'), /电话沟通样品事宜/);
  await page.click('a.back');
  await page.waitForSelector(ROW);
  await search(page, '恒达');
  assert.deepEqual(await rowNames(page), ['杭州恒达电器股份有限公司']);
  await search(page, '1381234');
  assert.deepEqual(await rowNames(page), ['杭州恒达电器股份有限公司']);
  await search(page, '李伟');
  assert.deepEqual(await rowNames(page), ['杭州恒达电器股份有限公司']);
  await search(page, '不存在的客户');
  assert.deepEqual(await rowNames(page), []);
  assert.equal(await page.textContent('[data-testid=empty]'), '没有符合条件的客户。');
  assert.deepEqual(errors, []);
  await context.close();
});

test('delete shows undo; undo restores; a delete without undo survives reload', async () => {
  const { context, page, errors } = await open();
  for (const name of ['Alpha Trading Ltd', '北京宏远科技有限公司']) {
    await page.click('[data-testid=new-customer]');
    await page.fill('[data-testid=name]', name);
    await page.click('[data-testid=save]');
    await page.waitForSelector('[data-testid=detail-name]');
    await page.click('a.back');
  }
  await page.waitForSelector(ROW);
  assert.equal((await rowNames(page)).length, 2);

  await page.click('text=Alpha Trading Ltd');
  await page.click('[data-testid=delete]');
  // The toast of the last save (with its own undo) may still be up: wait for the delete's.
  await page.waitForSelector('[data-testid=toast]:has([data-testid=undo]) >> text=已删除“Alpha Trading Ltd”');
  assert.deepEqual(await rowNames(page), ['北京宏远科技有限公司']);
  await page.click('[data-testid=undo]');
  await page.waitForFunction((row) => document.querySelectorAll(row).length === 2, ROW);
  await reload(page);
  assert.deepEqual((await rowNames(page)).sort(), ['Alpha Trading Ltd', '北京宏远科技有限公司']);

  await page.click('text=北京宏远科技有限公司');
  await page.click('[data-testid=delete]');
  await page.waitForSelector('[data-testid=toast]:has([data-testid=undo]) >> text=已删除“北京宏远科技有限公司”');
  await reload(page);
  assert.deepEqual(await rowNames(page), ['Alpha Trading Ltd']);
  assert.deepEqual(errors, []);
  await context.close();
});

test('deleting a customer with deals asks what becomes of them; closing them as lost is undone whole', async () => {
  const { context, page, errors } = await open('en-US');
  await loadDemo(page);
  // A customer with open deals, from the deal list.
  await page.goto(server.url + '#/pipeline?view=list');
  await page.waitForSelector('[data-testid=deal-row]');
  const openBefore = Number((await page.textContent('[data-testid=deal-list-summary]')).match(/\d+/)[0]);
  await page.click('[data-testid=deal-row] a[href^="#/deals/"]');
  await page.click('[data-testid=deal-customer]');
  await page.waitForSelector('[data-testid=customer-deals]');
  const name = await page.textContent('[data-testid=detail-name]');
  await page.click('[data-testid=delete]');
  await page.waitForSelector('[data-testid=delete-ask]');
  assert.match(await page.textContent('[data-testid=delete-ask]'), /This customer has (a deal|\d+ deals)\. What becomes of (it|them)\?/);
  await page.click('[data-testid=delete-close-deals]');
  await page.waitForSelector(`[data-testid=toast]:has([data-testid=undo]) >> text=Deleted “${name}”`);
  await page.goto(server.url + '#/pipeline?view=list');
  await page.waitForSelector('[data-testid=deal-list-summary]');
  const openAfter = Number((await page.textContent('[data-testid=deal-list-summary]')).match(/\d+/)[0]);
  assert.ok(openAfter < openBefore, `its open deals were closed: ${openBefore} -> ${openAfter}`);
  await page.click('[data-testid=undo]');
  await page.waitForFunction((n) => document.querySelector('[data-testid=deal-list-summary]')?.textContent.startsWith(`${n} deals`), openBefore);
  await reload(page).catch(() => {});
  await page.goto(server.url + '#/customers');
  await page.waitForSelector(ROW);
  await search(page, name);
  assert.ok((await rowNames(page)).includes(name), 'the customer is back after a reload');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a failed write tells the user, keeps the form, and loses nothing stored', async () => {
  const { context, page, errors } = await open();
  await page.click('[data-testid=new-customer]');
  await page.fill('[data-testid=name]', '原来的名字');
  await page.click('[data-testid=save]');
  await page.waitForSelector('[data-testid=detail-name]');
  await page.click('[data-testid=edit]');
  await page.fill('[data-testid=name]', '新名字');
  await page.evaluate(() => { window.pocketFailNextWrite = true; });
  await page.click('[data-testid=save]');
  await page.waitForSelector('[data-testid=toast].error');
  assert.equal(await page.textContent('[data-testid=toast] span'), '保存失败，本次更改没有保存，已有数据完好。');
  assert.equal(await page.inputValue('[data-testid=name]'), '新名字', 'what the user typed is still there');
  // A fresh page load shows what is stored.
  await page.goto(server.url + '?fresh#/customers');
  await page.waitForSelector(ROW);
  assert.deepEqual(await rowNames(page), ['原来的名字']);
  assert.deepEqual(errors, []);
  await context.close();
});

test('demo data, filters in the URL, summary charts with Chinese labels, English after reload', async () => {
  const { context, page, errors } = await open();
  await loadDemo(page, 1000);
  assert.equal(await page.textContent('[data-testid=toast] span'), '已加载 1000 位演示客户');
  await page.click('[data-testid=nav-0]');
  await page.waitForSelector(ROW);
  assert.equal(await page.textContent('[data-testid=result-count]'), '共 1000 位客户');
  const rows = await page.$$eval(ROW, (r) => r.length);
  assert.ok(rows > 5 && rows < 100, `${rows} rows in the page`);

  await page.selectOption('[data-testid=filter-tier]', 'strategic');
  const filtered = Number((await page.textContent('[data-testid=result-count]')).match(/\d+/)[0]);
  assert.ok(filtered > 50 && filtered < 400, `${filtered}`);
  assert.match(page.url(), /tier=strategic/);
  await reload(page);
  assert.equal(await page.textContent('[data-testid=result-count]'), `共 ${filtered} 位客户`);
  const tiers = await page.$$eval(ROW + ' .c-tier', (c) => [...new Set(c.map((x) => x.textContent))]);
  assert.deepEqual(tiers, ['战略客户']);

  await page.click('[data-testid=toggle-summary]');
  await page.waitForSelector('[data-testid=chart-tier] svg');
  const svgText = await page.textContent('[data-testid=chart-tier] svg');
  for (const label of ['按客户等级统计客户数', '战略客户', '重点客户', '普通客户', '潜在客户']) assert.ok(svgText.includes(label), label);
  assert.ok((await page.$$('[data-testid=chart-region] svg rect')).length >= 5);

  await page.click('[data-testid=lang-switch]');
  assert.equal(await page.textContent('[data-testid=nav-0]'), 'Customers');
  await reload(page);
  assert.equal(await page.textContent('[data-testid=nav-0]'), 'Customers');
  assert.equal(await page.textContent('[data-testid=result-count]'), `${filtered} customers`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('narrow screen: no sideways scrolling, list and navigation usable', async () => {
  const { context, page, errors } = await open('en-US', { width: 390, height: 844 });
  assert.equal(await page.textContent('[data-testid=nav-0]'), 'Customers', 'language follows the browser');
  await page.click('[data-testid=new-customer]');
  await page.fill('[data-testid=name]', 'Narrow Screen Co.');
  await page.click('[data-testid=save]');
  await page.waitForSelector('[data-testid=detail-name]');
  await page.click('[data-testid=nav-0]');
  await page.waitForSelector(ROW);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
  assert.ok(await page.isVisible(ROW + ' .c-name'));
  assert.deepEqual(errors, []);
  await context.close();
});

test('the list fills its view as the window grows and shrinks, with no more rows than it shows', async () => {
  const { context, page, errors } = await open('en-US');
  await loadDemo(page, 100);
  await page.click('[data-testid=nav-0]');
  await page.waitForSelector(ROW);
  // Where the shown rows end and where the list's view ends, in the window; the view's height.
  const ends = (row) => {
    const viewport = document.querySelector('[data-testid=list-viewport]');
    const view = viewport.getBoundingClientRect();
    const rows = [...document.querySelectorAll(row)].map((r) => r.getBoundingClientRect().bottom);
    return { view: Math.round(view.bottom), height: viewport.clientHeight, rows: Math.round(Math.max(...rows)), slots: document.querySelectorAll('[data-testid=customer-row]').length };
  };
  // A row's height and the rows kept beyond the view (ROW_HEIGHT and twice OVERSCAN in virtual_rows.rs).
  const ROW_PX = 44;
  const SPARE = 16;
  const slots = {};
  for (const height of [800, 1600, 500]) {
    await page.setViewportSize({ width: 1280, height });
    // The view is measured once the browser has laid it out, then the rows follow: a few frames.
    await page.evaluate(() => new Promise((done) => {
      let frames = 0;
      const next = () => (++frames >= 3 ? done() : requestAnimationFrame(next));
      requestAnimationFrame(next);
    }));
    const at = await page.evaluate(ends, ROW);
    assert.ok(at.rows >= at.view, `window ${height}px high: the rows end at ${at.rows}px, the list at ${at.view}px`);
    assert.ok(at.slots <= Math.ceil(at.height / ROW_PX) + SPARE, `window ${height}px high: ${at.slots} row slots for a view of ${at.height}px`);
    assert.ok(at.rows - at.view <= (SPARE + 1) * ROW_PX, `window ${height}px high: the rows go on ${at.rows - at.view}px past the view`);
    slots[height] = at.slots;
  }
  assert.ok(slots[1600] > slots[800] && slots[800] > slots[500], `row slots by window height: ${JSON.stringify(slots)}`);
  // The rows beyond the view come after the first rows are painted: the page's first paint of the
  // list holds no more rows than the window's height takes, the next frames the spare ones.
  await page.addInitScript(() => {
    const observer = new MutationObserver(() => {
      if (document.querySelector('[data-testid=customer-row]:not([hidden])')) {
        window.__firstSlots = document.querySelectorAll('[data-testid=customer-row]').length;
        observer.disconnect();
      }
    });
    observer.observe(document, { childList: true, subtree: true });
  });
  await page.reload();
  await page.waitForFunction(() => window.__firstSlots);
  const first = await page.evaluate((rowPx) => ({ slots: window.__firstSlots, fit: Math.ceil(window.innerHeight / rowPx) }), ROW_PX);
  assert.ok(first.slots <= first.fit, `first paint: ${first.slots} row slots for a window of ${first.fit} rows`);
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=customer-row]').length > n, first.slots);
  assert.deepEqual(errors, []);
  await context.close();
});

const FIXTURES = new URL('../fixtures/', import.meta.url).pathname;

/** Opens the import/export page (its own module, loaded on first visit). */
async function openData(page, query = '') {
  await page.evaluate((q) => { location.hash = '#/data' + q; }, query);
  await page.waitForSelector('[data-testid=import-file]', { timeout: 30_000 });
}

async function importFile(page, path, choice = 'skip') {
  await page.setInputFiles('[data-testid=import-file]', path);
  await page.waitForSelector('[data-testid=import-preview]');
  await page.check(`[data-testid=dup-${choice}]`);
  await page.click('[data-testid=import-check]');
  await page.waitForSelector('[data-testid=import-result]');
}

test('import a GBK CSV from Chinese Excel, see the names, export, and re-import elsewhere', async () => {
  const { context, page, errors } = await open();
  await openData(page);
  await importFile(page, FIXTURES + 'customers-gbk.csv');
  assert.match(await page.textContent('[data-testid=import-summary]'), /customers-gbk\.csv：4 行数据，编码 GBK\/GB18030/);
  assert.equal(await page.textContent('[data-testid=import-good]'), '可导入 3 行');
  assert.equal(await page.textContent('[data-testid=import-bad]'), '1 行有问题，不会导入');
  const problems = await page.$$eval('[data-testid=import-problems] tbody tr', (trs) => trs.map((tr) => tr.textContent));
  assert.deepEqual(problems, [
    // Line 6 of the file: the quoted note of row 2 spans two lines.
    '6潜在价值很多请输入金额，如 35000 或 3.5万',
    '6合作意向非常想合作意向无法识别（应为 高 / 中 / 低）',
    '6手机12ab电话号码格式不正确',
  ]);
  // The problem rows download as a CSV with a reason column.
  const [bad] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=download-bad]')]);
  const badText = (await readFile(await bad.path())).toString('utf8');
  assert.match(badText, /^\uFEFF客户名称,行业,.*,原因\r\n错误示例公司,建材,江苏,赵六,12ab,,很多,非常想,,潜在价值: 请输入金额.*; 手机: 电话号码格式不正确\r\n$/s);

  await page.click('[data-testid=import-commit]');
  await page.waitForSelector('[data-testid=toast]');
  assert.equal(await page.textContent('[data-testid=toast] span'), '已导入：新建 3 位，更新 0 位客户');

  // The page's own list shows them, names intact, without a reload.
  await page.click('[data-testid=nav-0]');
  await page.waitForSelector(ROW);
  assert.deepEqual((await rowNames(page)).sort(), ['个体户张三', '杭州恒达电器有限公司', '深圳鹏程电子']);

  // Export what the list shows (filtered), then import the file into an empty browser.
  await search(page, '恒达');
  await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 1, ROW);
  await page.click('[data-testid=export-link]');
  await page.waitForSelector('[data-testid=export-scope]');
  assert.equal(await page.textContent('[data-testid=export-scope]'), '导出客户列表当前筛选出的 1 位客户。');
  await openData(page);
  const [exported] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-csv]')]);
  const csvPath = await exported.path();
  const csv = await readFile(csvPath);
  assert.deepEqual([...csv.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM');
  assert.match(csv.toString('utf8'), /杭州恒达电器有限公司,企业客户,家电,浙江/);
  assert.doesNotMatch(csv.toString('utf8'), /深圳鹏程电子/);

  // Re-importing into the same store finds the duplicate.
  await importFile(page, csvPath);
  assert.match(await page.textContent('[data-testid=import-dups]'), /与已有客户 1 行/);
  assert.equal(await page.textContent('[data-testid=import-commit]'), '导入 0 位客户');

  const fresh = await open();
  await openData(fresh.page);
  await importFile(fresh.page, csvPath);
  await fresh.page.click('[data-testid=import-commit]');
  await fresh.page.waitForSelector('[data-testid=toast]');
  await fresh.page.click('[data-testid=nav-0]');
  await fresh.page.waitForSelector(ROW);
  assert.deepEqual(await rowNames(fresh.page), ['杭州恒达电器有限公司']);
  await fresh.page.click(ROW + ' .c-name a');
  await fresh.page.waitForSelector('[data-testid=detail-name]');
  assert.match(await fresh.page.textContent('.detail'), /老客户, 每年采购\s*两次/);
  assert.deepEqual(fresh.errors, []);
  await fresh.context.close();
  assert.deepEqual(errors, []);
  await context.close();
});

test('backup, wipe by restoring another backup, restore: same bytes; a damaged file changes nothing', async () => {
  const { context, page, errors } = await open();
  await loadDemo(page);
  await openData(page);
  assert.equal(await page.textContent('[data-testid=last-backup]'), '尚未备份过数据。');
  await page.waitForSelector('[data-testid=backup-reminder]');
  const [first] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=backup]')]);
  const firstBytes = await readFile(await first.path());
  assert.equal(await page.textContent('[data-testid=last-backup]'), '今天已备份。');
  // The app's reminder above the page goes at once, without a navigation.
  await page.waitForSelector('[data-testid=backup-reminder]', { state: 'detached' });

  // A damaged backup is refused and nothing changes.
  const damagedPath = (await first.path()) + '-damaged.json';
  await writeFile(damagedPath, firstBytes.subarray(0, firstBytes.length / 2));
  await page.setInputFiles('[data-testid=restore-file]', damagedPath);
  await page.waitForSelector('[data-testid=restore-error]');
  assert.equal(await page.textContent('[data-testid=restore-error]'), '这不是口袋CRM的备份文件，或文件已损坏。当前数据未改动。');
  // One over 1 GB is refused before it is read (a sparse file: nothing is written to disk).
  const hugePath = (await first.path()) + '-huge.json';
  await truncate(hugePath, 2 ** 30 + 1).catch(async () => { await writeFile(hugePath, ''); await truncate(hugePath, 2 ** 30 + 1); });
  await page.setInputFiles('[data-testid=restore-file]', hugePath);
  await page.waitForSelector('[data-testid=restore-error] >> text=备份文件超过 1 GB，浏览器无法一次读入。当前数据未改动。');
  await rm(hugePath);

  // Wipe: restore an empty backup made from a fresh browser.
  const other = await open();
  await openData(other.page);
  const [empty] = await Promise.all([other.page.waitForEvent('download'), other.page.click('[data-testid=backup]')]);
  await page.setInputFiles('[data-testid=restore-file]', await empty.path());
  await page.waitForSelector('[data-testid=restore-confirm]');
  assert.match(await page.textContent('[data-testid=restore-confirm]'), /备份中的 0 位客户.*当前的 100 位客户/);
  await page.click('[data-testid=restore-go]');
  await page.waitForSelector('[data-testid=toast]');
  await page.click('[data-testid=nav-0]');
  await page.waitForSelector('[data-testid=empty]');

  // Restore the first backup, reload, back up again: byte-identical.
  await openData(page);
  await page.setInputFiles('[data-testid=restore-file]', await first.path());
  await page.waitForSelector('[data-testid=restore-confirm]');
  await page.click('[data-testid=restore-go]');
  await page.waitForFunction(() => document.querySelector('[data-testid=toast] span')?.textContent.includes('已从备份恢复 100 位客户'));
  await page.reload();
  await page.waitForSelector('[data-testid=import-file]', { timeout: 30_000 });
  const [second] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=backup]')]);
  assert.ok(Buffer.compare(firstBytes, await readFile(await second.path())) === 0, 'backup after restore is byte-identical');
  assert.deepEqual(errors, []);
  await other.context.close();
  await context.close();
});

test('define a stage, drag a deal through it and on by keyboard, reload: totals, history, removal', async () => {
  // Wide enough for every column, so the drag needs no scrolling.
  const { context, page, errors } = await open('zh-CN', { width: 2400, height: 900 });
  await page.click('[data-testid=nav-7]');
  await page.fill('[data-testid=settings-user]', '王经理');
  await page.press('[data-testid=settings-user]', 'Tab');
  await loadDemo(page);

  // A deal for a customer, through the form.
  await page.click('[data-testid=nav-0]');
  await page.click(ROW + ' .c-name a >> nth=0');
  await page.click('[data-testid=customer-new-deal]');
  await page.fill('[data-testid=deal-title]', '样品订单测试');
  await page.fill('[data-testid=deal-amount]', '很多');
  await page.click('[data-testid=deal-save]');
  assert.equal(await page.textContent('[data-testid=deal-error]'), '金额无效');
  await page.fill('[data-testid=deal-amount]', '12万');
  await page.fill('[data-testid=deal-probability]', '120');
  await page.click('[data-testid=deal-save]');
  assert.equal(await page.textContent('[data-testid=deal-error]'), '赢率应在 0 到 100 之间');
  await page.fill('[data-testid=deal-probability]', '');
  await page.click('[data-testid=deal-save]');
  await page.waitForSelector('[data-testid=deal-name]');
  const dealUrl = page.url();
  assert.match(await page.textContent('[data-testid=timeline]'), /创建于“获取线索”/);

  // A stage of our own, before the closing stages.
  await page.goto(server.url + '#/pipeline/stages');
  await page.click('[data-testid=stage-add]');
  const names = page.locator('[data-testid=stage-name]');
  await names.nth(6).fill('客户验货');
  await names.nth(6).press('Tab');
  await page.locator('[data-testid=stage-probability]').nth(6).fill('65');
  await page.locator('[data-testid=stage-probability]').nth(6).press('Tab');
  await page.click('[data-testid=stages-save]');
  await page.waitForSelector('[data-testid=toast] >> text=阶段设置已保存');

  // The board, narrowed to our deal; drag it into the new stage.
  await page.goto(server.url + '#/pipeline?q=' + encodeURIComponent('样品订单测试'));
  const column = (name) => page.locator('[data-testid=board-column]', { has: page.locator('[data-testid=column-name]', { hasText: new RegExp(`^${name}$`) }) });
  await page.waitForSelector('[data-testid=deal-card]');
  assert.equal(await column('客户验货').locator('[data-testid=column-count]').textContent(), '0 个');
  await page.dragAndDrop('[data-testid=deal-card]', '[data-testid=board-column]:has([data-testid=column-name]:text-is("客户验货"))');
  await page.waitForSelector('[data-testid=board-column]:has([data-testid=column-name]:text-is("客户验货")) [data-testid=deal-card]');
  assert.equal(await column('客户验货').locator('[data-testid=column-count]').textContent(), '1 个');
  assert.equal(await column('客户验货').locator('[data-testid=column-total]').textContent(), '¥12.0万');
  assert.equal(await column('客户验货').locator('[data-testid=column-weighted]').textContent(), '加权 ¥7.8万');
  assert.equal(await column('获取线索').locator('[data-testid=column-count]').textContent(), '0 个');

  // On by keyboard: Alt+→ on the focused card.
  await page.focus('[data-testid=deal-card]');
  await page.keyboard.press('Alt+ArrowRight');
  await page.waitForSelector('[data-testid=board-column]:has([data-testid=column-name]:text-is("赢单")) [data-testid=deal-card]');
  assert.equal(await column('赢单').locator('[data-testid=column-count]').textContent(), '1 个');

  // After a reload, the history says who moved it where.
  await page.goto(dealUrl);
  await page.reload();
  await page.waitForSelector('[data-testid=timeline]');
  const timeline = await page.textContent('[data-testid=timeline]');
  for (const line of ['从“获取线索”移到“客户验货”', '从“客户验货”移到“赢单”', '王经理']) assert.ok(timeline.includes(line), line);
  assert.equal(await page.textContent('[data-testid=deal-stage]'), '赢单');

  // Removing a stage that holds the deal asks where it goes.
  await page.selectOption('[data-testid=deal-stage-select]', { label: '客户验货' });
  await page.waitForSelector('[data-testid=deal-stage] >> text=客户验货');
  await page.goto(server.url + '#/pipeline/stages');
  await page.locator('[data-testid=stage-remove]').nth(6).click();
  assert.match(await page.textContent('[data-testid=remove-ask]'), /“客户验货”中有 1 个机会/);
  await page.selectOption('[data-testid=remove-move-to]', { label: '报价' });
  await page.click('[data-testid=remove-go]');
  await page.waitForSelector('[data-testid=toast] >> text=已删除阶段“客户验货”');
  assert.equal(await page.locator('[data-testid=stage-row]').count(), 8);
  await page.goto(dealUrl);
  await page.reload();
  await page.waitForSelector('[data-testid=timeline]');
  assert.equal(await page.textContent('[data-testid=deal-stage]'), '报价');
  assert.match(await page.textContent('[data-testid=timeline]'), /从“客户验货”移到“报价”/);

  // An activity (samples with a tracking number) and a hand-over, kept after a reload.
  await page.selectOption('[data-testid=activity-kind]', 'sample');
  await page.fill('[data-testid=activity-outcome]', '客户确认收到样品');
  await page.fill('[data-testid=activity-tracking]', 'SF1234567890');
  await page.click('[data-testid=activity-add]');
  await page.waitForSelector('[data-testid=activities] >> text=SF1234567890');
  const owner = await page.$eval('[data-testid=hand-over-to]', (s) => s.value);
  const other = await page.$$eval('[data-testid=hand-over-to] option', (os, owner) => os.map((o) => [o.value, o.textContent]).find(([v]) => v && v !== owner), owner);
  await page.selectOption('[data-testid=hand-over-to]', other[0]);
  await page.click('[data-testid=hand-over]');
  await page.waitForSelector(`[data-testid=toast] >> text=已移交给 ${other[1]}`);
  await page.reload();
  await page.waitForSelector('[data-testid=timeline]');
  assert.match(await page.textContent('[data-testid=activities]'), /寄样 · 王经理客户确认收到样品.*SF1234567890/);
  assert.match(await page.textContent('[data-testid=timeline]'), new RegExp(`移交给 ${other[1]}`));

  // The same in English (stage names are the user's own; the app's words change).
  await page.click('[data-testid=lang-switch]');
  await page.reload();
  await page.waitForSelector('[data-testid=timeline]');
  assert.match(await page.textContent('[data-testid=timeline]'), /Moved from “客户验货” to “报价”/);
  await page.goto(server.url + '#/pipeline');
  await page.waitForSelector('[data-testid=deal-card]');
  assert.equal(await page.textContent('[data-testid=stages-link]'), 'Stages');
  assert.match(await column('报价').locator('[data-testid=column-count]').textContent(), /^\d+ deals$/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the deal list: filters and sort in the URL, consistent with the board, kept after a reload', async () => {
  const { context, page, errors } = await open('zh-CN', { width: 1400, height: 900 });
  await loadDemo(page);
  await page.goto(server.url + '#/pipeline');
  await page.waitForSelector('[data-testid=deal-card]');
  const column = (name) => page.locator('[data-testid=board-column]', { has: page.locator('[data-testid=column-name]', { hasText: new RegExp(`^${name}$`) }) });
  const quoted = Number((await column('报价').locator('[data-testid=column-count]').textContent()).replace(' 个', ''));
  const won = Number((await column('赢单').locator('[data-testid=column-count]').textContent()).replace(' 个', ''));
  assert.ok(quoted > 0 && won > 0, `demo has quoted (${quoted}) and won (${won}) deals`);

  await page.click('[data-testid=view-list]');
  await page.waitForSelector('[data-testid=deal-row]:not([hidden])');
  assert.match(page.url(), /view=list/);
  const cells = (cls) => page.$$eval(`[data-testid=deal-row]:not([hidden]) .${cls}`, (els) => els.map((e) => e.textContent));
  // Sorted by close date by default, either way by a click on the header.
  const closes = await cells('d-close');
  assert.deepEqual(closes, [...closes].sort());
  await page.click('[data-testid=deal-sort-close]');
  await page.waitForFunction(() => document.querySelector('[data-testid=deal-sort-close]').textContent.endsWith('↓'));
  const down = await cells('d-close');
  assert.deepEqual(down, [...down].sort().reverse());
  assert.notDeepEqual(down, closes);
  // One stage: as many as the board's column, all in that stage.
  await page.selectOption('[data-testid=deal-stage]', { label: '报价' });
  await page.waitForFunction((n) => document.querySelector('[data-testid=deal-list-summary]').textContent.startsWith(`${n} 个机会`), quoted);
  assert.deepEqual([...new Set(await cells('d-stage'))], ['报价']);
  // Won deals only (not shown while the list shows open ones).
  await page.selectOption('[data-testid=deal-stage]', '');
  await page.selectOption('[data-testid=deal-status]', 'won');
  await page.waitForFunction((n) => document.querySelector('[data-testid=deal-list-summary]').textContent.startsWith(`${n} 个机会`), won);
  assert.deepEqual([...new Set(await cells('d-stage'))], ['赢单']);
  // By amount, largest first; then by title.
  await page.click('[data-testid=deal-sort-title]');
  await page.waitForFunction(() => document.querySelector('[data-testid=deal-sort-title]').textContent.endsWith('↑'));
  const titles = await cells('d-title');
  assert.deepEqual(titles, [...titles].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0)));

  // The URL keeps it all: a reload (in English) shows the same list.
  await page.click('[data-testid=lang-switch]');
  await page.reload();
  await page.waitForSelector('[data-testid=deal-row]:not([hidden])');
  assert.match(await page.textContent('[data-testid=deal-list-summary]'), new RegExp(`^${won} deals · total`));
  assert.deepEqual(await cells('d-title'), titles);
  assert.equal(await page.$eval('[data-testid=deal-status]', (s) => s.value), 'won');
  // A row opens its deal.
  await page.click('[data-testid=deal-row] .d-title a >> nth=0');
  await page.waitForSelector('[data-testid=deal-name]');
  assert.equal(await page.textContent('[data-testid=deal-name]'), titles[0]);
  assert.deepEqual(errors, []);
  await context.close();
});

test('batch assignment: the customers shown spread evenly over the reps, undone, then given to one rep and kept', async () => {
  const { context, page, errors } = await open('zh-CN', { width: 1400, height: 900 });
  await loadDemo(page);
  await page.click('[data-testid=nav-0]');
  await page.fill('[data-testid=search]', '有限公司');
  await page.waitForTimeout(200);
  const count = Number((await page.textContent('[data-testid=result-count]')).match(/\d+/)[0]);
  assert.ok(count >= 3, `enough customers (${count})`);
  const owners = () => page.$$eval(`${ROW} .c-owner`, (els) => els.map((e) => e.textContent));
  const before = await owners();

  await page.click('[data-testid=assign-open]');
  assert.match(await page.textContent('[data-testid=assign-panel]'), new RegExp(`把当前显示的 ${count} 位客户分配给`));
  await page.selectOption('[data-testid=assign-to]', 'spread');
  const plan = (await page.textContent('[data-testid=assign-plan]')).replace('分配方案：', '');
  const parts = plan.split(' · ').map((p) => Number(p.split(' ').pop()));
  const reps = (await page.$$eval('[data-testid=assign-to] option', (os) => os.length)) - 2;
  assert.equal(parts.reduce((a, b) => a + b, 0), count, plan);
  assert.equal(parts.length, Math.min(count, reps), plan);
  assert.ok(Math.max(...parts) - Math.min(...parts) <= 1, `even: ${plan}`);
  await page.click('[data-testid=assign-go]');
  await page.waitForSelector(`[data-testid=toast] >> text=已分配 ${count} 条：${plan}`);
  const spread = await owners();
  assert.ok(new Set(spread).size > 1, 'more than one rep');
  assert.notDeepEqual(spread, before);
  await page.click('[data-testid=undo]');
  await page.waitForSelector('[data-testid=toast] >> text=已撤销这次分配');
  assert.deepEqual(await owners(), before);

  // All to one rep; kept after a reload.
  await page.click('[data-testid=assign-open]');
  const [repId, repName] = await page.$$eval('[data-testid=assign-to] option', (os) => [os[2].value, os[2].textContent]);
  await page.selectOption('[data-testid=assign-to]', repId);
  assert.equal(await page.textContent('[data-testid=assign-plan]'), `分配方案：${repName} ${count}`);
  await page.click('[data-testid=assign-go]');
  await page.waitForSelector(`[data-testid=toast] >> text=已分配 ${count} 条`);
  await page.reload();
  await page.waitForSelector(ROW + ':not([hidden])');
  assert.equal(await page.inputValue('[data-testid=search]'), '有限公司');
  assert.deepEqual([...new Set(await owners())], [repName]);
  await page.selectOption('[data-testid=filter-owner]', repId);
  await page.waitForTimeout(200);
  assert.ok(Number((await page.textContent('[data-testid=result-count]')).match(/\d+/)[0]) >= count);
  // The customer's page says who gave it to whom, newest first (spread, undo, then this).
  await page.click(ROW + ' .c-name a >> nth=0');
  await page.waitForSelector('[data-testid=owner-history]');
  const lines = await page.$$eval('[data-testid=owner-history] li', (li) => li.map((l) => l.textContent));
  assert.ok(lines.length >= 1 && lines.length <= 3, lines.join(' | '));
  assert.match(lines[0], new RegExp(`负责人由 .+ 移交给 ${repName}$`));
  assert.ok(lines[0].includes(' · 我'), `who did it: ${lines[0]}`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('reminders as a browser notification once the user allows, once a day, also in a tab left open; a click opens what needs attention', async () => {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1400, height: 900 } });
  // A stand-in for the browser's notifications that records what the app shows (kept across
  // reloads in localStorage) and lets the test click one.
  await context.addInitScript(() => {
    const shown = () => JSON.parse(localStorage.getItem('test.notifications') || '[]');
    class FakeNotification {
      static permission = localStorage.getItem('test.permission') || 'default';
      static requestPermission() {
        FakeNotification.permission = 'granted';
        localStorage.setItem('test.permission', 'granted');
        return Promise.resolve('granted');
      }
      constructor(title, options) {
        localStorage.setItem('test.notifications', JSON.stringify([...shown(), { title, body: options.body }]));
        window.lastNotification = this;
      }
    }
    window.Notification = FakeNotification;
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(server.url + '#/settings');
  await loadDemo(page);
  const shown = () => page.evaluate(() => JSON.parse(localStorage.getItem('test.notifications') || '[]'));

  await page.goto(server.url + '#/pipeline');
  await page.waitForSelector('[data-testid=deal-reminders]');
  assert.deepEqual(await shown(), [], 'nothing before the user allows it');
  await page.click('[data-testid=notify-enable]');
  await page.waitForFunction(() => JSON.parse(localStorage.getItem('test.notifications') || '[]').length === 1);
  const [first] = await shown();
  assert.equal(first.title, '口袋CRM 销售提醒');
  const bar = (await page.textContent('[data-testid=deal-reminders]')).trim();
  assert.ok(bar.startsWith(first.body), `${bar} / ${first.body}`);
  assert.match(first.body, /^提醒：\d+ 个即将到期，\d+ 个已逾期，\d+ 个长时间无跟进。$/);
  assert.equal(await page.$('[data-testid=notify-enable]'), null, 'no button once allowed');

  // Opening the app again the same day shows nothing new; a click on the notification opens
  // the deals that need attention.
  await page.goto(server.url + '#/customers');
  await page.reload();
  await page.waitForSelector('[data-testid=result-count]');
  await page.waitForTimeout(300);
  assert.equal((await shown()).length, 1);
  await page.evaluate(() => localStorage.setItem('pocket.notifiedOn', '2000-01-01'));
  await page.reload();
  await page.waitForFunction(() => JSON.parse(localStorage.getItem('test.notifications') || '[]').length === 2);
  await page.evaluate(() => window.lastNotification.onclick());
  await page.waitForSelector('[data-testid=deal-card]');
  assert.match(page.url(), /#\/pipeline\?attention=1$/);
  assert.equal(await page.isChecked('[data-testid=deal-attention]'), true);

  // A tab left open for days: when the date changes, deals past their date and grace are
  // closed as expired and the day's reminder comes, without a reload.
  await page.clock.install();
  await page.goto(server.url + '#/pipeline?view=list');
  await page.reload();
  await page.waitForSelector('[data-testid=deal-list-summary]');
  await page.waitForTimeout(300);
  assert.equal((await shown()).length, 2, 'same day: nothing new');
  const openDeals = async () => Number((await page.textContent('[data-testid=deal-list-summary]')).match(/\d+/)[0]);
  const before = await openDeals();
  await page.clock.setSystemTime(Date.now() + 30 * 24 * 3600 * 1000);
  await page.clock.runFor(61_000);
  await page.waitForFunction(() => JSON.parse(localStorage.getItem('test.notifications') || '[]').length === 3);
  await page.waitForSelector('[data-testid=toast] >> text=/自动关闭为输单/');
  const after = await openDeals();
  assert.ok(after < before, `open deals ${before} -> ${after}`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('files attached to an activity or a communication are saved with it, shown after a reload, go with a backup into another browser, and a file over 5 MB is refused with nothing saved', async () => {
  const { context, page, errors } = await open('zh-CN', { width: 1280, height: 900 });
  await loadDemo(page);
  await page.goto(server.url + '#/pipeline');
  await page.click('[data-testid=deal-card] .deal-title >> nth=0');
  await page.waitForSelector('[data-testid=deal-name]');
  const dealUrl = page.url();
  const logged = () => page.$$eval('[data-testid=activities] > li', (li) => li.length).catch(() => 0);
  const before = await logged();

  // Too large: refused before anything is read or saved.
  await page.setInputFiles('[data-testid=activity-files]', [{ name: 'huge.zip', mimeType: 'application/zip', buffer: Buffer.alloc(5 * 1024 * 1024 + 1, 1) }]);
  await page.fill('[data-testid=activity-outcome]', '大文件');
  await page.click('[data-testid=activity-add]');
  await page.waitForSelector('[role=alert] >> text=“huge.zip”超过 5 MB，没有保存。请压缩或拆分后再添加。');
  assert.equal(await logged(), before);

  // A photo and a quotation, with a visit.
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
  const quote = Buffer.from('报价单 第 1 版\n单价 ¥128\n', 'utf8');
  await page.setInputFiles('[data-testid=activity-files]', [
    { name: '样品照片.png', mimeType: 'image/png', buffer: png },
    { name: '报价单.txt', mimeType: 'text/plain', buffer: quote },
  ]);
  await page.selectOption('[data-testid=activity-kind]', 'visit');
  await page.fill('[data-testid=activity-outcome]', '现场看样，带回报价单');
  await page.click('[data-testid=activity-add]');
  await page.waitForSelector('[data-testid=attachment] >> text=报价单.txt');
  assert.equal(await logged(), before + 1);

  await page.reload();
  await page.waitForSelector('[data-testid=attachment] >> text=样品照片.png');
  const names = await page.$$eval('[data-testid=attachment] span', (s) => s.map((e) => e.textContent));
  assert.deepEqual(names.sort(), ['报价单.txt (1 KB)', '样品照片.png (1 KB)']);
  // The photo shows as a picture; the file's bytes are the ones picked.
  await page.waitForFunction(() => document.querySelector('[data-testid=attachment] img')?.naturalWidth === 1);
  const bytes = await page.$eval('[data-testid=attachment][download="报价单.txt"]', async (a) => [...new Uint8Array(await (await fetch(a.href)).arrayBuffer())]);
  assert.deepEqual(Buffer.from(bytes), quote);
  assert.match(await page.textContent('[data-testid=activities]'), /拜访 · .*现场看样，带回报价单/);

  // A business card photo on the customer's communication log, the same way.
  await page.goto(server.url + '#/customers');
  await page.click(ROW + ' .c-name a >> nth=0');
  await page.waitForSelector('[data-testid=detail-name]');
  await page.fill('[data-testid=communication-summary]', '展会上交换名片');
  await page.setInputFiles('[data-testid=communication-files]', [{ name: '名片.png', mimeType: 'image/png', buffer: png }]);
  await page.click('[data-testid=communication-add]');
  await page.waitForSelector('[data-testid=communications] [data-testid=attachment] >> text=名片.png');
  await page.reload();
  await page.waitForSelector('[data-testid=communications] [data-testid=attachment] >> text=名片.png (1 KB)');
  assert.match(await page.textContent('[data-testid=communications]'), /展会上交换名片/);
  const customerUrl = page.url();

  // The files go with a backup into another browser, and come back with the same bytes.
  await openData(page);
  const [backup] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=backup]')]);
  const backupBytes = await readFile(await backup.path());
  assert.equal(JSON.parse(backupBytes).counts.files, 3);
  const other = await open();
  await openData(other.page);
  await other.page.setInputFiles('[data-testid=restore-file]', await backup.path());
  await other.page.waitForSelector('[data-testid=restore-confirm]');
  assert.match(await other.page.textContent('[data-testid=restore-confirm]'), /备份中的 3 个附件（\d+ KB）将替换当前保存的附件。/);
  await other.page.click('[data-testid=restore-go]');
  await other.page.waitForFunction(() => document.querySelector('[data-testid=toast] span')?.textContent.includes('已从备份恢复 100 位客户'));
  await other.page.goto(customerUrl);
  await other.page.waitForSelector('[data-testid=communications] [data-testid=attachment] >> text=名片.png (1 KB)');
  await other.page.goto(dealUrl);
  await other.page.waitForSelector('[data-testid=attachment] >> text=报价单.txt');
  const restored = await other.page.$eval('[data-testid=attachment][download="报价单.txt"]', async (a) => [...new Uint8Array(await (await fetch(a.href)).arrayBuffer())]);
  assert.deepEqual(Buffer.from(restored), quote);
  await other.page.reload();
  await other.page.waitForSelector('[data-testid=attachment] >> text=样品照片.png');
  await openData(other.page);
  const [again] = await Promise.all([other.page.waitForEvent('download'), other.page.click('[data-testid=backup]')]);
  assert.ok(Buffer.compare(backupBytes, await readFile(await again.path())) === 0, 'backup after restore in another browser is byte-identical');
  assert.deepEqual(other.errors, []);
  await other.context.close();
  assert.deepEqual(errors, []);
  await context.close();
});
