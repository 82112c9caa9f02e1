#!/usr/bin/env node
// Check local HTML files in headless Chromium: axe-core (WCAG 2.1 A/AA and best
// practices), horizontal overflow and table cells spilling into their neighbours at
// phone and desktop widths, and every request that is not the file itself.
// Prints one JSON report on stdout.
//
//   node check.mjs [--screenshots DIR] [--full-page] [--chromium PATH] FILE...
//
// Exit status: 0 every file clean, 1 findings, 2 usage or browser error.

import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
// Experimental in axe, so off by default, yet they are the WCAG 1.3.1 checks for
// what the documents promise: data tables with header cells and a real <caption>.
const AXE_EXTRA_RULES = { 'td-has-header': { enabled: true }, 'table-fake-caption': { enabled: true } };

// The phone profile emulates a real phone, so a page without a responsive
// <meta name="viewport"> is laid out at 980 px and shrunk, as it would be in a hand.
const VIEWPORTS = [
  { name: 'phone', width: 375, height: 812, isMobile: true, hasTouch: true },
  { name: 'desktop', width: 1280, height: 900, isMobile: false, hasTouch: false },
];

// Closed network, running as root: no sandbox, no background traffic, and a
// resolver that fails every host name in case a request slips past the router.
// playwright's launch() already gives each run a fresh temporary --user-data-dir.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--host-resolver-rules=MAP * ~NOTFOUND',
];

const LOCAL_SCHEMES = ['file:', 'data:', 'about:', 'blob:'];

function usage(message) {
  process.stderr.write(`${message}\nusage: node check.mjs [--screenshots DIR] [--full-page] FILE...\n`);
  process.exit(2);
}

function parseCommandLine() {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        screenshots: { type: 'string' },
        'full-page': { type: 'boolean', default: false },
        chromium: { type: 'string', default: process.env.CHROMIUM || '/usr/bin/chromium' },
      },
    });
  } catch (error) {
    usage(error.message);
  }
  if (parsed.positionals.length === 0) usage('no HTML file given');
  const missing = parsed.positionals.filter((file) => !existsSync(file));
  if (missing.length) usage(`no such file: ${missing.join(', ')}`);
  return { files: parsed.positionals.map((file) => resolve(file)), ...parsed.values };
}

// Runs inside the page: measure overflow and name the elements that cause it.
function measureOverflow() {
  const limit = document.documentElement.clientWidth;
  const scrolls = (el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  const insideScroller = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (scrolls(a)) return true;
    }
    return false;
  };
  const visible = (el) => {
    const style = getComputedStyle(el);
    return style.display !== 'none' && style.visibility !== 'hidden';
  };
  const sticksOut = (box) => box.right > limit + 0.5;
  const selector = (el) => {
    const parts = [];
    for (let e = el; e && e.nodeType === 1 && e !== document.documentElement; e = e.parentElement) {
      if (e.id) {
        parts.unshift(`#${CSS.escape(e.id)}`);
        break;
      }
      let part = e.localName;
      const same = e.parentElement ? [...e.parentElement.children].filter((c) => c.localName === e.localName) : [];
      if (same.length > 1) part += `:nth-of-type(${same.indexOf(e) + 1})`;
      parts.unshift(part);
    }
    return parts.join(' > ');
  };
  // An element overflows when its box does, or when its own text runs past the edge
  // (a long URL in a fixed-width block leaves the box inside but the text outside).
  const culprits = new Set(
    [...document.body.querySelectorAll('*')].filter((el) => sticksOut(el.getBoundingClientRect())),
  );
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.data.trim() || !node.parentElement) continue;
    range.selectNodeContents(node);
    if (sticksOut(range.getBoundingClientRect())) culprits.add(node.parentElement);
  }
  // Report where each overflow starts: the outermost culprit of its branch.
  const outermost = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) if (culprits.has(a)) return false;
    return true;
  };
  const offenders = [...culprits]
    .filter((el) => el !== document.body && visible(el) && !insideScroller(el) && outermost(el))
    .slice(0, 20)
    .map((el) => {
      const box = el.getBoundingClientRect();
      return { selector: selector(el), right: Math.round(box.right), width: Math.round(box.width) };
    });
  // Allowed, but worth knowing: a table that scrolls sideways even on a desktop hides columns.
  const scrollers = [...document.body.querySelectorAll('*')]
    .filter((el) => scrolls(el) && el.scrollWidth > el.clientWidth + 1)
    .map((el) => ({ selector: selector(el), clientWidth: el.clientWidth, scrollWidth: el.scrollWidth }));
  // A cell whose content is wider than the cell spills over its neighbours: overlapping text.
  const spillingCells = [...document.body.querySelectorAll('td, th')]
    .filter((el) => visible(el) && el.scrollWidth > el.clientWidth + 1)
    .sort((a, b) => b.scrollWidth - b.clientWidth - (a.scrollWidth - a.clientWidth))
    .slice(0, 100)
    .map((el) => ({
      selector: selector(el),
      clientWidth: el.clientWidth,
      scrollWidth: el.scrollWidth,
      text: el.textContent.trim().replace(/\s+/g, ' ').slice(0, 60),
    }));
  const root = document.scrollingElement || document.documentElement;
  return {
    spillingCells,
    scrollers,
    innerWidth: window.innerWidth,
    clientWidth: limit,
    scrollWidth: root.scrollWidth,
    overflows: root.scrollWidth > limit || offenders.length > 0,
    offenders,
  };
}

// Runs inside the page: URLs that loading attributes or stylesheets point outside the file.
function remoteReferences(localSchemes) {
  const remote = (url) => url && !localSchemes.some((scheme) => url.startsWith(scheme));
  const found = [];
  const attributes = ['src', 'srcset', 'poster', 'data', 'href', 'xlink:href'];
  const loaders = 'img, script, iframe, frame, video, audio, source, track, embed, object, input, image, use, feImage, link:not([rel~="alternate"]):not([rel~="author"]):not([rel~="help"]):not([rel~="license"]):not([rel~="next"]):not([rel~="prev"]):not([rel~="search"]):not([rel~="canonical"])';
  for (const el of document.querySelectorAll(loaders)) {
    for (const name of attributes) {
      const raw = el.getAttribute(name);
      if (!raw || raw.startsWith('#')) continue;
      for (const candidate of name === 'srcset' ? raw.split(',').map((s) => s.trim().split(/\s+/)[0]) : [raw]) {
        const url = new URL(candidate, document.baseURI).href;
        if (remote(url)) found.push({ element: el.localName, attribute: name, url });
      }
    }
  }
  for (const sheet of document.styleSheets) {
    let text = '';
    try {
      text = [...sheet.cssRules].map((rule) => rule.cssText).join('\n');
    } catch {
      continue;
    }
    for (const match of text.matchAll(/url\(\s*["']?([^"')]+)["']?\s*\)/g)) {
      const url = new URL(match[1], sheet.href || document.baseURI).href;
      if (remote(url) && !match[1].startsWith('#')) found.push({ element: 'style', attribute: 'url()', url });
    }
  }
  return found;
}

// preload: false, or axe fetches the page's stylesheets itself and its own
// requests would be counted as the document's.
async function runAxe(page) {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(
    ([tags, rules]) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, rules, resultTypes: ['violations'], preload: false }),
    [AXE_TAGS, AXE_EXTRA_RULES],
  );
}

async function openPage(context, url, log) {
  const page = await context.newPage();
  page.on('console', (message) => message.type() === 'error' && log.consoleErrors.push(message.text()));
  page.on('pageerror', (error) => log.pageErrors.push(String(error)));
  page.on('websocket', (socket) => log.requests.push({ url: socket.url(), type: 'websocket' }));
  await page.goto(url, { waitUntil: 'load' });
  // Lazy images would otherwise never ask for their (possibly remote) source.
  await page.evaluate(async () => {
    document.querySelectorAll('[loading="lazy"]').forEach((el) => el.setAttribute('loading', 'eager'));
    const pending = [...document.images].filter((img) => !img.complete);
    const settled = (img) =>
      new Promise((done) => {
        img.addEventListener('load', done);
        img.addEventListener('error', done);
      });
    const timeout = new Promise((done) => setTimeout(done, 2000));
    await Promise.race([Promise.all(pending.map(settled)), timeout]);
  });
  return page;
}

async function checkAtViewport(browser, viewport, files, options, results) {
  const { name, ...device } = viewport;
  const context = await browser.newContext({
    viewport: { width: device.width, height: device.height },
    isMobile: device.isMobile,
    hasTouch: device.hasTouch,
    deviceScaleFactor: 1,
    bypassCSP: true,
    serviceWorkers: 'block',
    reducedMotion: 'reduce',
  });
  let current = null;
  const record = (request) => {
    const url = request.url();
    if (!current || url.startsWith('data:')) return;
    if (!url.startsWith('file:')) current.requests.push({ url, type: request.resourceType() });
    else if (url !== current.url) current.localRequests.push({ url, type: request.resourceType() });
  };
  context.on('request', record);
  await context.route('**/*', (route) =>
    LOCAL_SCHEMES.some((scheme) => route.request().url().startsWith(scheme)) ? route.continue() : route.abort('blockedbyclient'),
  );
  for (const file of files) {
    current = results.get(file);
    const page = await openPage(context, current.url, current);
    current.title = await page.title();
    current.lang = await page.evaluate(() => document.documentElement.lang);
    current.viewportMeta = await page.evaluate(() => document.querySelector('meta[name="viewport"]')?.content ?? null);
    current.overflow.push({ viewport: name, width: device.width, ...(await page.evaluate(measureOverflow)) });
    if (name === 'desktop') current.remoteReferences = await page.evaluate(remoteReferences, LOCAL_SCHEMES);
    mergeViolations(current.axe, await runAxe(page), name);
    if (options.screenshots) {
      const shot = join(options.screenshots, `${basename(file, extname(file))}-${name}.png`);
      await page.screenshot({ path: shot, fullPage: options['full-page'] });
      current.screenshots.push(shot);
    }
    await page.close();
  }
  await context.close();
}

function mergeViolations(axe, run, viewportName) {
  axe.version = run.testEngine.version;
  for (const violation of run.violations) {
    let entry = axe.violations.find((v) => v.id === violation.id);
    if (!entry) {
      entry = { id: violation.id, impact: violation.impact, help: violation.help, helpUrl: violation.helpUrl, tags: violation.tags, viewports: [], nodes: [] };
      axe.violations.push(entry);
    }
    entry.viewports.push(viewportName);
    for (const node of violation.nodes) {
      const target = node.target.join(' ');
      const known = entry.nodes.find((n) => n.target === target);
      if (known) known.viewports.push(viewportName);
      else entry.nodes.push({ target, html: node.html.slice(0, 300), failureSummary: node.failureSummary, viewports: [viewportName] });
    }
  }
}

function emptyResult(file) {
  return {
    file,
    url: pathToFileURL(file).href,
    title: null,
    lang: null,
    viewportMeta: null,
    axe: { version: null, tags: AXE_TAGS, extraRules: Object.keys(AXE_EXTRA_RULES), violations: [] },
    overflow: [],
    requests: [],
    localRequests: [],
    remoteReferences: [],
    consoleErrors: [],
    pageErrors: [],
    screenshots: [],
  };
}

function summarise(result) {
  for (const key of ['requests', 'localRequests', 'consoleErrors', 'pageErrors']) {
    result[key] = [...new Map(result[key].map((item) => [JSON.stringify(item), item])).values()];
  }
  result.problems = {
    axeViolations: result.axe.violations.length,
    overflowingViewports: result.overflow.filter((o) => o.overflows).map((o) => o.viewport),
    spillingCellViewports: result.overflow.filter((o) => o.spillingCells.length).map((o) => o.viewport),
    // Without width=device-width a phone lays the page out at 980 px and shrinks it.
    notResponsive: !/width\s*=\s*device-width/.test(result.viewportMeta ?? ''),
    outsideRequests: result.requests.length + result.remoteReferences.length,
    localRequests: result.localRequests.length,
    scriptErrors: result.pageErrors.length,
  };
  const p = result.problems;
  result.ok = !p.axeViolations && !p.overflowingViewports.length && !p.spillingCellViewports.length && !p.notResponsive && !p.outsideRequests && !p.localRequests && !p.scriptErrors;
  return result;
}

async function main() {
  const options = parseCommandLine();
  if (options.screenshots) mkdirSync(options.screenshots, { recursive: true });
  const results = new Map(options.files.map((file) => [file, emptyResult(file)]));
  const browser = await chromium.launch({ executablePath: options.chromium, headless: true, args: CHROMIUM_ARGS });
  const version = browser.version();
  try {
    for (const viewport of VIEWPORTS) await checkAtViewport(browser, viewport, options.files, options, results);
  } finally {
    await browser.close();
  }
  const files = [...results.values()].map(summarise);
  const report = { chromium: version, axe: files[0].axe.version, ok: files.every((f) => f.ok), files };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  process.exitCode = report.ok ? 0 : 1;
}

main().catch((error) => {
  process.stderr.write(`check.mjs: ${error.stack || error}\n`);
  process.exit(2);
});
