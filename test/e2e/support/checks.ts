// What every page must pass: axe-core without serious or critical violations, and no horizontal
// scrolling of the page body at a phone width and a desktop width.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);
// Evaluated through the DevTools protocol rather than added as a <script> tag: the app's CSP
// (script-src 'self') rightly refuses an inline script, and bypassCSP would also hide the
// console errors a CSP violation of the app itself must cause.
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const WIDTHS = [375, 1280] as const;
const HEIGHT = 900;

interface AxeFinding {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** axe-core's serious and critical violations on the page as it is now. */
export async function axeViolations(page: Page): Promise<AxeFinding[]> {
  if (!(await page.evaluate(`typeof window.axe === 'object'`))) await page.evaluate(AXE_SOURCE);
  const findings = (await page.evaluate(`
    axe.run(document, { resultTypes: ['violations'] }).then((r) =>
      r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.slice(0, 4).map((n) => n.target.join(' ') + ' ' + (n.failureSummary || '').replace(/\\s+/g, ' ').slice(0, 160)),
      })))
  `)) as AxeFinding[];
  return findings.filter((f) => f.impact === 'serious' || f.impact === 'critical');
}

/** Elements sticking out of the viewport when the page body scrolls sideways, else []. */
export async function horizontalOverflow(page: Page): Promise<string[]> {
  return (await page.evaluate(`(() => {
    const root = document.documentElement;
    if (root.scrollWidth <= root.clientWidth) return [];
    const limit = root.clientWidth;
    const scrollsInside = (el) => {
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        const o = getComputedStyle(p).overflowX;
        if (o === 'auto' || o === 'scroll' || o === 'hidden') return true;
      }
      return false;
    };
    const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
      (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\\s+/).slice(0, 3).join('.') : '');
    const culprits = [];
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width && r.right > limit + 1 && !scrollsInside(el)) culprits.push(name(el) + ' (right edge ' + Math.round(r.right) + ' px)');
      if (culprits.length >= 4) break;
    }
    return ['page is ' + root.scrollWidth + ' px wide in a ' + limit + ' px viewport', ...culprits];
  })()`)) as string[];
}

/** Widths at which axe runs too (E2E_AXE_WIDTHS=375,1280 for both; the default saves minutes). */
const AXE_WIDTHS = (process.env.E2E_AXE_WIDTHS ?? '1280').split(',').map(Number);

/**
 * Runs the page checks on the page as loaded: no sideways scrolling at every width in WIDTHS,
 * axe at AXE_WIDTHS (1280 px: the content is the same at 375 px, only the layout differs);
 * leaves the viewport at 1280 px. Throws one error listing everything found.
 */
export async function checkPage(page: Page, label = page.url()): Promise<void> {
  const problems: string[] = [];
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: HEIGHT });
    await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
    const overflow = await horizontalOverflow(page);
    if (overflow.length) problems.push(`${width}px horizontal scroll: ${overflow.join('; ')}`);
    if (!AXE_WIDTHS.includes(width)) continue;
    for (const v of await axeViolations(page)) {
      problems.push(`${width}px axe ${v.impact} ${v.id}: ${v.help}\n      ${v.nodes.join('\n      ')}`);
    }
  }
  if (page.viewportSize()?.width !== 1280) await page.setViewportSize({ width: 1280, height: HEIGHT });
  if (problems.length) {
    throw new Error(`${label} (${await page.getAttribute('html', 'lang')}):\n    ${problems.join('\n    ')}`);
  }
}

/** Whether the focused element shows a focus indicator (an outline or a box shadow ring). */
export async function focusIsVisible(page: Page): Promise<boolean> {
  return (await page.evaluate(`(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return false;
    const s = getComputedStyle(el);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
    const ring = s.boxShadow && s.boxShadow !== 'none';
    return Boolean(outline || ring);
  })()`)) as boolean;
}

/** A short description of the focused element, for messages. */
export async function focusedElement(page: Page): Promise<string> {
  return (await page.evaluate(`(() => {
    const el = document.activeElement;
    if (!el) return 'nothing';
    return el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.getAttribute('name') ? '[name=' + el.getAttribute('name') + ']' : '') + ' ' + (el.textContent || '').trim().slice(0, 40);
  })()`)) as string;
}
