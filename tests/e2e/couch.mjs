// A CouchDB-protocol server for the end-to-end tests and the bench: pouchdb-server 4.2.0 (in
// memory, pure JavaScript, installed in tests/couch by scripts/setup.sh) on a free port of
// 127.0.0.1, in a folder of its own (it writes its config and log where it runs), stopped by its pid.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function freePort() {
  const probe = createServer();
  await new Promise((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address();
  await new Promise((r) => probe.close(r));
  return port;
}

/** Starts the server; resolves to { root, stop }. */
export async function startCouch() {
  const bin = fileURLToPath(new URL('../couch/node_modules/pouchdb-server/bin/pouchdb-server', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'pocket-couch-e2e-'));
  const port = await freePort();
  const child = spawn(process.execPath, [bin, '-m', '-p', String(port), '-o', '127.0.0.1'], { cwd: dir, stdio: 'ignore' });
  const root = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (await fetch(root).then((r) => r.ok, () => false)) break;
    if (i > 300) throw new Error('pouchdb-server did not start');
    await sleep(100);
  }
  return { root, stop: () => { child.kill(); rmSync(dir, { recursive: true, force: true }); } };
}

/** Connects the team page's CouchDB card (the page on #/team) and waits until it is up to date. */
export async function connectCouch(page, database, name, password, timeout = 20_000) {
  await page.fill('[data-testid=couch-url]', database);
  await page.fill('[data-testid=couch-name]', name);
  await page.fill('[data-testid=couch-password]', password);
  await page.click('[data-testid=couch-connect]');
  await couchUpToDate(page, timeout);
}

export const couchUpToDate = (page, timeout = 20_000) =>
  page.waitForSelector('[data-testid=couch-phase][data-phase=up-to-date]', { timeout });
