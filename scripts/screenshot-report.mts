// Saves a PNG of an HTML report as a real Chromium renders it, for the README:
//   npx tsx scripts/screenshot-report.mts reports/<run>/index.html reports/quickstart-report.png [height]
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const [input, output, height = '1500'] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: screenshot-report.mts <index.html> <out.png> [height px]');
  process.exit(2);
}
const browser = await chromium.launch({ executablePath: process.env['COLDLAB_CHROMIUM'] ?? '/usr/bin/chromium' });
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: Number(height) }, deviceScaleFactor: 1 });
  await page.goto(pathToFileURL(resolve(input)).href);
  await page.screenshot({ path: resolve(output) });
  console.log(`saved ${output}`);
} finally {
  await browser.close();
}
