import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { writeReport } from '../../src/report/write.js';
import { formatUs } from '../../src/present/format.js';
import type { RunResult } from '../../src/results/model.js';
import { sampleRunResult } from '../helpers/sampleResult.js';

// COLDLAB_CHROMIUM points elsewhere (or nowhere, to check that CI=true fails without a browser).
const CHROMIUM = process.env['COLDLAB_CHROMIUM'] ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
// In CI a missing browser is a broken environment, not a reason to skip: the report would go untested.
const required = process.env['CI'] === 'true';

let dir: string;
let browser: Browser;
let page: Page;
let result: RunResult;
const requests: string[] = [];
// Console errors and warnings, page errors and failed loads: a CSP violation shows up here.
const problems: string[] = [];

describe.skipIf(!available && !required)('the HTML report in a real Chromium', () => {
  beforeAll(async () => {
    if (!available) throw new Error(`Chromium not found at ${CHROMIUM}: install it (apt-get install -y chromium); CI=true requires the browser test`);
    result = sampleRunResult({
      scenarioName: 'quickstart <b>not bold</b>',
      complete: false,
      variants: [
        {},
        { provisioned: 1, limitsEnforced: false, phases: [{ name: 'steady', rate: 200, warm: 800, cold: 0, achievedShare: 0.8 }] },
        { runtime: 'container', fail: { code: 'RUNTIME_UNAVAILABLE', message: 'docker engine is not reachable', hint: 'start dockerd, or run `coldlab doctor`' }, phases: [] },
      ],
    });
    dir = await mkdtemp(join(tmpdir(), 'coldlab-browser-'));
    const { html } = await writeReport(result, dir);
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('request', (request) => requests.push(request.url()));
    page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    await page.goto(pathToFileURL(html).href, { waitUntil: 'load' });
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('shows the scenario name as text and the incomplete banner', async () => {
    await expect(page.locator('h1').textContent()).resolves.toBe('quickstart <b>not bold</b>');
    expect(await page.locator('.banner.incomplete').isVisible()).toBe(true);
  });

  it('shows one section per variant with its status', async () => {
    const sections = page.locator('section.variant');
    expect(await sections.count()).toBe(3);
    expect(await sections.nth(0).locator('.badge').first().textContent()).toBe('completed');
    expect(await sections.nth(1).locator('.badge').first().textContent()).toBe('invalid');
    expect(await sections.nth(2).locator('.badge').first().textContent()).toBe('failed');
    expect(await sections.nth(1).getByText('Limits not enforced').isVisible()).toBe(true);
    expect(await sections.nth(2).getByText('docker engine is not reachable').isVisible()).toBe(true);
  });

  it('the phase tables are visible and carry the recorded percentiles', async () => {
    const variant = result.variants[0];
    for (const p of variant?.phases ?? []) {
      for (const start of ['cold', 'warm'] as const) {
        const set = p.latency[start];
        if (!set) throw new Error(`sample lacks ${start} latency in ${p.name}`);
        const row = page.locator(`#variant-1 [data-phase="${p.name}"] tr.row-${start}`);
        expect(await row.isVisible()).toBe(true);
        const cells = await row.locator('td').allInnerTexts();
        expect(cells[1]).toBe(String(set.corrected.count));
        const corrected = await row.locator('td .c').allInnerTexts();
        const uncorrected = await row.locator('td .u').allInnerTexts();
        expect(corrected.slice(0, 4)).toEqual([set.corrected.p50Us, set.corrected.p90Us, set.corrected.p99Us, set.corrected.p999Us].map(formatUs));
        expect(uncorrected.slice(0, 4)).toEqual([set.uncorrected.p50Us, set.uncorrected.p90Us, set.uncorrected.p99Us, set.uncorrected.p999Us].map(formatUs));
      }
    }
  });

  it('draws the charts as visible inline SVG: the overview, and latency, load and percentiles for each variant with data', async () => {
    const overview = page.locator('section.overview figure.chart svg').first();
    expect(await page.locator('section.overview figure.chart svg').count()).toBe(2);
    expect(await overview.isVisible()).toBe(true);
    expect(await overview.locator('text', { hasText: 'Warm and cold latency by variant' }).count()).toBe(1);
    for (const id of ['#variant-1', '#variant-2']) {
      const charts = page.locator(`${id} .charts figure.chart svg`);
      expect(await charts.count()).toBe(3);
      for (const [i, title] of ['Latency over time', 'Load and instances', 'Latency by percentile'].entries()) {
        const svg = charts.nth(i);
        expect(await svg.isVisible()).toBe(true);
        const box = await svg.boundingBox();
        expect(box?.width).toBeGreaterThan(i === 2 ? 400 : 600);
        expect(box?.height).toBeGreaterThan(150);
        // Rendered as SVG text in the page (the HTML parser put it in the SVG namespace).
        expect(await svg.locator('text', { hasText: title }).count()).toBe(1);
        expect(await svg.evaluate((el) => el.namespaceURI)).toBe('http://www.w3.org/2000/svg');
      }
      // The charts come before the phase tables.
      const order = await page.locator(`${id} .charts, ${id} .phase`).evaluateAll((els) => els.map((el) => el.className));
      expect(order[0]).toBe('charts');
    }
    // A failed variant has no data to draw: a short note, no empty plot.
    const failed = page.locator('#variant-3 .charts');
    expect(await failed.locator('svg').count()).toBe(0);
    expect(await failed.getByText('No data over time').isVisible()).toBe(true);
  });

  it('logs no console error, CSP violation or failed load', () => {
    expect(problems).toEqual([]);
  });

  it('makes no network request: the only URL loaded is the file itself', () => {
    expect(requests.length).toBeGreaterThan(0);
    for (const url of requests) expect(url.startsWith('file:')).toBe(true);
  });

  it('saves a screenshot for a human to look at', async () => {
    const out = resolve('reports', 'screenshot-test.png');
    await mkdir(resolve('reports'), { recursive: true });
    await page.screenshot({ path: out, fullPage: true });
    expect(existsSync(out)).toBe(true);
  });
});
