// Team sync through a folder a cloud drive syncs: a rep and a manager, each in a browser of their
// own, point the app at "their copy" of the team's folder. The folder is each browser's origin
// private file system (a real FileSystemDirectoryHandle, which the page keeps in IndexedDB like a
// picked one; the picker itself cannot be driven headless), and this test plays the cloud drive:
// it copies new files between the two copies. The release build in Chromium, in Asia/Shanghai.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, stop } from './server.mjs';
import { book, person as enter, run } from './steps.mjs';

let server;
let browser;

before(async () => ({ server, browser } = await start()));
after(() => stop({ server, browser }));

const FOLDER = '团队网盘';
/** The picker answers with this browser's copy of the team folder. */
const pickFolder = `window.showDirectoryPicker = async () =>
  (await navigator.storage.getDirectory()).getDirectoryHandle(${JSON.stringify(FOLDER)}, { create: true });`;
const noPicker = `Object.defineProperty(window, 'showDirectoryPicker', { value: undefined, configurable: true });`;

const person = (name, locale, init = pickFolder) =>
  enter(browser, server.url, name, locale, '[data-testid=folder]', { init });

/** The files in a browser's copy of the folder: name -> text. */
const files = (page) => page.evaluate(async (folder) => {
  const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(folder, { create: true });
  const out = {};
  for await (const [name, handle] of dir.entries()) if (handle.kind === 'file') out[name] = await (await handle.getFile()).text();
  return out;
}, FOLDER);

/** Puts a file into a browser's copy of the folder, as a drive would. */
const put = (page, name, text) => page.evaluate(async ([folder, name, text]) => {
  const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(folder, { create: true });
  const writable = await (await dir.getFileHandle(name, { create: true })).createWritable();
  await writable.write(text);
  await writable.close();
}, [FOLDER, name, text]);

/** The cloud drive: each side gets the files it lacks. */
async function drive(a, b) {
  const [fa, fb] = [await files(a), await files(b)];
  for (const [name, text] of Object.entries(fa)) if (!(name in fb)) await put(b, name, text);
  for (const [name, text] of Object.entries(fb)) if (!(name in fa)) await put(a, name, text);
}

const phase = (page) => page.getAttribute('[data-testid=folder-phase]', 'data-phase');

/** Presses "Sync now" and waits for the round it starts to end. */
async function syncNow(page) {
  const rounds = Number(await page.getAttribute('[data-testid=folder-phase]', 'data-rounds'));
  await page.click('[data-testid=folder-sync-now]');
  await page.waitForFunction((n) => {
    const el = document.querySelector('[data-testid=folder-phase]');
    return Number(el?.dataset.rounds) > n && el.dataset.phase !== 'working';
  }, rounds, { timeout: 20_000 });
  assert.equal(await phase(page), 'synced', await page.textContent('[data-testid=folder-phase]'));
}

const choose = async (page) => {
  await page.click('[data-testid=folder-choose]');
  await page.waitForSelector('[data-testid=folder-phase][data-phase=synced]', { timeout: 20_000 });
};

const ID = (n) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const rows = (page) => page.$$eval('[data-testid=came-in-row]', (r) => r.map((x) => x.textContent));

test('a rep and a manager share a cloud-drive folder: files written and taken in by themselves, copies change nothing, it resumes after a reload', async () => {
  const rep = await person('李娜', 'zh-CN');
  const manager = await person('Manager Wang', 'en');
  await choose(rep.page);
  await choose(manager.page);
  assert.equal(await rep.page.textContent('[data-testid=folder-name]'), FOLDER);
  // The first round wrote each device's book so far (its default pipeline) as file 1.
  const repFiles = Object.keys(await files(rep.page));
  assert.equal(repFiles.length, 1, repFiles.join());
  assert.match(repFiles[0], /^pocket-crm-李娜-[0-9a-f]{16}-1\.json$/);

  assert.match(await run(rep.page, 'create', ID(1), '恒达家电'), /^saved/);
  assert.match(await run(rep.page, 'create', ID(2), '蓝峰服饰'), /^saved/);
  await syncNow(rep.page);
  const second = Object.keys(await files(rep.page)).find((n) => n.endsWith('-2.json'));
  assert.ok(second, 'the rep\'s second file is in the folder');
  assert.equal(JSON.parse((await files(rep.page))[second]).records.length, 2, 'only what changed since file 1');

  // A change file saved as a download goes into the folder too (it is in the same series).
  assert.match(await run(rep.page, 'create', ID(4), '青禾茶业'), /^saved/);
  const [download] = await Promise.all([rep.page.waitForEvent('download'), rep.page.click('[data-testid=team-send]')]);
  assert.match(download.suggestedFilename(), /-3\.json$/);
  await rep.page.waitForFunction(async ([folder, name]) => {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(folder);
    return dir.getFileHandle(name).then(() => true, () => false);
  }, [FOLDER, download.suggestedFilename()]);

  await drive(rep.page, manager.page);
  await syncNow(manager.page);
  const came = await rows(manager.page);
  assert.ok(came.some((r) => /李娜/.test(r) && /file 2/.test(r) && /2 customers/.test(r)), came.join(' | '));
  assert.match(await book(manager.page), /恒达家电/);

  // Both edit; the drive carries the files both ways; both end with the same book.
  assert.match(await run(manager.page, 'city', ID(1), '杭州'), /^saved/);
  assert.match(await run(rep.page, 'rename', ID(1), '恒达家电集团'), /^saved/);
  await syncNow(manager.page);
  await syncNow(rep.page);
  await drive(rep.page, manager.page);
  await syncNow(manager.page);
  await syncNow(rep.page);
  const repBook = await book(rep.page);
  assert.equal(await book(manager.page), repBook, 'the same book on both');
  const merged = repBook.split('\n').find((l) => l.startsWith(ID(1))).split('\t');
  assert.deepEqual([merged[1], merged[2]], ['恒达家电集团', '杭州'], 'both fields kept');

  // A drive's conflicted copy of a file: taken in once, nothing new. A damaged file named like a
  // change file: said once (and kept in the list), never taken in.
  const before = await book(manager.page);
  const rowsBefore = (await rows(manager.page)).length;
  await put(manager.page, second.replace('.json', ' (conflicted copy 2026-12-07).json'), (await files(rep.page))[second]);
  await put(manager.page, second.replace('-2.json', '-99.json'), '{"format": 1, "records": [');
  await syncNow(manager.page);
  const after = await rows(manager.page);
  assert.equal(after.length, rowsBefore + 1, 'the copy listed once');
  assert.match(after[0], /nothing new/i);
  assert.equal(await book(manager.page), before, 'the copy changed nothing');
  assert.match(await manager.page.textContent('[data-testid=folder-problems]'), /-99\.json/);
  await syncNow(manager.page);
  assert.equal((await rows(manager.page)).length, rowsBefore + 1, 'nothing taken in again');
  const said = await manager.page.$$eval('[data-testid=folder-problems] li', (l) => l.map((x) => x.textContent));
  assert.equal(said.filter((p) => p.includes('-99.json')).length, 1, 'the damaged file is said once, and stays listed');

  // A change, then a reload before any round: the app resumes the folder by itself and writes it.
  assert.match(await run(manager.page, 'create', ID(3), 'Northwind Trading'), /^saved/);
  const count = Object.keys(await files(manager.page)).length;
  await manager.page.goto(server.url + '#/customers');
  await manager.page.reload();
  await manager.page.waitForFunction(async ([folder, n]) => {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(folder);
    let files = 0;
    for await (const _ of dir.keys()) files++;
    return files > n;
  }, [FOLDER, count], { timeout: 20_000, polling: 250 });
  await manager.page.goto(server.url + '#/team');
  await manager.page.waitForSelector('[data-testid=folder-phase][data-phase=synced]', { timeout: 20_000 });
  assert.equal(await manager.page.textContent('[data-testid=folder-name]'), FOLDER, 'the folder kept across the reload');
  await drive(rep.page, manager.page);
  await syncNow(rep.page);
  assert.match(await book(rep.page), /Northwind Trading/);

  // "Stop using": the card offers the choice again; the files stay.
  await manager.page.click('[data-testid=folder-stop]');
  await manager.page.waitForSelector('[data-testid=folder-choose]');
  assert.ok(Object.keys(await files(manager.page)).length > count);
  for (const who of [rep, manager]) {
    assert.deepEqual(who.errors, []);
    await who.context.close();
  }
});

test('after a restart the browser asks for access again: the card waits for a click, quietly, then syncs', async () => {
  // The browser's answer is played by the page: granted until the test says otherwise.
  const asking = `${pickFolder}
    window.__asked = 0;
    FileSystemHandle.prototype.queryPermission = async function () {
      window.__asked++;
      return localStorage.getItem('test.permission') ?? 'granted';
    };
    FileSystemHandle.prototype.requestPermission = async function () {
      localStorage.setItem('test.permission', 'granted');
      return 'granted';
    };`;
  const rep = await person('李娜', 'zh-CN', asking);
  await choose(rep.page);
  await rep.page.evaluate(() => localStorage.setItem('test.permission', 'prompt'));
  await rep.page.reload();
  await rep.page.waitForSelector('[data-testid=folder-allow]', { timeout: 20_000 });
  assert.equal(await phase(rep.page), 'permission');
  const asked = await rep.page.evaluate(() => window.__asked);
  await rep.page.waitForTimeout(2_000);
  assert.ok((await rep.page.evaluate(() => window.__asked)) - asked <= 1, 'no busy loop while waiting for the click');
  await rep.page.click('[data-testid=folder-allow]');
  await rep.page.waitForSelector('[data-testid=folder-phase][data-phase=synced]', { timeout: 20_000 });
  // A second tab of the same browser leaves the rounds to the first (one Web Lock).
  const second = await rep.context.newPage();
  await second.goto(server.url + '#/team');
  await second.waitForSelector('[data-testid=folder-phase][data-phase=other-tab]', { timeout: 20_000 });
  await second.close();
  assert.deepEqual(rep.errors, []);
  await rep.context.close();
});

test('a browser without folder access says how to pass files instead', async () => {
  const rep = await person('李娜', 'zh-CN', noPicker);
  assert.match(await rep.page.textContent('[data-testid=folder-unsupported]'), /保存更改文件/);
  assert.equal(await rep.page.$('[data-testid=folder-choose]'), null);
  assert.equal(await rep.page.$('[data-testid=folder-phase]'), null);
  await rep.context.close();
});
