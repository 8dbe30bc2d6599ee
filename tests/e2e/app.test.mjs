// End-to-end: the release build in Chromium, driven as a user would. Each test gets a fresh
// browser context, so its IndexedDB and localStorage start empty.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch } from './server.mjs';

/** List rows that show a customer (the list keeps a few empty slots hidden). */
const ROW = '[data-testid=customer-row]:not([hidden])';

let server;
let browser;

before(async () => {
  server = await serve();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function open(locale = 'zh-CN', viewport = { width: 1280, height: 800 }) {
  const context = await browser.newContext({ locale, viewport });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => d.accept());
  await page.goto(server.url);
  await page.waitForSelector('[data-testid=result-count]');
  return { context, page, errors };
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
  await page.waitForSelector('[data-testid=undo]');
  assert.equal(await page.textContent('[data-testid=toast] span'), '已删除“Alpha Trading Ltd”');
  assert.deepEqual(await rowNames(page), ['北京宏远科技有限公司']);
  await page.click('[data-testid=undo]');
  await page.waitForFunction((row) => document.querySelectorAll(row).length === 2, ROW);
  await reload(page);
  assert.deepEqual((await rowNames(page)).sort(), ['Alpha Trading Ltd', '北京宏远科技有限公司']);

  await page.click('text=北京宏远科技有限公司');
  await page.click('[data-testid=delete]');
  await page.waitForSelector('[data-testid=undo]');
  await reload(page);
  assert.deepEqual(await rowNames(page), ['Alpha Trading Ltd']);
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
  await page.click('[data-testid=nav-7]');
  await page.selectOption('[data-testid=demo-size]', '1000');
  await page.click('[data-testid=load-demo]');
  await page.waitForSelector('[data-testid=toast]');
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
