// temporary probe (not committed): how fast IndexedDB hands back the segments, and the same bytes cut smaller
import { serve, launch } from './server.mjs';
import { loadDemo } from './steps.mjs';
const server = await serve();
const browser = await launch();
const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
const page = await context.newPage();
await loadDemo(page, server.url, 10000);
await page.reload(); await page.waitForTimeout(1500);
const r = await page.evaluate(async () => {
  const open = (name, up) => new Promise((ok, no) => { const r = indexedDB.open(name, 1); r.onupgradeneeded = () => up && up(r.result); r.onsuccess = () => ok(r.result); r.onerror = no; });
  const readAll = (db, store) => new Promise((ok) => { const t0 = performance.now(); const tx = db.transaction([store], 'readonly'); const s = tx.objectStore(store); let n = 0, bytes = 0; s.getAll().onsuccess = (e) => { for (const v of e.target.result) { n++; bytes += v.byteLength ?? 0; } ok({ ms: performance.now() - t0, n, bytes }); }; });
  const out = {};
  const t0 = performance.now();
  const db = await new Promise((ok) => { const r = indexedDB.open('pocket-crm'); r.onsuccess = () => ok(r.result); });
  out.openMs = performance.now() - t0;
  out.real = [await readAll(db, 'segments'), await readAll(db, 'segments'), await readAll(db, 'segments')];
  // all bytes, cut into pieces of size S, in another database
  const all = await new Promise((ok) => { const tx = db.transaction(['segments'], 'readonly'); tx.objectStore('segments').getAll().onsuccess = (e) => ok(e.target.result); });
  const sizes = all.map((v) => v.byteLength ?? 0).sort((a, b) => a - b);
  out.sizes = [sizes.length, sizes[0], sizes[Math.floor(sizes.length / 2)], sizes[sizes.length - 1]];
  const joined = new Uint8Array(all.reduce((n, v) => n + (v.byteLength ?? 0), 0));
  let at = 0; for (const v of all) if (v.byteLength) { joined.set(v, at); at += v.byteLength; }
  for (const S of [8000, 32000, 60000, 200000]) {
    const name = 'probe-' + S;
    const d = await open(name, (d) => d.createObjectStore('s'));
    await new Promise((ok) => { const tx = d.transaction(['s'], 'readwrite'); const s = tx.objectStore('s'); for (let i = 0; i * S < joined.length; i++) s.put(joined.slice(i * S, (i + 1) * S), i); tx.oncomplete = ok; });
    d.close();
    const d2 = await open(name);
    out['cut' + S] = [await readAll(d2, 's'), await readAll(d2, 's'), await readAll(d2, 's')].map((x) => Math.round(x.ms));
    d2.close();
  }
  out.real = out.real.map((x) => [Math.round(x.ms), x.n, x.bytes]);
  return out;
});
console.log(JSON.stringify(r));
await browser.close(); process.exit(0);
