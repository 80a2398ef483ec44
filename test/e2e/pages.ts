// The pages every run checks (axe, 375 px and 1280 px, English and 中文) on the demo data set.
// A new page is one line here: a name, the demo user who looks at it, and how to get there —
// a path, or the steps a person takes (e.g. the first partner in the list).
import type { Page } from 'playwright-core';
import type { DemoRole } from './support/flows.js';

export interface PageToCheck {
  name: string;
  /** The demo user (npm run seed) who opens the page; `null` for a visitor who is signed out. */
  as: DemoRole | null;
  /** An app path, or how a person gets there from the page they are on. */
  open: string | ((page: Page, at: (path: string) => string) => Promise<void>);
}

/** Opens `listPath` and follows the first link in the main content whose href matches `href`. */
export function firstLink(listPath: string, href: RegExp, then?: (page: Page) => Promise<void>) {
  return async (page: Page, at: (path: string) => string): Promise<void> => {
    await page.goto(at(listPath));
    const links = page.locator('main a[href]');
    const hrefs = await links.evaluateAll((els) => els.map((e) => e.getAttribute('href') ?? ''));
    const index = hrefs.findIndex((h) => href.test(h));
    if (index < 0) throw new Error(`no link matching ${href} on ${listPath}`);
    await Promise.all([page.waitForURL((u) => href.test(u.pathname + u.search)), links.nth(index).click()]);
    if (then) await then(page);
  };
}

/** Follows the link or button-link with this visible name inside main. */
export function clickLink(name: string | RegExp) {
  return async (page: Page): Promise<void> => {
    await Promise.all([
      page.waitForLoadState('load'),
      page.locator('main').getByRole('link', { name }).first().click(),
    ]);
    await page.waitForLoadState('load');
  };
}

/** Opens the first link in main whose href matches (by its address: the name differs per language). */
function followHref(href: RegExp) {
  return async (page: Page): Promise<void> => {
    const links = page.locator('main a[href]');
    const hrefs = await links.evaluateAll((els) => els.map((e) => e.getAttribute('href') ?? ''));
    const found = hrefs.find((h) => href.test(h));
    if (!found) throw new Error(`no link matching ${href} on ${page.url()}`);
    await page.goto(new URL(found, page.url()).toString());
  };
}

const ID = '[0-9a-f]{24}';
const partnerPage = new RegExp(`^/partners/${ID}$`);
const agreementPage = new RegExp(`^/agreements/${ID}$`);
const plaquePage = new RegExp(`^/plaques/${ID}$`);
const marketPage = new RegExp(`^/targets/${ID}$`);

export const PAGES: PageToCheck[] = [
  { name: 'sign-in', as: null, open: '/login' },

  { name: 'dashboard (coordinator)', as: 'coordinator', open: '/' },
  { name: 'follow-ups (coordinator)', as: 'coordinator', open: '/follow-ups' },

  { name: 'dashboard (manager)', as: 'manager', open: '/' },
  { name: 'partner list', as: 'manager', open: '/partners' },
  { name: 'partner list, filtered', as: 'manager', open: '/partners?country=TH&sort=lastInteraction' },
  { name: 'partner page', as: 'manager', open: firstLink('/partners?sort=lastInteraction', partnerPage) },
  { name: 'new partner', as: 'manager', open: '/partners/new' },
  {
    name: 'edit partner',
    as: 'manager',
    open: firstLink('/partners', partnerPage, clickLink(/^(Edit|编辑)$/)),
  },
  {
    name: 'merge partners',
    as: 'manager',
    open: firstLink('/partners', partnerPage, clickLink(/^(Merge|合并)$/)),
  },
  { name: 'contact list', as: 'manager', open: '/contacts' },
  { name: 'contact page', as: 'manager', open: firstLink('/contacts', new RegExp(`^/contacts/${ID}$`)) },
  {
    name: 'new contact',
    as: 'manager',
    open: firstLink('/partners', partnerPage, async (page) => {
      const href = await page.locator(`main a[href$="/contacts/new"]`).first().getAttribute('href');
      await page.goto(new URL(href!, page.url()).toString());
    }),
  },
  { name: 'interaction list', as: 'manager', open: '/interactions' },
  {
    name: 'interaction page',
    as: 'manager',
    open: firstLink('/interactions', new RegExp(`^/interactions/${ID}$`)),
  },
  { name: 'event list', as: 'manager', open: '/events' },
  { name: 'event page', as: 'manager', open: firstLink('/events', new RegExp(`^/events/${ID}$`)) },
  { name: 'new event', as: 'manager', open: '/events/new' },
  { name: 'follow-ups (manager, everyone)', as: 'manager', open: '/follow-ups?state=open&assignee=all' },
  { name: 'notifications', as: 'manager', open: '/notifications' },
  { name: 'profile', as: 'manager', open: '/profile' },
  { name: 'partner import', as: 'manager', open: '/partners/import' },
  { name: 'partner export', as: 'manager', open: '/partners/export?country=TH' },
  { name: 'agreements', as: 'manager', open: '/agreements' },
  { name: 'agreement board', as: 'manager', open: '/agreements/board' },
  { name: 'agreement page', as: 'manager', open: firstLink('/agreements', agreementPage) },
  { name: 'new agreement', as: 'manager', open: '/agreements/new' },
  { name: 'agreement metrics', as: 'manager', open: '/agreements/metrics' },
  { name: 'plaques', as: 'manager', open: '/plaques' },
  { name: 'plaque page', as: 'manager', open: firstLink('/plaques', plaquePage) },
  { name: 'award a plaque', as: 'manager', open: '/plaques/new?kind=image_sales_point' },
  {
    name: 'plaque certificate',
    as: 'manager',
    open: firstLink('/plaques', plaquePage, followHref(/\/certificate$/)),
  },
  {
    name: 'plaque verification',
    as: 'manager',
    open: firstLink('/plaques', plaquePage, followHref(/^\/verify\//)),
  },
  { name: 'complaint cases', as: 'manager', open: '/cases' },
  { name: 'case page', as: 'manager', open: firstLink('/cases', new RegExp(`^/cases/${ID}$`)) },
  { name: 'log a complaint', as: 'manager', open: '/cases/new' },
  { name: 'case reports', as: 'manager', open: '/cases/reports' },
  { name: 'doubling plan', as: 'manager', open: '/targets' },
  { name: 'market page', as: 'manager', open: firstLink('/targets', marketPage) },
  {
    name: 'monthly figures',
    as: 'manager',
    open: firstLink('/targets', marketPage, followHref(/\/actuals$/)),
  },
  { name: 'new market', as: 'manager', open: '/targets/new' },
  { name: 'page not found', as: 'manager', open: '/no-such-page' },

  { name: 'users', as: 'admin', open: '/admin/users' },
  { name: 'user page', as: 'admin', open: firstLink('/admin/users', new RegExp(`^/admin/users/${ID}$`)) },
  { name: 'invite user', as: 'admin', open: '/admin/users/new' },
  { name: 'audit log', as: 'admin', open: '/admin/audit' },
  { name: 'desks', as: 'admin', open: '/admin/desks' },
  { name: 'routing rules', as: 'admin', open: '/admin/routing' },
  { name: 'new desk', as: 'admin', open: '/admin/desks/new' },
  { name: 'new routing rule', as: 'admin', open: '/admin/routing/new' },
];
