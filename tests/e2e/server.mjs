// A static file server for dist/ on 127.0.0.1, started and stopped by the tests themselves.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants } from 'node:zlib';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webmanifest': 'application/manifest+json',
};

// POCKET_DIST: another build's folder (to compare two builds in the benchmark).
export const DIST = process.env.POCKET_DIST ?? fileURLToPath(new URL('../../dist/', import.meta.url));

/** Raw and brotli (quality 11, what a static host serves) sizes of a built file, by its path
 *  under dist/; computed once each. */
export const brotliOf = (() => {
  const known = new Map();
  return (path) => {
    if (!known.has(path)) {
      const body = readFileSync(join(DIST, path));
      known.set(path, { raw: body.length, br: brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length });
    }
    return known.get(path);
  };
})();

/** Files the browser fetches for an installable page besides what the page's code asks for. */
export const BROWSER_FETCHES = ['sw.js', 'manifest.webmanifest', 'icon-32.png'];

/** Serves `root` under `prefix` (a folder of the site, '/crm/' say) on a free loopback port;
 *  resolves to { url, close, requests } (`requests`: the paths asked for, in order). */
export async function serve(root = DIST, { prefix = '/' } = {}) {
  await stat(join(root, 'index.html')).catch(() => {
    throw new Error(`${root}index.html is missing: build the app first (trunk build --release)`);
  });
  const requests = [];
  const server = createServer(async (req, res) => {
    const pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    requests.push(pathname);
    if (!pathname.startsWith(prefix)) {
      res.writeHead(404).end('not found');
      return;
    }
    const path = normalize('/' + pathname.slice(prefix.length)).replace(/^(\.\.[/\\])+/, '');
    const file = join(root, path === '/' ? 'index.html' : path);
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    requests,
    close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(r); }),
  };
}

export const CHROMIUM_ARGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
];

/** Launches Debian's Chromium through playwright-core. */
export async function launch() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** What a test file needs before its tests: the built app served and Chromium launched. */
export async function start() {
  return { server: await serve(), browser: await launch() };
}

/** Closes what `start` opened (either may be missing if starting failed). */
export async function stop({ server, browser }) {
  await browser?.close();
  await server?.close();
}
