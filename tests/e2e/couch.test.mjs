// Live sync through a CouchDB-protocol server: pouchdb-server on 127.0.0.1 (in memory, started
// and stopped by this file), set up as a team's database by scripts/couch/setup.mjs (validation
// function, security, a rep and a manager). A rep (Chinese) and a manager (English), each in a
// browser of their own, connect from the team page; changes travel live; the rep goes offline,
// both edit, and they converge; a field both changed keeps the losing value on the customer's
// page; a change the server refuses is listed and kept. The release build, in Asia/Shanghai.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, stop } from './server.mjs';
import { book, person as enter, run } from './steps.mjs';
import { setUp } from '../../scripts/couch/setup.mjs';
import { connectCouch as connect, couchUpToDate as upToDate, startCouch } from './couch.mjs';

let server;
let browser;
let couch;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  ({ server, browser } = await start());
  couch = await startCouch();
});
after(async () => {
  couch?.stop();
  await stop({ server, browser });
});

/** `name`'s own browser on the team page. */
const person = (name, locale) => enter(browser, server.url, name, locale, '[data-testid=couch]', { height: 900 });

/** Waits until both books are the same (live sync), or fails with both. */
async function converge(a, b, timeout = 30_000) {
  const until = Date.now() + timeout;
  for (;;) {
    const [x, y] = [await book(a), await book(b)];
    if (x === y) return x;
    if (Date.now() > until) assert.equal(x, y, 'the two books did not converge');
    await sleep(250);
  }
}

const ID = (n) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

test('a rep and a manager replicate live through the server, offline and back, and see what collided or was refused', async () => {
  const database = `${couch.root}/team-book`;
  // The validation function comes last: pouchdb-server's validation plugin drops replicated edits
  // of existing documents (it replaces their `_revisions` with the stored one's); CouchDB does not.
  await setUp(database, [
    { name: '李娜', password: 'li-pw', role: 'rep' },
    { name: 'Wang', password: 'wang-pw', role: 'manager' },
  ], { validate: false });
  const manager = await person('Wang', 'en');
  // Two reps; one customer each, and one nobody owns.
  for (const [id, name] of [[ID(101), '李娜'], [ID(102), '张伟']]) assert.match(await run(manager.page, 'rep', id, name), /^saved/);
  assert.match(await run(manager.page, 'create', ID(1), '恒达家电'), /^saved/);
  assert.match(await run(manager.page, 'owner', ID(1), ID(101)), /^saved/);
  assert.match(await run(manager.page, 'create', ID(2), 'Northwind Trading'), /^saved/);
  assert.match(await run(manager.page, 'owner', ID(2), ID(102)), /^saved/);
  assert.match(await run(manager.page, 'create', ID(3), '蓝峰服饰'), /^saved/);

  // A wrong password is said, in the manager's language; the right one connects.
  await manager.page.fill('[data-testid=couch-url]', database);
  await manager.page.fill('[data-testid=couch-name]', 'Wang');
  await manager.page.fill('[data-testid=couch-password]', 'nope');
  await manager.page.click('[data-testid=couch-connect]');
  await manager.page.waitForSelector('[data-testid=couch-error]');
  assert.match(await manager.page.textContent('[data-testid=couch-error]'), /Wrong user name or password/);
  await connect(manager.page, database, 'Wang', 'wang-pw');
  assert.match(await manager.page.textContent('[data-testid=couch-moved]'), /sent \d+ changes/);

  const rep = await person('李娜', 'zh-CN');
  await connect(rep.page, database, '李娜', 'li-pw');
  const first = await converge(rep.page, manager.page);
  assert.match(first, /恒达家电/);
  await rep.page.waitForSelector('[data-testid=couch-phase]:has-text("已是最新")');

  // Live: the manager's change reaches the rep with nobody pressing anything.
  assert.match(await run(manager.page, 'rename', ID(3), '蓝峰服饰集团'), /^saved/);
  await converge(rep.page, manager.page);
  assert.match(await book(rep.page), /蓝峰服饰集团/);

  // Offline, both edit: different fields of one customer, and the same field of another (the
  // manager's change comes later, so it wins).
  await rep.context.setOffline(true);
  assert.match(await run(rep.page, 'rename', ID(1), '恒达家电集团'), /^saved/);
  assert.match(await run(rep.page, 'city', ID(3), '苏州'), /^saved/);
  await rep.page.waitForSelector('[data-testid=couch-phase][data-phase=offline]', { timeout: 20_000 });
  assert.match(await rep.page.textContent('[data-testid=couch-phase]'), /离线/);
  await sleep(50);
  assert.match(await run(manager.page, 'city', ID(1), '杭州'), /^saved/);
  assert.match(await run(manager.page, 'city', ID(3), '杭州'), /^saved/);
  await rep.context.setOffline(false);
  const after = await converge(rep.page, manager.page, 60_000);
  assert.match(after, new RegExp(`${ID(1)}\t恒达家电集团\t杭州\t`), 'both fields kept');
  assert.match(after, new RegExp(`${ID(3)}\t蓝峰服饰集团\t杭州\t`), 'the later change of the city');

  // The city both changed: the rep's lost value is on the customer's page, on both sides.
  for (const [who, text] of [[rep, /苏州/], [manager, /苏州/]]) {
    await who.page.goto(server.url + `#/customers/${ID(3)}`);
    await who.page.waitForSelector('[data-testid=superseded]', { timeout: 20_000 });
    assert.match(await who.page.textContent('[data-testid=superseded]'), text);
  }

  // After a reload the rep's page replicates again by itself (the session cookie holds).
  await rep.page.goto(server.url + '#/team');
  await rep.page.reload();
  await rep.page.waitForSelector('[data-testid=couch-phase]');
  await upToDate(rep.page);
  assert.match(await run(manager.page, 'rename', ID(1), '恒达家电（华东）'), /^saved/);
  const end = await book(manager.page);
  for (let i = 0; !(await book(rep.page)).includes('恒达家电（华东）'); i++) {
    assert.ok(i < 120, `the change after the reload did not arrive:\n${end}`);
    await sleep(250);
  }

  // With the validation function in place, the rep renames another rep's customer: the server
  // refuses, the rep's page lists it, and the rename stays on the rep's device.
  await setUp(database, [], { validate: true });
  await rep.page.goto(server.url + '#/team');
  await rep.page.waitForSelector('[data-testid=couch-phase]');
  assert.match(await run(rep.page, 'rename', ID(2), 'Northwind (李娜改)'), /^saved/);
  const row = '[data-testid=couch-rejected-row]:has-text("Northwind")';
  await rep.page.waitForSelector(row, { timeout: 20_000 });
  const refused = await rep.page.textContent(row);
  assert.match(refused, /Northwind \(李娜改\)/);
  assert.match(refused, /张伟/);
  assert.match(await book(rep.page), /Northwind \(李娜改\)/);
  assert.doesNotMatch(await book(manager.page), /李娜改/);

  assert.deepEqual([...rep.errors, ...manager.errors], []);
  await rep.context.close();
  await manager.context.close();
});
