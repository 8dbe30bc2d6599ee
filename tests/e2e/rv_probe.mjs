// temporary probe (not committed): trace of a repeat visit at 10k
import { serve, launch } from './server.mjs';
import { loadDemo } from './steps.mjs';
import { writeFileSync } from 'node:fs';
const server = await serve(process.env.DIST ?? undefined);
const browser = await launch();
const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
const page = await context.newPage();
await loadDemo(page, server.url, Number(process.env.SIZE ?? 10000));
for (let t = 0; t < 600; t++) {
  const ok = await page.evaluate(async () => { const r = await navigator.serviceWorker.getRegistration(); return Boolean(r?.active?.state === 'activated' && navigator.serviceWorker.controller); });
  if (ok) break; await page.waitForTimeout(100);
}
await page.addInitScript(() => {
  let pe; Object.defineProperty(window, '__pocketEarly', { configurable: true, get() { return pe; }, set(v) { window.__earlyStart = performance.now(); pe = v; v.then(() => { window.__earlyAt = performance.now(); }); } });

  const o = new MutationObserver(() => { if (!window.__firstRow && document.querySelector('[data-testid=customer-row]:not([hidden])')) { window.__firstRow = performance.now(); performance.mark('first-row'); o.disconnect(); } });
  o.observe(document, { childList: true, subtree: true });
});
const N = Number(process.env.N ?? 4);
for (let i = 0; i < N; i++) {
  const traced = process.env.TRACE && i === Number(process.env.TRACE_AT ?? N - 1);
  if (traced) await browser.startTracing(page, { path: '/tmp/probe/rv2.json', categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'v8.wasm', 'disabled-by-default-v8.wasm.detailed', 'blink', 'loading', 'navigation', 'ServiceWorker', 'disabled-by-default-ServiceWorker', 'toplevel', 'blink.user_timing', 'CacheStorage', 'IndexedDB', 'benchmark', 'cpu_profiler'] });
  const prof = i === N - 1 && process.env.PROF;
  let cdp;
  if (prof) { cdp = await page.context().newCDPSession(page); await cdp.send('Profiler.enable'); await cdp.send('Profiler.setSamplingInterval', { interval: 100 }); await cdp.send('Profiler.start'); }
  await page.goto(`${server.url}?load=${i}#/customers`);
  await page.waitForFunction(() => window.__firstRow, null, { timeout: 60000 });
  const r = await page.evaluate(() => { const nav = performance.getEntriesByType('navigation')[0]; const res = performance.getEntriesByType('resource').map(e => [e.name.split('/').pop().slice(0, 30), Math.round(e.startTime), Math.round(e.responseEnd), Math.round(e.workerStart||0)]); const perf = Object.fromEntries((window.pocketPerf ?? []).map(e => [e.name, Math.round(e.value)])); return { first: Math.round(window.__firstRow), earlyStart: Math.round(window.__earlyStart), earlyAt: Math.round(window.__earlyAt), nav: { unloadEnd: nav.unloadEventEnd, workerStart: nav.workerStart, fetchStart: nav.fetchStart, reqStart: nav.requestStart, respStart: nav.responseStart, respEnd: nav.responseEnd, domInteractive: nav.domInteractive, dcl: nav.domContentLoadedEventEnd }, res, perf }; });
  console.log(JSON.stringify(r));
  if (traced) await browser.stopTracing();
  if (prof) { await page.waitForTimeout(300); const { profile } = await cdp.send('Profiler.stop'); writeFileSync('/tmp/probe/rvprof.json', JSON.stringify(profile)); }
}
await browser.close(); await server.close?.();
process.exit(0);
