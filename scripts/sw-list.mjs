#!/usr/bin/env node
// Writes a built app's sw.js: the service worker's code (style/pwa/sw.js) with the build's
// version and the list of every file in the folder with its SHA-256 (the first 128 bits, plenty
// to tell a damaged or foreign file). scripts/split.mjs calls it at the end of each build; the
// end-to-end tests call it to make a "new deploy" of a changed copy:
//   node scripts/sw-list.mjs <folder>
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { minify } from 'terser';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** `text` (index.html's, the service worker's) with style/pwa/early-read.js at its
 *  "early-read.js" line (`name` says whose, for the error if there is none). */
export function withEarlyRead(text, name) {
  const marker = '/* early-read.js */';
  if (!text.includes(marker)) throw new Error(`${name} has no "${marker}" line`);
  return text.replace(marker, () => readFileSync(join(ROOT, 'style', 'pwa', 'early-read.js'), 'utf8'));
}

/** Writes `dir`/sw.js for the files in `dir`; returns the build's version. */
export async function writeServiceWorker(dir, { minified = true } = {}) {
  const files = readdirSync(dir, { recursive: true })
    .map((name) => String(name).split('\\').join('/'))
    .filter((name) => name !== 'sw.js' && statSync(join(dir, name)).isFile())
    .sort();
  const list = files.map((name) => [name, sha256(readFileSync(join(dir, name))).slice(0, 32)]);
  const version = sha256(JSON.stringify(list)).slice(0, 16);
  const template = readFileSync(join(ROOT, 'style', 'pwa', 'sw.js'), 'utf8');
  const build = JSON.stringify({ version, files: Object.fromEntries(list) });
  if (!template.includes('self.BUILD = null;')) throw new Error('style/pwa/sw.js has no "self.BUILD = null;" line');
  const filled = withEarlyRead(template.replace('self.BUILD = null;', () => `self.BUILD = ${build};`), 'style/pwa/sw.js');
  const code = minified ? (await minify(filled, { compress: { passes: 2 }, format: { comments: false } })).code : filled;
  writeFileSync(join(dir, 'sw.js'), code);
  return { version, count: files.length };
}

if (import.meta.url === pathToFileURL(resolve(process.argv[1] ?? '')).href) {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: node scripts/sw-list.mjs <folder>');
  const { version, count } = await writeServiceWorker(dir);
  console.log(`sw.js version ${version}, ${count} files`);
}
