#!/usr/bin/env node
// Splits the page's module into the first load and one chunk per area, then makes the service
// worker's list of files. Trunk runs it after its own build (a `post_build` hook in Trunk.toml):
// Trunk builds the CSS, the workers and the app binary (with the `split` feature, linked with
// --emit-relocs: src/build.rs), but cannot split it (Trunk 0.21, trunk issue #1022). This
// takes cargo's linked module and:
//
// 1. cuts it with wasm-split-cli at the #[wasm_split] functions (src/ui/areas.rs): the main
//    module, a chunk per area, shared chunks, and __wasm_split.js that loads them (the release
//    profile keeps the relocations it reads: strip = "debuginfo");
// 2. makes the main module's JS with wasm-bindgen (--keep-lld-exports: the chunks import those);
// 3. runs wasm-opt -Oz on every module, merges the small chunks into one module (chunks.wasm,
//    see `mergeChunks`) and minifies the JS (release);
// 4. puts all of it, and the workers' files, in app-<content hash>/ (chunk names are not hashed,
//    so a new build never mixes with an old one's files), removes Trunk's unsplit copy of the
//    app, and puts the tags that load ours in index.html, and the store's first read
//    (style/pwa/early-read.js) in its first script;
// 5. writes sw.js: the service worker with this build's version and file list (sw-list.mjs).
//
// By hand, after `trunk build --release`: TRUNK_STAGING_DIR=dist node scripts/split.mjs

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import { minify } from 'terser';

import { withEarlyRead, writeServiceWorker } from './sw-list.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const STAGING = process.env.TRUNK_STAGING_DIR ?? join(ROOT, 'dist');
const RELEASE = (process.env.TRUNK_PROFILE ?? 'release') === 'release';
const TARGET_DIR = process.env.CARGO_TARGET_DIR ?? join(ROOT, 'target');
const OUT = join(TARGET_DIR, 'split');
const BIN = 'pocket-crm';
// The workers Trunk built (index.html): their files go into the app's folder too, so a page only
// ever starts the workers of its own build.
const WORKERS = ['worker', 'files'];
// The same features as Trunk.toml's wasm-opt for the workers (Chromium supports them all).
// SPLIT_KEEP_NAMES=1 keeps the functions' names (for a profile of the page; larger files).
const KEEP_NAMES = process.env.SPLIT_KEEP_NAMES === '1' ? ['-g'] : [];
const WASM_FEATURES = [
  '--enable-bulk-memory', '--enable-bulk-memory-opt', '--enable-nontrapping-float-to-int', '--enable-sign-ext',
  '--enable-mutable-globals', '--enable-reference-types', '--enable-multivalue',
];

function run(cmd, args, opts = {}) {
  const started = Date.now();
  const result = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], cwd: ROOT, ...opts });
  if (result.error) throw new Error(`${cmd}: ${result.error.message} (is it installed? run scripts/setup.sh)`);
  if (result.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${result.status})`);
  return Date.now() - started;
}

function sha(algorithm, bytes, encoding = 'hex') {
  return createHash(algorithm).update(bytes).digest(encoding);
}

function filesUnder(dir) {
  return readdirSync(dir, { recursive: true })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile())
    .sort();
}

/** Runs `jobs` (functions returning promises) at most `limit` at a time. */
async function pool(jobs, limit) {
  const running = new Set();
  for (const job of jobs) {
    const p = job().finally(() => running.delete(p));
    running.add(p);
    if (running.size >= limit) await Promise.race(running);
  }
  await Promise.all(running);
}

function wasmOpt(file) {
  return new Promise((resolve, reject) => {
    import('node:child_process').then(({ spawn }) => {
      const child = spawn('wasm-opt', ['-Oz', ...KEEP_NAMES, ...WASM_FEATURES, file, '-o', file], { stdio: ['ignore', 'ignore', 'inherit'] });
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`wasm-opt ${file} failed (exit ${code})`))));
    });
  });
}

async function buildApp() {
  const raw = join(TARGET_DIR, 'wasm32-unknown-unknown', RELEASE ? 'release' : 'debug', `${BIN}.wasm`);
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const splitMs = run('wasm-split-cli', [raw, OUT, '--out-name', BIN]);
  const bindgenMs = run('wasm-bindgen', [
    '--target', 'web', '--keep-lld-exports', '--no-typescript', '--out-dir', OUT, '--out-name', BIN, join(OUT, `${BIN}.wasm`),
  ]);
  rmSync(join(OUT, `${BIN}.wasm`));
  let optMs = 0;
  if (RELEASE) {
    const started = Date.now();
    const modules = filesUnder(OUT).filter((f) => f.endsWith('.wasm'));
    // The largest first, so the two cores finish together.
    modules.sort((a, b) => statSync(b).size - statSync(a).size);
    await pool(modules.map((f) => () => wasmOpt(f)), Math.max(1, Math.min(2, cpus().length)));
    optMs = Date.now() - started;
  }
  console.log(`split.mjs: split ${splitMs} ms, wasm-bindgen ${bindgenMs} ms, wasm-opt ${optMs} ms`);
}

/** Chunks smaller than this are merged into one module (see `mergeChunks`). */
const SMALL_CHUNK = 16 * 1024;

/** What the chunks import from the main module (the loader's `getSharedImports`). */
const SHARED = '__wasm_split';
/** The merged module's name for the same imports (see `mergeChunks`). */
const MERGED_SHARED = '__wasm_split_merged';

/**
 * Merges the small chunks into one module, `chunks.wasm`. The splitter makes a chunk for every
 * combination of areas that share code: over a hundred modules of a few hundred bytes to a few
 * KB. Fetched one file each, an area's first opening took 40-50 requests; fetched as one file
 * but instantiated one by one, it still cost the page some 120 compilations and instantiations
 * on its main thread (a fifth of the forecast's first opening). The chunks import nothing from
 * each other (only the main module's memory, function table and stack pointer) and fill their
 * own slots of the table, so one module holding them all is the same code, loaded once: every
 * small chunk's loader becomes that module's loader (loaded once; a failure is tried again).
 * `wasm-merge` would give each input's imports a copy of their own (several memories), so the
 * first input is a module that imports the three under another name and exports them under
 * theirs: the chunks' imports bind to it, and the merged module imports each once.
 */
async function mergeChunks() {
  const loaderPath = join(OUT, '__wasm_split.js');
  let loader = readFileSync(loaderPath, 'utf8');
  const small = readdirSync(OUT)
    .filter((n) => /^chunk_\d+\.wasm$/.test(n) && statSync(join(OUT, n)).size < SMALL_CHUNK)
    .sort();
  if (small.length === 0) return 0;
  for (const name of small) {
    // Each small chunk's load, as wasm-split-cli writes it: fetch its file, instantiate it.
    const body = `makeLoad(() => {
    const src = fetch(new URL("./${name}", import.meta.url));
    src.catch(() => {});
    return async (imports) => (WebAssembly.instantiateStreaming(src, imports));
}
, []);`;
    const load = new RegExp(`const (__chunk_\\d+) = ${body.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);
    if (!load.test(loader)) throw new Error(`__wasm_split.js: no load of ${name} without dependencies (another wasm-split-cli?)`);
    loader = loader.replace(load, 'const $1 = __chunks;');
  }
  const merged = join(OUT, 'chunks.wasm');
  const provider = join(OUT, 'shared.wat');
  writeFileSync(provider, sharedImportsModule(small.map((n) => join(OUT, n))));
  run('wasm-as', [...WASM_FEATURES, provider, '-o', `${provider}.wasm`]);
  run('wasm-merge', [...WASM_FEATURES, `${provider}.wasm`, SHARED, ...small.flatMap((n) => [join(OUT, n), n]), '-o', merged]);
  for (const name of [provider, `${provider}.wasm`, ...small.map((n) => join(OUT, n))]) rmSync(name);
  if (RELEASE) await wasmOpt(merged);
  const load = `const __chunks = makeLoad(() => {
    const src = fetch(new URL("./chunks.wasm", import.meta.url));
    src.catch(() => {});
    return async (imports) => (WebAssembly.instantiateStreaming(src, { ${MERGED_SHARED}: imports.${SHARED} }));
}
, []);
`;
  // Before the first chunk's load (with the comment above it, if any): the loads refer to it.
  const first = loader.search(/(\/\*[^*]*\*\/\n)?const __chunk_\d+ = /);
  if (first < 0 || loader.indexOf('function makeLoad') > first) {
    throw new Error('__wasm_split.js: no chunk loads after makeLoad (another wasm-split-cli?)');
  }
  loader = loader.slice(0, first) + load + loader.slice(first);
  writeFileSync(loaderPath, loader);
  checkMergedImports(merged);
  return small.length;
}

/** Fails the build unless the merged module imports exactly the three the loader gives it (a
 *  chunk importing anything else would fail every area at run time instead). */
function checkMergedImports(file) {
  const imports = [...wasmText(file).matchAll(/^ \(import "([^"]+)" "([^"]+)"/gm)].map((m) => `${m[1]}.${m[2]}`).sort();
  const expected = ['memory', '__indirect_function_table', '__wasm_split_shared0'].map((n) => `${MERGED_SHARED}.${n}`).sort();
  if (JSON.stringify(imports) !== JSON.stringify(expected)) {
    throw new Error(`chunks.wasm imports ${imports.join(', ')}; the loader gives it only ${expected.join(', ')}`);
  }
}

/** A module's text (wasm-dis). */
function wasmText(file) {
  const result = spawnSync('wasm-dis', [...WASM_FEATURES, file], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (result.error || result.status !== 0) throw new Error(`wasm-dis ${file} failed (is it installed? run scripts/setup.sh)`);
  return result.stdout;
}

/** A module that imports what the chunks import from the main module under MERGED_SHARED and
 *  exports it under the same names (the limits read from the first of `chunks`, chunks' files,
 *  that imports both the memory and the table: a chunk that puts nothing in the table does not). */
function sharedImportsModule(chunks) {
  let memory, table;
  for (const chunk of chunks) {
    const text = wasmText(chunk);
    memory = text.match(/\(import "__wasm_split" "memory" \(memory \S+ ([^)]*)\)\)/);
    table = text.match(/\(import "__wasm_split" "__indirect_function_table" \(table \S+ ([^)]*)\)\)/);
    if (memory && table) break;
  }
  if (!memory || !table) throw new Error('no chunk imports both the memory and the table (another wasm-split-cli?)');
  return `(module
 (import "${MERGED_SHARED}" "memory" (memory $m ${memory[1]}))
 (import "${MERGED_SHARED}" "__indirect_function_table" (table $t ${table[1]}))
 (import "${MERGED_SHARED}" "__wasm_split_shared0" (global $g (mut i32)))
 (export "memory" (memory $m))
 (export "__indirect_function_table" (table $t))
 (export "__wasm_split_shared0" (global $g))
)
`;
}

/** Minifies every JS file under `dir` (ES modules, but the workers' classic scripts). */
async function minifyJs(dir) {
  for (const file of filesUnder(dir).filter((f) => f.endsWith('.js'))) {
    const classic = WORKERS.some((w) => file.endsWith(`/${w}.js`) || file.endsWith(`/${w}_loader.js`));
    const code = readFileSync(file, 'utf8');
    const out = await minify(code, { module: !classic, compress: { passes: 2 }, mangle: true, format: { comments: false } });
    writeFileSync(file, out.code);
  }
}

/** Moves the build and the workers (minified) into app-<hash>/ in the staging folder; returns its
 *  name. */
async function placeApp() {
  for (const worker of WORKERS) {
    for (const name of [`${worker}.js`, `${worker}_bg.wasm`, `${worker}_loader.js`]) {
      renameSync(join(STAGING, name), join(OUT, name));
    }
  }
  if (RELEASE) await minifyJs(OUT);
  const hash = createHash('sha256');
  for (const file of filesUnder(OUT)) {
    hash.update(relative(OUT, file));
    hash.update(readFileSync(file));
  }
  const folder = `app-${hash.digest('hex').slice(0, 16)}`;
  for (const name of readdirSync(STAGING)) {
    if (name.startsWith('app-') || /^pocket-crm-[0-9a-f]+(_bg\.wasm|\.js)$/.test(name)) {
      rmSync(join(STAGING, name), { recursive: true, force: true });
    }
  }
  for (const name of readdirSync(join(STAGING, 'snippets'))) {
    if (name.startsWith(`${BIN}-`)) rmSync(join(STAGING, 'snippets', name), { recursive: true, force: true });
  }
  if (readdirSync(join(STAGING, 'snippets')).length === 0) rmSync(join(STAGING, 'snippets'), { recursive: true });
  renameSync(OUT, join(STAGING, folder));
  return folder;
}

/** Puts the tags that load the app into index.html (paths relative: it works from a sub-path). */
function patchHtml(folder) {
  const htmlPath = join(STAGING, 'index.html');
  const html = readFileSync(htmlPath, 'utf8');
  const marker = '<!-- app module -->';
  if (!html.includes(marker)) throw new Error(`index.html has no "${marker}" line for the app's tags`);
  const js = `./${folder}/${BIN}.js`;
  const wasm = `./${folder}/${BIN}_bg.wasm`;
  const integrity = (path) => `sha384-${sha('sha384', readFileSync(join(STAGING, path)), 'base64')}`;
  // Trunk's tags for its unsplit copy: its loader script and the preloads of its files.
  const trunkTags = [
    /<script type="module">\s*import init, \* as bindings from '[^']*pocket-crm-[0-9a-f]+\.js';[\s\S]*?<\/script>/,
    /<link rel="modulepreload" href="[^"]*(pocket-crm-[0-9a-f]+\.js|snippets\/pocket-crm-[0-9a-f]+\/[^"]+)"[^>]*>/g,
    /<link rel="preload" href="[^"]*pocket-crm-[0-9a-f]+_bg\.wasm"[^>]*>/,
  ];
  let cleaned = html;
  for (const tag of trunkTags) {
    if (!tag.test(cleaned)) throw new Error(`index.html: Trunk's tag ${tag} not found (another Trunk version?)`);
    cleaned = cleaned.replace(tag, '');
  }
  // The module's imports too, so they are not fetched one after another.
  const imports = filesUnder(join(STAGING, folder))
    .map((path) => `./${relative(STAGING, path).split('\\').join('/')}`)
    .filter((path) => path.includes('/snippets/') || path.endsWith('/__wasm_split.js'));
  const tags = [
    ...[js, ...imports].map((path) => `<link rel="modulepreload" href="${path}" crossorigin="anonymous" integrity="${integrity(path)}">`),
    // No integrity here: the module's own fetch of it carries none, and would not use the preload.
    `<link rel="preload" href="${wasm}" as="fetch" type="application/wasm" crossorigin="anonymous">`,
    `<script type="module">import init from '${js}'; init();</script>`,
  ].join('\n    ');
  writeFileSync(htmlPath, withEarlyRead(cleaned.replace(marker, tags), 'index.html'));
}

await buildApp();
console.log(`split.mjs: ${await mergeChunks()} small chunks merged into chunks.wasm`);
const folder = await placeApp();
patchHtml(folder);
const { version, count } = await writeServiceWorker(STAGING, { minified: RELEASE });
console.log(`split.mjs: sw.js version ${version}, ${count} files`);
