// Team sync with no server: a rep and a manager, each in a browser of their own (two contexts: two
// IndexedDB stores), pass change files to each other and end with the same book. Taking a file in
// again, or a drive's conflicted copy of it, changes nothing more; a file that is not a change
// file, or this device's own, is said and skipped. The release build in Chromium, in Asia/Shanghai.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { start, stop } from './server.mjs';
import { book, loadDemo, person as enter, run } from './steps.mjs';

let server;
let browser;
const dir = mkdtempSync(join(tmpdir(), 'pocket-team-'));

before(async () => ({ server, browser } = await start()));
after(() => stop({ server, browser }));

/** `name`'s own browser on the team page. */
const person = (name, locale) => enter(browser, server.url, name, locale, '[data-testid=team-send]');

/** Saves this person's next change file; returns its path and name. */
async function send(page) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=team-send]')]);
  const path = join(dir, download.suggestedFilename());
  await download.saveAs(path);
  return { path, name: download.suggestedFilename() };
}

/** Takes files in; waits until the list of what came in has grown by `rows` (or the problems list has text). */
async function takeIn(page, paths, rows = paths.length) {
  const before = await page.$$eval('[data-testid=came-in-row]', (r) => r.length);
  await page.setInputFiles('[data-testid=team-files]', paths);
  await page.waitForFunction(
    ({ want }) => document.querySelectorAll('[data-testid=came-in-row]').length >= want && !document.querySelector('[data-testid=team-files]').disabled,
    { want: before + rows },
  );
}

const ID = (n) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

test('a rep and a manager pass change files both ways and end with the same book; again changes nothing', async () => {
  const rep = await person('李娜', 'zh-CN');
  const manager = await person('Manager Wang', 'en');
  // The rep enters two customers and a follow-up; the manager one customer.
  assert.match(await run(rep.page, 'create', ID(1), '恒达家电'), /^saved/);
  assert.match(await run(rep.page, 'create', ID(2), '蓝峰服饰'), /^saved/);
  assert.match(await run(rep.page, 'followup', ID(1), '电话沟通报价'), /^saved/);
  assert.match(await run(manager.page, 'create', ID(3), 'Northwind Trading'), /^saved/);

  const first = await send(rep.page);
  assert.match(first.name, /^pocket-crm-李娜-[0-9a-f]{16}-1\.json$/);
  await takeIn(manager.page, [first.path]);
  const row = await manager.page.textContent('[data-testid=came-in-row]');
  assert.match(row, /李娜/);
  assert.match(row, /file 1/);
  assert.match(row, /2 customers/);

  // Both change the same customer meanwhile, different fields; the manager also deletes one.
  assert.match(await run(rep.page, 'rename', ID(1), '恒达家电集团'), /^saved/);
  assert.match(await run(manager.page, 'city', ID(1), '杭州'), /^saved/);
  assert.match(await run(manager.page, 'delete', ID(2)), /^saved/);
  const fromManager = await send(manager.page);
  assert.match(fromManager.name, /^pocket-crm-Manager_Wang-[0-9a-f]{16}-1\.json$/);
  const second = await send(rep.page);
  assert.match(second.name, /-2\.json$/, 'the rep\'s second file in the series');
  await takeIn(rep.page, [fromManager.path]);
  await takeIn(manager.page, [second.path]);
  assert.match(await rep.page.textContent('[data-testid=came-in-row]'), /Manager_Wang|Manager Wang/);

  const repBook = await book(rep.page);
  assert.equal(await book(manager.page), repBook, 'the same book on both');
  const merged = repBook.split('\n').find((l) => l.startsWith(ID(1))).split('\t');
  assert.deepEqual([merged[1], merged[2]], ['恒达家电集团', '杭州'], 'both fields kept');
  assert.equal(merged[4].split(',').filter(Boolean).length, 1, 'the follow-up came along');
  assert.equal(repBook.split('\n').find((l) => l.startsWith(ID(2))).split('\t')[3], 'true', 'the deletion came along');
  assert.ok(repBook.includes('Northwind Trading'));

  // The same file again, and a drive's conflicted copy of it: nothing new.
  const copy = join(dir, second.name.replace('.json', ' (conflicted copy 2026-12-06).json'));
  copyFileSync(second.path, copy);
  await takeIn(manager.page, [second.path, copy]);
  const rows = await manager.page.$$eval('[data-testid=came-in-row]', (r) => r.slice(0, 2).map((x) => x.textContent));
  for (const text of rows) assert.match(text, /nothing new/);
  assert.equal(await book(manager.page), repBook);

  // Nothing changed since the last file: no file, a message.
  let downloads = 0;
  rep.page.on('download', () => downloads++);
  await rep.page.click('[data-testid=team-send]');
  // (The toast of the files taken in just before may still be showing: wait for this one.)
  await rep.page.waitForFunction(() => document.querySelector('[data-testid=toast]')?.textContent.includes('没有新的更改'));
  assert.equal(downloads, 0, 'no file');

  // A file that is not a change file, and the manager's own: said, nothing taken in.
  const junk = join(dir, 'pocket-crm-x-00-1.json');
  writeFileSync(junk, '{"format":1,"user":"x"');
  await manager.page.setInputFiles('[data-testid=team-files]', [junk, fromManager.path]);
  await manager.page.waitForFunction(() => document.querySelectorAll('[data-testid=team-problems] li').length === 2);
  const problems = await manager.page.textContent('[data-testid=team-problems]');
  assert.match(problems, /Not a Pocket CRM change file/);
  assert.match(problems, /own change file/);
  assert.equal(await book(manager.page), repBook);

  // Stored: after a reload both still hold it, and the list of what came in is still there.
  await manager.page.reload();
  await manager.page.waitForSelector('[data-testid=came-in-row]');
  assert.equal(await book(manager.page), repBook);
  await manager.page.goto(server.url + '#/customers');
  await manager.page.waitForSelector('text=恒达家电集团');

  assert.deepEqual([...rep.errors, ...manager.errors], []);
  await rep.context.close();
  await manager.context.close();
});

test('a device says which of the book\'s people uses it: managers are marked, and its changes and files carry the name', async () => {
  const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => d.accept());
  await loadDemo(page, server.url, 100);
  await page.goto(server.url + '#/team');
  await page.waitForSelector('[data-testid=team-me]');
  const options = await page.$$eval('[data-testid=team-me] option', (o) => o.map((x) => [x.value, x.textContent]));
  const managers = options.filter(([, text]) => text.endsWith('经理'));
  assert.equal(managers.length, 3, 'the demo\'s three teams, each with its manager');
  assert.equal(options.filter(([, text]) => text.endsWith('销售')).length, 8, 'the other active reps (one has left)');
  assert.deepEqual(options.slice(1, 4), managers, 'managers first');
  const [id, text] = managers[1];
  const name = text.split(' · ')[0];
  await page.selectOption('[data-testid=team-me]', id);
  await page.waitForFunction((n) => document.querySelector('[data-testid=team-user]').textContent.includes(n), name);
  const file = await send(page);
  assert.ok(file.name.startsWith(`pocket-crm-${name.replace(/[^\p{L}\p{N}]/gu, '_')}-`), file.name);
  // A change made now carries the name.
  assert.match(await run(page, 'create', ID(77), '新客户'), /^saved/);
  await page.goto(server.url + `#/customers/${ID(77)}`);
  await page.waitForSelector('[data-testid=detail-name]');
  assert.ok((await page.textContent('body')).includes(name), 'who changed it');
  // The choice stays after a reload.
  await page.goto(server.url + '#/team');
  await page.reload();
  await page.waitForSelector('[data-testid=team-me]');
  assert.equal(await page.$eval('[data-testid=team-me]', (s) => s.value), id);
  assert.deepEqual(errors, []);
  await context.close();
});
