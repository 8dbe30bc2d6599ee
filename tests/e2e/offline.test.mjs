// End-to-end: the app in parts and offline. The release build is split into the first load and
// one chunk per area (scripts/split.mjs); a service worker keeps every file of the build. These
// tests open every area, block chunks, go offline, deploy a new build under the same URL, damage
// the cache, serve the app from a sub-path, and import then export on one page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DIST, serve, launch, brotliOf, BROWSER_FETCHES } from './server.mjs';

const ROW = '[data-testid=customer-row]:not([hidden])';
const SW_LIST = fileURLToPath(new URL('../../scripts/sw-list.mjs', import.meta.url));

let browser;
let server;

before(async () => {
  browser = await launch();
  server = await serve();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** A fresh browser (own storage) on `url`, in China's time zone; `serviceWorkers: 'block'` keeps
 *  every request on the page (so tests can see and block chunk fetches). */
async function open(url, { locale = 'zh-CN', serviceWorkers = 'allow', routes = async () => {} } = {}) {
  const context = await browser.newContext({ locale, timezoneId: 'Asia/Shanghai', serviceWorkers });
  await routes(context);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  page.on('dialog', (d) => d.accept());
  await page.goto(url);
  await page.waitForSelector('[data-testid=result-count]');
  return { context, page, errors };
}

/** Waits until the service worker has cached the build and controls the page. */
async function untilOffline(page) {
  for (let tries = 0; tries < 300; tries++) {
    const ready = await page.evaluate(async () => {
      const reg = await navigator.serviceWorker.getRegistration();
      return Boolean(reg?.active?.state === 'activated' && navigator.serviceWorker.controller);
    });
    if (ready) return;
    await page.waitForTimeout(200);
  }
  assert.fail('the service worker did not take over');
}

const go = (page, hash) => page.evaluate((h) => { location.hash = h; }, hash);

async function loadDemo(page, size = 100) {
  await go(page, '#/settings');
  await page.selectOption('[data-testid=demo-size]', String(size));
  await page.click('[data-testid=load-demo]');
  await page.waitForSelector('[data-testid=toast]');
  await page.click('.toast-close');
}

/** The app chunks (by file name) the page asked for since `from`. */
const chunksAsked = (requests, from = 0) =>
  requests.slice(from).filter((p) => /\/app-[0-9a-f]+\/(split_|chunk_|chunks\.wasm)/.test(p)).map((p) => p.split('/').pop());

test('the first load holds the list; every area opens from its chunk on first use and works on the one state', async () => {
  // `noprefetch`: the areas' chunks are not fetched in idle time (the next test covers that).
  const { context, page, errors } = await open(server.url + '?noprefetch', { serviceWorkers: 'block' });
  const asked = [];
  page.on('request', (r) => asked.push(new URL(r.url()).pathname));
  await page.waitForTimeout(1500);
  assert.deepEqual(chunksAsked(asked), [], 'no area chunk before an area opens');

  // Settings (demo data) from its chunk; the list shows what it saved without a reload.
  await loadDemo(page, 100);
  assert.ok(chunksAsked(asked).includes('split_settings.wasm'));
  await go(page, '#/customers');
  await page.waitForSelector(ROW);
  assert.equal(await page.textContent('[data-testid=result-count]'), '共 100 位客户');

  const areas = [
    ['customer page', async () => { await page.click(ROW + ' .c-name a'); return '[data-testid=detail-name]'; }, 'split_customer.wasm'],
    ['new customer', async () => { await go(page, '#/customers/new'); return '[data-testid=customer-form]'; }, null],
    ['pipeline board', async () => { await go(page, '#/pipeline'); return '[data-testid=deal-card]'; }, 'split_pipeline.wasm'],
    ['a deal', async () => { await page.click('[data-testid=deal-card] a'); return '[data-testid=deal-name]'; }, null],
    ['stages', async () => { await go(page, '#/pipeline/stages'); return '[data-testid=stage-row]'; }, null],
    ['new deal', async () => { await go(page, '#/deals/new'); return '[data-testid=deal-form]'; }, null],
    ['reports', async () => { await go(page, '#/reports'); return '[data-testid=followup-report]'; }, null],
    ['import and export', async () => { await go(page, '#/data'); return '[data-testid=import-file]'; }, 'split_data.wasm'],
    ['forecast', async () => { await go(page, '#/forecast'); return '[data-testid=range-p50]'; }, 'split_forecast.wasm'],
    ['batch assignment', async () => {
      await go(page, '#/customers');
      await page.click('[data-testid=assign-open]');
      return '[data-testid=assign-plan]';
    }, 'split_assign.wasm'],
  ];
  for (const [name, visit, chunk] of areas) {
    const before = asked.length;
    const selector = await visit();
    await page.waitForSelector(selector, { timeout: 10_000 }).catch(() => assert.fail(`${name} did not open`));
    if (chunk) assert.ok(chunksAsked(asked, before).includes(chunk), `${name} came from ${chunk}`);
  }
  // A page opened again comes from the loaded chunk: nothing more is fetched.
  const again = asked.length;
  await go(page, '#/pipeline');
  await page.waitForSelector('[data-testid=deal-card]');
  assert.deepEqual(chunksAsked(asked, again), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the first load, every file until the list is interactive, stays within 220 KB brotli', async () => {
  // As a returning user's browser gets it (customers in the store), nothing from a cache.
  const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', serviceWorkers: 'block' });
  const setup = await context.newPage();
  await setup.goto(server.url + '?noprefetch');
  await setup.waitForSelector('[data-testid=result-count]');
  await loadDemo(setup, 100);
  await setup.close();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const asked = [];
  page.on('request', (r) => {
    const path = new URL(r.url()).pathname.slice(1) || 'index.html';
    if (!asked.includes(path)) asked.push(path);
  });
  await page.goto(server.url + '?noprefetch#/customers');
  await page.waitForSelector(ROW);
  await page.waitForTimeout(1000);
  const files = [...asked, ...BROWSER_FETCHES.filter((p) => !asked.includes(p))];
  assert.ok(files.some((p) => p.endsWith('/pocket-crm_bg.wasm')), 'the main module is counted');
  const total = files.reduce((n, p) => n + brotliOf(p).br, 0);
  assert.ok(total <= 220 * 1024, `first load ${(total / 1024).toFixed(1)} KB brotli: ${files.join(', ')}`);
  await context.close();
});

test('after the first paint the areas load in idle time; opening one then fetches nothing', async () => {
  const asked = [];
  const routes = async (context) => context.on('request', (r) => asked.push(new URL(r.url()).pathname));
  const { context, page, errors } = await open(server.url, { serviceWorkers: 'block', routes });
  const atPaint = chunksAsked(asked).length;
  await page.waitForFunction(() => (window.pocketPerf ?? []).some((e) => e.name === 'prefetch:done'), null, { timeout: 20_000 });
  const prefetched = chunksAsked(asked);
  assert.ok(prefetched.length > atPaint, 'chunks were fetched after the first paint');
  for (const chunk of ['split_pipeline.wasm', 'split_customer.wasm', 'split_write.wasm', 'split_settings.wasm', 'split_data.wasm']) {
    assert.ok(prefetched.includes(chunk), `${chunk} prefetched`);
  }
  // The areas open from what was loaded, and work: a customer saved, the board shows.
  const before = asked.length;
  await go(page, '#/customers/new');
  await page.fill('[data-testid=name]', '杭州预取科技');
  await page.click('[data-testid=save]');
  await page.waitForSelector('[data-testid=detail-name]');
  await go(page, '#/pipeline');
  await page.waitForSelector('[data-testid=board]');
  await go(page, '#/data');
  await page.waitForSelector('[data-testid=import-file]');
  assert.deepEqual(chunksAsked(asked, before), [], 'nothing fetched when the areas opened');
  await go(page, '#/customers');
  await page.reload();
  await page.waitForSelector(ROW);
  assert.equal(await page.textContent(ROW + ' .c-name a'), '杭州预取科技');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a chunk that fails to load shows a message with a retry; nothing typed is lost', async () => {
  // The board's own chunk, the module of the small chunks the areas share, the write path's.
  const blocked = { pipeline: true, shared: true, write: true };
  const refused = { shared: 0 };
  const routes = async (context) => {
    await context.route(/split_pipeline\.wasm$/, (route) => (blocked.pipeline ? route.abort() : route.continue()));
    await context.route(/\/chunks\.wasm$/, (route) => {
      if (!blocked.shared) return route.continue();
      refused.shared += 1;
      return route.abort();
    });
    await context.route(/split_write\.wasm$/, (route) => (blocked.write ? route.abort() : route.continue()));
  };
  // No prefetch: its loads of the shared module would be counted with the retries'.
  const { context, page, errors } = await open(server.url + '?noprefetch', { serviceWorkers: 'block', routes });
  await page.fill('[data-testid=search]', '恒达');
  await go(page, '#/pipeline');
  await page.waitForSelector('[data-testid=area-error]');
  assert.match(await page.textContent('[data-testid=area-error]'), /这部分页面未能加载/);
  await page.click('[data-testid=area-retry]');
  await page.waitForSelector('[data-testid=area-error]');
  blocked.pipeline = false;
  const before = refused.shared;
  await page.click('[data-testid=area-retry]');
  // The retry asks for the shared module again (a failed load is not kept) and fails on it.
  for (let i = 0; i < 100 && refused.shared === before; i++) await page.waitForTimeout(50);
  assert.equal(refused.shared, before + 1);
  await page.waitForSelector('[data-testid=area-error]');
  blocked.shared = false;
  await page.click('[data-testid=area-retry]');
  await page.waitForSelector('[data-testid=board]');
  // The list kept its search.
  await page.goBack();
  await page.waitForSelector('[data-testid=result-count]');
  assert.equal(await page.inputValue('[data-testid=search]'), '恒达');

  // The write path's chunk does not load: saving says so, the form keeps what was typed, and
  // the save goes through once it loads.
  await go(page, '#/customers/new');
  await page.fill('[data-testid=name]', '苏州新达精密机械');
  await page.click('[data-testid=save]');
  await page.waitForSelector('[data-testid=toast].error');
  assert.match(await page.textContent('[data-testid=toast]'), /这部分页面未能加载/);
  assert.equal(await page.inputValue('[data-testid=name]'), '苏州新达精密机械');
  blocked.write = false;
  await page.click('[data-testid=save]');
  await page.waitForSelector('[data-testid=detail-name]');
  assert.equal(await page.textContent('[data-testid=detail-name]'), '苏州新达精密机械');
  await page.reload();
  await page.waitForSelector('[data-testid=detail-name]');
  assert.equal(await page.textContent('[data-testid=detail-name]'), '苏州新达精密机械');
  // Only the blocked fetches failed.
  assert.ok(errors.every((e) => /Failed to fetch|net::ERR_FAILED|failed to load/i.test(e)), errors.join('\n'));
  await context.close();
});

test('after one visit the app opens and works with the network off: the list, an edit, areas not opened before', async () => {
  const { context, page } = await open(server.url);
  await go(page, '#/customers/new');
  await page.fill('[data-testid=name]', '宁波海联贸易');
  await page.click('[data-testid=save]');
  await page.waitForSelector('[data-testid=detail-name]');
  await untilOffline(page);

  await context.setOffline(true);
  await page.goto(server.url);
  await page.waitForSelector('[data-testid=detail-name]'); // the app opens on the last view
  await go(page, '#/customers');
  await page.waitForSelector(ROW);
  assert.deepEqual(await page.$$eval(ROW + ' .c-name a', (as) => as.map((a) => a.textContent)), ['宁波海联贸易']);
  // An edit saves offline and is there after another offline reload.
  await page.click(ROW + ' .c-name a');
  await page.click('[data-testid=edit]');
  await page.fill('[data-testid=industry]', '外贸');
  await page.click('[data-testid=save]');
  await page.waitForSelector('[data-testid=detail-name]');
  await page.reload();
  await page.waitForSelector('[data-testid=detail-name]');
  assert.match(await page.textContent('.detail'), /外贸/);
  // Areas never opened online open offline (their chunks were cached with the build).
  for (const [hash, selector] of [['#/pipeline', '[data-testid=board]'], ['#/data', '[data-testid=import-file]'], ['#/settings', '[data-testid=demo-size]']]) {
    await go(page, hash);
    await page.waitForSelector(selector, { timeout: 10_000 });
  }
  // The charts worker starts offline too.
  await go(page, '#/customers');
  await page.waitForSelector('[data-testid=toggle-summary]');
  await context.close();
});

/** A copy of the build in a folder of its own, served under `prefix`. */
async function deployCopy(prefix = '/') {
  const dir = await mkdtemp(join(tmpdir(), 'pocket-crm-deploy-'));
  await cp(DIST, dir, { recursive: true });
  return { dir, site: await serve(dir, { prefix }) };
}

/** Makes `dir` a new build: its app folder renamed (as a new build's content hash would), a
 *  changed index.html, and a new sw.js listing it all. */
async function deployNewBuild(dir) {
  const { writeServiceWorker } = await import(SW_LIST);
  const old = (await readdir(dir)).find((n) => n.startsWith('app-'));
  const next = 'app-00000000000002ab';
  await rename(join(dir, old), join(dir, next));
  const html = (await readFile(join(dir, 'index.html'), 'utf8')).replaceAll(old, next);
  await writeFile(join(dir, 'index.html'), html.replace('<title>', '<meta name="build" content="second" />\n    <title>'));
  return { old, next, version: (await writeServiceWorker(dir)).version };
}

test('a new build deployed under the same URL is offered as a reload; the page then runs only its files', async () => {
  const { dir, site } = await deployCopy();
  const { context, page, errors } = await open(site.url);
  await go(page, '#/customers/new');
  await page.fill('[data-testid=name]', '厦门远航物流');
  await page.click('[data-testid=save]');
  await page.waitForSelector('[data-testid=detail-name]');
  await untilOffline(page);
  assert.equal(await page.$('[data-testid=update-banner]'), null);

  const { old, next } = await deployNewBuild(dir);
  // The page looks for a new version when it comes back to the front; here, at once.
  await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());
  await page.waitForSelector('[data-testid=update-banner]', { timeout: 60_000 });
  assert.match(await page.textContent('[data-testid=update-banner]'), /有新版本可用/);
  // Until the user says so, the page goes on with its own build (an area opens from it).
  await go(page, '#/pipeline');
  await page.waitForSelector('[data-testid=board]');
  const loaded = () => page.evaluate(() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname));
  assert.ok((await loaded()).filter((p) => p.includes('/app-')).every((p) => p.includes(`/${old}/`)));
  // A second tab on the old build, areas not yet loaded (no prefetch).
  const other = await context.newPage();
  other.on('pageerror', (e) => errors.push(`old tab: ${e.message}`));
  await other.goto(site.url + '?noprefetch#/customers');
  await other.waitForSelector('[data-testid=result-count]');

  await Promise.all([page.waitForEvent('load'), page.click('[data-testid=update-reload]')]);
  await page.waitForSelector('[data-testid=board]');
  assert.equal(await page.getAttribute('meta[name=build]', 'content'), 'second');
  await go(page, '#/pipeline');
  await page.waitForSelector('[data-testid=board]');
  const after = (await loaded()).filter((p) => p.includes('/app-'));
  assert.ok(after.length > 0 && after.every((p) => p.includes(`/${next}/`)), after.join('\n'));
  await go(page, '#/customers');
  await page.waitForSelector(ROW);
  assert.equal(await page.textContent(ROW + ' .c-name a'), '厦门远航物流');
  assert.equal(await page.$('[data-testid=update-banner]'), null);
  // The old tab, now under the new service worker, still opens an area from its own build's
  // files (checked against that build's list), with the network off.
  await context.setOffline(true);
  const before = await other.evaluate(() => performance.getEntriesByType('resource').length);
  await go(other, '#/forecast');
  await other.waitForSelector('[data-testid=forecast]');
  const oldLoads = await other.evaluate((n) => performance.getEntriesByType('resource').slice(n).map((e) => new URL(e.name).pathname), before);
  const chunks = oldLoads.filter((p) => p.includes('/app-'));
  assert.ok(chunks.length > 0 && chunks.every((p) => p.includes(`/${old}/`)), chunks.join('\n'));
  await context.setOffline(false);
  assert.deepEqual(errors, []);
  await context.close();
  await site.close();
  await rm(dir, { recursive: true, force: true });
});

test('a damaged file in the cache is fetched again and never run', async () => {
  const { dir, site } = await deployCopy();
  const { context, page, errors } = await open(site.url);
  await untilOffline(page);
  const app = (await readdir(dir)).find((n) => n.startsWith('app-'));
  const wasmPath = `${app}/pocket-crm_bg.wasm`;
  const good = await readFile(join(dir, wasmPath));
  // Garbage in place of the main module (a broken disk, a meddling extension).
  await page.evaluate(async (path) => {
    const name = (await caches.keys()).find((n) => /^pocket-crm-[0-9a-f]{16}$/.test(n));
    const cache = await caches.open(name);
    const url = new URL(path, location.href).href;
    await cache.put(url, new Response(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 99]), { headers: { 'content-type': 'application/wasm' } }));
  }, wasmPath);
  const before = site.requests.length;
  await page.reload();
  await page.waitForSelector('[data-testid=result-count]');
  assert.ok(site.requests.slice(before).some((p) => p.endsWith(wasmPath)), 'fetched again from the server');
  const cached = await page.evaluate(async (path) => {
    const hit = await caches.match(new URL(path, location.href).href);
    return hit ? (await hit.arrayBuffer()).byteLength : 0;
  }, wasmPath);
  assert.equal(cached, good.length, 'the cache holds the good file again');
  assert.deepEqual(errors, []);
  await context.close();
  await site.close();
  await rm(dir, { recursive: true, force: true });
});

test('served from a sub-path (/crm/) it loads, opens areas, and opens offline', async () => {
  const site = await serve(DIST, { prefix: '/crm/' });
  const { context, page, errors } = await open(site.url);
  assert.ok(site.requests.every((p) => p.startsWith('/crm/')), site.requests.filter((p) => !p.startsWith('/crm/')).join('\n'));
  await go(page, '#/pipeline');
  await page.waitForSelector('[data-testid=board]');
  await untilOffline(page);
  assert.equal(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).scope), site.url);
  await context.setOffline(true);
  await page.goto(site.url + '#/settings');
  await page.waitForSelector('[data-testid=demo-size]');
  assert.deepEqual(errors, []);
  await context.close();
  await site.close();
});

test('customers imported on the import/export page are all exported from that page at once', async () => {
  const { context, page, errors } = await open(server.url);
  const rows = Array.from({ length: 198 }, (_, i) => `华东客户${String(i + 1).padStart(3, '0')},五金,江苏`);
  const dir = await mkdtemp(join(tmpdir(), 'pocket-crm-import-'));
  const file = join(dir, '客户198.csv');
  await writeFile(file, '\uFEFF客户名称,行业,地区\r\n' + rows.join('\r\n') + '\r\n');
  await go(page, '#/data');
  await page.setInputFiles('[data-testid=import-file]', file);
  await page.waitForSelector('[data-testid=import-preview]');
  await page.click('[data-testid=import-check]');
  await page.waitForSelector('[data-testid=import-result]');
  await page.click('[data-testid=import-commit]');
  await page.waitForSelector('[data-testid=toast]');
  assert.equal(await page.textContent('[data-testid=toast] span'), '已导入：新建 198 位，更新 0 位客户');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-csv]')]);
  const lines = (await readFile(await download.path(), 'utf8')).trim().split(/\r\n/);
  assert.equal(lines.length, 1 + 198);
  assert.deepEqual(lines.slice(1).map((l) => l.split(',')[0]).sort(), rows.map((r) => r.split(',')[0]).sort());
  assert.deepEqual(errors, []);
  await context.close();
  await rm(dir, { recursive: true, force: true });
});
