#!/usr/bin/env node
// Renders resources/icon.svg and resources/lossbook-document.svg to the PNG, ICO and ICNS files
// electron-builder needs (app icon for Linux/macOS/Windows, .lossbook document icon for the file
// association). Chromium draws the SVG (playwright-core + /usr/bin/chromium or LOSSBOOK_CHROMIUM);
// ICO and ICNS are written here: both simply wrap PNGs. Run after changing an SVG:
//   node scripts/make-icons.mjs
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const resources = fileURLToPath(new URL('../resources/', import.meta.url));
const LINUX_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];
// ICNS PNG element types by pixel size (Apple's icns format; @2x variants share pixel sizes).
const ICNS_TYPES = [
  ['icp4', 16], ['icp5', 32], ['ic11', 32], ['icp6', 64], ['ic12', 64], ['ic07', 128],
  ['ic08', 256], ['ic13', 256], ['ic09', 512], ['ic14', 512], ['ic10', 1024],
];

/** ICO with PNG-compressed entries (Windows Vista+). 256 is written as 0 in the directory. */
export function buildIco(pngsBySize) {
  const entries = [...pngsBySize.entries()].sort(([a], [b]) => a - b);
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(entries.length, 4);
  const directory = Buffer.alloc(16 * entries.length);
  let offset = 6 + directory.length;
  entries.forEach(([size, png], index) => {
    const at = index * 16;
    directory.writeUInt8(size >= 256 ? 0 : size, at);
    directory.writeUInt8(size >= 256 ? 0 : size, at + 1);
    directory.writeUInt8(0, at + 2);
    directory.writeUInt8(0, at + 3);
    directory.writeUInt16LE(1, at + 4);
    directory.writeUInt16LE(32, at + 6);
    directory.writeUInt32LE(png.length, at + 8);
    directory.writeUInt32LE(offset, at + 12);
    offset += png.length;
  });
  return Buffer.concat([header, directory, ...entries.map(([, png]) => png)]);
}

/** ICNS made of PNG elements. */
export function buildIcns(pngsBySize) {
  const elements = ICNS_TYPES.map(([type, size]) => {
    const png = pngsBySize.get(size);
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(8 + png.length, 4);
    return Buffer.concat([head, png]);
  });
  const body = Buffer.concat(elements);
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(8 + body.length, 4);
  return Buffer.concat([head, body]);
}

async function render(browser, svg, sizes) {
  const page = await browser.newPage();
  const pngs = new Map();
  for (const size of sizes) {
    await page.setViewportSize({ width: size, height: size });
    const sized = svg.replace(/width="1024" height="1024"/, `width="${size}" height="${size}"`);
    await page.setContent(`<!doctype html><html><body style="margin:0;background:transparent">${sized}</body></html>`);
    pngs.set(size, await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } }));
  }
  await page.close();
  return pngs;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const browser = await chromium.launch({ executablePath: process.env.LOSSBOOK_CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    const sizes = [...new Set([...LINUX_SIZES, ...ICO_SIZES, ...ICNS_TYPES.map(([, size]) => size)])];
    const app = await render(browser, readFileSync(join(resources, 'icon.svg'), 'utf8'), sizes);
    mkdirSync(join(resources, 'icons'), { recursive: true });
    for (const size of LINUX_SIZES) writeFileSync(join(resources, 'icons', `${size}x${size}.png`), app.get(size));
    writeFileSync(join(resources, 'icon.png'), app.get(1024));
    writeFileSync(join(resources, 'icon.ico'), buildIco(new Map(ICO_SIZES.map((size) => [size, app.get(size)]))));
    writeFileSync(join(resources, 'icon.icns'), buildIcns(app));
    const documentIcon = await render(browser, readFileSync(join(resources, 'lossbook-document.svg'), 'utf8'), sizes);
    writeFileSync(join(resources, 'lossbook-document.png'), documentIcon.get(512));
    writeFileSync(join(resources, 'lossbook-document.ico'), buildIco(new Map(ICO_SIZES.map((size) => [size, documentIcon.get(size)]))));
    writeFileSync(join(resources, 'lossbook-document.icns'), buildIcns(documentIcon));
    console.log(`icons: wrote resources/icon.{png,ico,icns}, resources/icons/*.png (${LINUX_SIZES.join(', ')}), resources/lossbook-document.{png,ico,icns}`);
  } finally {
    await browser.close();
  }
}
