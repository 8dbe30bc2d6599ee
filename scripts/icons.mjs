#!/usr/bin/env node
// Draws the app's icons (style/pwa/icon-*.png: 32 px for the tab, the others to install): a blue rounded square with a white pocket and a
// rising line, as plain PNGs (no image library). Run once after changing the drawing:
//   node scripts/icons.mjs
import { deflateSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';

const BLUE = [0x2f, 0x6f, 0xeb];
const WHITE = [0xff, 0xff, 0xff];

function crc32(bytes) {
  let c, crc = 0xffffffff;
  for (const b of bytes) {
    c = (crc ^ b) & 0xff;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crc = (crc >>> 8) ^ c;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])));
  return Buffer.concat([head, data, crc]);
}

/** The colour (RGBA) at (x, y) in a unit square, for an icon that may be cropped to a circle
 *  ("maskable": the drawing stays inside the middle 80%). */
function pixel(x, y, maskable) {
  const r = 0.18;
  const inside = (() => {
    if (maskable) return true;
    const dx = Math.max(r - x, 0, x - (1 - r));
    const dy = Math.max(r - y, 0, y - (1 - r));
    return dx * dx + dy * dy <= r * r;
  })();
  if (!inside) return [0, 0, 0, 0];
  const s = maskable ? 0.8 : 1;
  const u = (x - 0.5) / s + 0.5;
  const v = (y - 0.5) / s + 0.5;
  const band = 0.07;
  // The pocket: two sides from v 0.36 down to 0.62, and a half ring joining them below.
  const ring = Math.hypot((u - 0.5) / 0.22, (v - 0.62) / 0.13);
  const inPocket =
    ((Math.abs(u - 0.28) < band / 2 || Math.abs(u - 0.72) < band / 2) && v > 0.36 && v <= 0.62) ||
    (v > 0.62 && Math.abs(ring - 1) * 0.175 < band / 2);
  // The rising line coming out of it.
  const seg = (ax, ay, bx, by) => {
    const t = Math.max(0, Math.min(1, ((u - ax) * (bx - ax) + (v - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)));
    return Math.hypot(u - (ax + t * (bx - ax)), v - (ay + t * (by - ay))) < band / 2;
  };
  const inLine = seg(0.38, 0.52, 0.5, 0.44) || seg(0.5, 0.44, 0.64, 0.26);
  return [...(inPocket || inLine ? WHITE : BLUE), 255];
}

function png(size, maskable) {
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4);
    for (let x = 0; x < size; x++) {
      // 4x4 samples per pixel for smooth edges.
      const acc = [0, 0, 0, 0];
      for (let sy = 0; sy < 4; sy++) {
        for (let sx = 0; sx < 4; sx++) {
          const p = pixel((x + (sx + 0.5) / 4) / size, (y + (sy + 0.5) / 4) / size, maskable);
          for (let i = 0; i < 4; i++) acc[i] += p[i] * (i < 3 ? p[3] / 255 : 1);
        }
      }
      const alpha = acc[3] / 16;
      for (let i = 0; i < 3; i++) row[1 + x * 4 + i] = alpha ? Math.round(acc[i] / 16 / (alpha / 255)) : 0;
      row[1 + x * 4 + 3] = Math.round(alpha);
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows), { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const dir = new URL('../style/pwa/', import.meta.url);
writeFileSync(new URL('icon-32.png', dir), png(32, false));
writeFileSync(new URL('icon-192.png', dir), png(192, false));
writeFileSync(new URL('icon-512.png', dir), png(512, false));
writeFileSync(new URL('icon-maskable-512.png', dir), png(512, true));
console.log('icons written to style/pwa/');
