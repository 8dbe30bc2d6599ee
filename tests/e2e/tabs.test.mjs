// Several tabs of one browser on one store: what one tab saves the others show without a
// reload, no tab overwrites another's records, two edits of one field end with the later save
// and the other value kept and told, a tab a newer version took over saves nothing. And many
// scripted random interleavings of commands across three tabs, with none of the saved changes
// lost. The release build in Chromium, as a user (and a busy team) would use it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, stop } from './server.mjs';

const ROW = '[data-testid=customer-row]:not([hidden])';
/** Runs of the interleaving test, and commands per tab per run (3 tabs). */
const RUNS = Number(process.env.TABS_RUNS ?? 25);
const PER_TAB = Number(process.env.TABS_PER_TAB ?? 14);

let server;
let browser;

before(async () => ({ server, browser } = await start()));
after(() => stop({ server, browser }));

/** `count` pages of one context (one profile: one IndexedDB, tabs of one browser). */
async function tabs(count, { locale = 'zh-CN', ...options } = {}) {
  const context = await browser.newContext({ locale, viewport: { width: 1280, height: 800 }, ...options });
  const pages = [];
  const errors = [];
  for (let i = 0; i < count; i++) {
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(`tab ${i}: ${e.message}`));
    page.on('dialog', (d) => d.accept());
    await page.goto(server.url + '#/customers');
    await page.waitForSelector('[data-testid=result-count]');
    pages.push(page);
  }
  return { context, pages, errors };
}

const rowNames = (page) => page.$$eval(ROW + ' .c-name a', (as) => as.map((a) => a.textContent).sort());

async function addCustomer(page, name) {
  await page.click('[data-testid=new-customer]');
  await page.fill('[data-testid=name]', name);
  await page.click('[data-testid=save]');
  await page.waitForSelector('[data-testid=detail-name]');
  await page.click('a.back');
  await page.waitForSelector('[data-testid=result-count]');
}

/** A new tab of `context` opened at the customer list with its module held back before it
 *  starts (its wasm's instantiation waits: its files may come from the service worker's cache,
 *  where no route can hold them), returned once its early read (made by `source`, if given) holds
 *  a customer; `release` lets the module start. */
async function heldTab(context, errors, source) {
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(`tab b: ${e.message}`));
  await page.addInitScript(() => {
    const held = new Promise((resolve) => { window.__release = resolve; });
    for (const name of ['instantiateStreaming', 'instantiate']) {
      const real = WebAssembly[name];
      WebAssembly[name] = async (...args) => { await held; return real.apply(WebAssembly, args); };
    }
  });
  await page.goto(server.url + '#/customers', { waitUntil: 'commit' });
  const early = await page.waitForFunction(
    (source) => window.__pocketEarly?.then((r) => r && r.keys.length > 0 && (!source || r.source === source)),
    source,
  );
  assert.equal(await early.jsonValue(), true);
  return { page, release: () => page.evaluate(() => window.__release()) };
}

/** Tab `a` saves a customer; a new tab's early read (made by `source`) holds it while the tab's
 *  module is held back; `a` then saves another, before the new tab can hear it. Once released,
 *  the new tab shows both. Returns the new tab. */
async function savedWhileHeldIsShown(context, a, errors, source) {
  await addCustomer(a, '读取之前的客户');
  const { page: b, release } = await heldTab(context, errors, source);
  await addCustomer(a, '读取之后的客户');
  await release();
  await b.waitForFunction((row) => document.querySelectorAll(row).length === 2, ROW, { timeout: 5000 });
  assert.deepEqual(await rowNames(b), ['读取之前的客户', '读取之后的客户'].sort());
  return b;
}

/** Another tab of `context` opens the database at a newer version (and closes it). */
async function openNewerVersion(context) {
  const other = await context.newPage();
  await other.goto(server.url + 'missing-page-for-upgrade');
  await other.evaluate(() => new Promise((resolve, reject) => {
    const request = indexedDB.open('pocket-crm', 99);
    request.onsuccess = () => { request.result.close(); resolve(); };
    request.onerror = () => reject(request.error);
  }));
}

test('a customer added in each of two tabs: both kept, and each tab shows the other one without a reload', async () => {
  const { context, pages: [first, second], errors } = await tabs(2);
  await addCustomer(first, '第一个标签页的客户');
  // The second tab (opened before) shows it within a moment.
  await second.waitForFunction((row) => [...document.querySelectorAll(row)].some((r) => r.textContent.includes('第一个标签页的客户')), ROW, { timeout: 2000 });
  await addCustomer(second, '第二个标签页的客户');
  await first.waitForFunction((row) => document.querySelectorAll(row).length === 2, ROW, { timeout: 2000 });
  const third = await context.newPage();
  await third.goto(server.url + '#/customers');
  await third.waitForSelector(ROW);
  await third.waitForFunction((row) => document.querySelectorAll(row).length === 2, ROW);
  const expected = ['第一个标签页的客户', '第二个标签页的客户'];
  for (const page of [first, second, third]) assert.deepEqual(await rowNames(page), expected);
  assert.deepEqual(errors, []);
  await context.close();
});

test('one field edited in two tabs: the later save wins, the other value is kept on the customer page, and both users are told', async () => {
  const { context, pages: [a, b], errors } = await tabs(2);
  await addCustomer(a, '恒达电器');
  await b.waitForSelector(ROW);
  const id = await a.$eval(ROW + ' .c-name a', (el) => el.getAttribute('href').split('/').pop());
  // Both open the form on the same version, and change the same field (and one other each).
  for (const page of [a, b]) {
    await page.goto(server.url + `#/customers/${id}/edit`);
    await page.waitForSelector('[data-testid=name]');
  }
  await a.fill('[data-testid=name]', '恒达电器有限公司');
  await a.fill('[data-testid=industry]', '家电');
  await b.fill('[data-testid=name]', '杭州恒达');
  await b.fill('[data-testid=city]', '杭州');
  await a.click('[data-testid=save]');
  await a.waitForSelector('[data-testid=detail-name]');
  await b.click('[data-testid=save]');
  await b.waitForSelector('[data-testid=toast] >> text=/你的保存覆盖了/');
  // The first tab hears its value lost (and which one), and shows the merged customer.
  await a.waitForSelector('[data-testid=toast] >> text=/已被.*覆盖/', { timeout: 3000 });
  await a.waitForFunction(() => document.querySelector('[data-testid=detail-name]')?.textContent === '杭州恒达');
  const profile = await a.textContent('.detail');
  assert.match(profile, /家电/, 'the first tab\'s other field stays');
  assert.match(profile, /杭州/, 'the second tab\'s other field too');
  const kept = await a.textContent('[data-testid=superseded]');
  assert.match(kept, /恒达电器有限公司/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a tab read by index.html before its module started still shows what another tab saved in between', async () => {
  // No service worker: the page reads for itself.
  const { context, pages: [a], errors } = await tabs(1, { serviceWorkers: 'block', timezoneId: 'Asia/Shanghai' });
  const b = await savedWhileHeldIsShown(context, a, errors, 'page');
  const used = await b.evaluate(() => (window.pocketPerf ?? []).find((e) => e.name === 'load:early')?.value);
  assert.equal(used, 1, 'the first load took the early read');
  assert.deepEqual(errors, []);
  await context.close();
});

test('with the service worker, the store is read as the page is opened, and what another tab saved before the page started is shown', async () => {
  const { context, pages: [a], errors } = await tabs(1, { timezoneId: 'Asia/Shanghai' });
  await a.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
  const b = await savedWhileHeldIsShown(context, a, errors, 'worker');
  const byWorker = await b.evaluate(() => (window.pocketPerf ?? []).find((e) => e.name === 'load:early-by-worker')?.value);
  assert.equal(byWorker, 1, 'the first load took the worker\'s read');
  // The page writes through the connection it was handed.
  await addCustomer(b, '第三个客户');
  await a.waitForFunction((row) => document.querySelectorAll(row).length === 3, ROW, { timeout: 5000 });
  assert.deepEqual(errors, []);
  await context.close();
});

test('a newer version that takes the database over while a tab is still starting is let in, and that tab asks for a reload', async () => {
  const { context, pages: [a], errors } = await tabs(1, { serviceWorkers: 'block', locale: 'en-US', timezoneId: 'Asia/Shanghai' });
  await addCustomer(a, 'Before the upgrade');
  // The early read is in, its connection kept for a module that has not started...
  const { page: b, release } = await heldTab(context, errors);
  // ...when a newer version opens the database: the kept connection must not block it.
  await openNewerVersion(context);
  await release();
  await b.waitForSelector('[data-testid=stale-banner]');
  assert.match(await b.textContent('[data-testid=stale-banner]'), /newer version/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a tab that a newer version took over asks for a reload and saves nothing', async () => {
  const { context, pages: [page], errors } = await tabs(1, { locale: 'en-US' });
  await addCustomer(page, 'Before the upgrade');
  // Another tab opens the database at a newer version.
  await openNewerVersion(context);
  await page.waitForSelector('[data-testid=stale-banner]');
  assert.match(await page.textContent('[data-testid=stale-banner]'), /newer version/);
  await page.click('[data-testid=new-customer]');
  await page.fill('[data-testid=name]', 'Never saved');
  await page.click('[data-testid=save]');
  await page.waitForSelector('[data-testid=toast] >> text=/newer version/');
  assert.deepEqual(errors, []);
  await context.close();
});

test('at 01:30 in China "today" is the local date: a new follow-up defaults to it', async () => {
  const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  // 2026-12-04 01:30 in Shanghai is 2026-12-03 17:30 UTC.
  await page.clock.setFixedTime(new Date('2026-12-03T17:30:00Z'));
  await page.goto(server.url + '#/customers');
  await page.waitForSelector('[data-testid=result-count]');
  await addCustomer(page, '时区客户');
  await page.click('text=时区客户');
  await page.waitForSelector('[data-testid=add-communication]');
  assert.equal(await page.inputValue('[data-testid=add-communication] input[type=date]'), '2026-12-04');
  await page.fill('[data-testid=communication-summary]', '凌晨的电话');
  await page.click('[data-testid=communication-add]');
  await page.waitForSelector('[data-testid=communications] li');
  assert.match(await page.textContent('[data-testid=communications]'), /2026-12-04/);
  await context.close();
});

/** A random command for tab `t`, given the customers it knows of. */
function randomCommand(rng, t, known, next) {
  const pick = () => known[Math.floor(rng() * known.length)];
  const roll = rng();
  if (known.length === 0 || roll < 0.25) return ['create', next(), `客户 ${t}-${Math.floor(rng() * 1e6)}`];
  if (roll < 0.45) return ['rename', pick(), `名 ${t}-${Math.floor(rng() * 1e6)}`];
  if (roll < 0.6) return ['city', pick(), `城 ${t}-${Math.floor(rng() * 100)}`];
  if (roll < 0.85) return ['followup', pick(), `跟进 ${t}`];
  if (roll < 0.95) return ['import', String(1 + Math.floor(rng() * 4)), `导入 ${t}`];
  return ['delete', pick()];
}

/** A seeded random number generator (mulberry32). */
function seeded(seed) {
  return () => {
    seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

test(`${RUNS * PER_TAB * 3} scripted random interleavings across three tabs: every saved change is there and the tabs agree`, async () => {
  const { context, pages, errors } = await tabs(3);
  const rng = seeded(20261204);
  let counter = 0;
  const next = () => `00000000-0000-4000-8000-${(++counter).toString(16).padStart(12, '0')}`;
  const saved = []; // { seq, op, id, value, entry }
  let total = 0;
  let lost = 0;
  const digest = (page) => page.evaluate(() => window.pocketTest('digest'));
  for (let run = 0; run < RUNS; run++) {
    const known = (await digest(pages[0])).split('\n').slice(1).filter(Boolean).map((l) => l.split('\t')).filter((f) => f[3] === 'false').map((f) => f[0]);
    // Each tab runs its commands one after another; the three tabs run at the same time.
    await Promise.all(pages.map(async (page, t) => {
      for (let i = 0; i < PER_TAB; i++) {
        const command = randomCommand(rng, t, known, next);
        const result = (await page.evaluate((line) => window.pocketTest(line), command.join('\t'))).split('\t');
        total++;
        if (command[0] === 'create') known.push(command[1]);
        if (result[0] === 'saved') saved.push({ seq: Number(result[2]), op: command[0], id: command[1], value: command[2], info: result[1] });
        else if (result[0] === 'failed') throw new Error(`tab ${t}: ${command.join(' ')} failed: ${result[1]}`);
      }
    }));
    // Every tab settles on the store's content, and so does a fresh tab.
    const fresh = await context.newPage();
    await fresh.goto(server.url + '#/customers');
    await fresh.waitForSelector('[data-testid=result-count]');
    const truth = await digest(fresh);
    for (const page of pages) {
      await page.waitForFunction((want) => window.pocketTest('digest').then((d) => d === want), truth, { timeout: 5000, polling: 50 })
        .catch(async () => assert.equal(await digest(page), truth, `run ${run}: a tab disagrees with the store`));
    }
    await fresh.close();
    // Nothing saved is lost: created customers exist, follow-ups are on their customer, deleted
    // ones stay deleted, and each field holds its last saved value.
    const rows = new Map(truth.split('\n').slice(1).filter(Boolean).map((l) => { const f = l.split('\t'); return [f[0], { name: f[1], city: f[2], deleted: f[3], log: f[4] }]; }));
    const last = new Map();
    for (const s of saved) {
      if (s.op === 'create') lost += rows.has(s.id) ? 0 : 1;
      if (s.op === 'import') lost += s.info.split(',').filter((id) => !rows.has(id)).length;
      if (s.op === 'followup') lost += rows.get(s.id)?.log.split(',').includes(s.info) ? 0 : 1;
      if (s.op === 'delete') lost += rows.get(s.id)?.deleted === 'true' ? 0 : 1;
      if (s.op === 'rename' || s.op === 'city') {
        const key = `${s.op} ${s.id}`;
        if (!last.has(key) || last.get(key).seq <= s.seq) last.set(key, s);
      }
    }
    for (const [key, s] of last) {
      const row = rows.get(s.id);
      const field = key.startsWith('rename') ? row?.name : row?.city;
      if (field !== s.value) lost++;
    }
  }
  console.log(`interleavings: ${total} commands in ${RUNS} runs over 3 tabs, ${saved.length} saved, lost ${lost}`);
  assert.ok(total >= 1000, `${total} commands`);
  assert.equal(lost, 0, 'no saved change is lost');
  assert.deepEqual(errors, []);
  await context.close();
});
