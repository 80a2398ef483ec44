// What a person does over and over: set up, sign in and out, switch language. Each helper uses
// only what is visible on the page (labels, link and button names), in English.
import { expect } from 'chai';
import type { Locator, Page } from 'playwright-core';
import type { Journey } from './journey.js';

export const PASSWORD = 'correct horse battery staple';
/** The password `npm run seed` gives the demo users. */
export const DEMO_PASSWORD = 'Chongqing-SEA-2025';

/** The demo logins of `npm run seed`. */
export const DEMO_USERS = {
  admin: 'admin@alliance.example',
  manager: 'manager@alliance.example',
  coordinator: 'coordinator@alliance.example',
  officer: 'officer@alliance.example',
  staff: 'staff@alliance.example',
} as const;
export type DemoRole = keyof typeof DEMO_USERS;

/** A form field by its visible label (required fields show "Label *"). */
export function field(scope: Page | Locator, label: string): Locator {
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return scope.getByLabel(new RegExp(`^\\s*${escaped}( \\*)?\\s*$`));
}

/** The text of the page's first heading. */
export async function heading(page: Page): Promise<string> {
  return (await page.locator('main h1').first().innerText()).trim();
}

/** The text of the flash / alert messages shown at the top of main. */
export async function alerts(page: Page): Promise<string> {
  return (await page.locator('main [role="alert"], main .alert').allInnerTexts()).join(' | ');
}

/** First run: the visitor is sent to /setup, creates the administrator and signs in. */
export async function setUpFirstAdmin(
  j: Journey,
  admin = { name: 'Ada Admin', email: 'ada@alliance.example' },
) {
  await j.page.goto(j.at('/login'));
  expect(new URL(j.page.url()).pathname).to.equal('/setup');
  await field(j.page, 'Name').fill(admin.name);
  await field(j.page, 'E-mail').fill(admin.email);
  await field(j.page, 'Password').fill(PASSWORD);
  await Promise.all([
    j.page.waitForURL(/\/login/),
    j.page.getByRole('button', { name: 'Create administrator' }).click(),
  ]);
  expect(await alerts(j.page)).to.contain('Administrator created');
  await signIn(j, admin.email);
  return admin;
}

/** Signs in from the sign-in page and waits for the page after it. */
export async function signIn(j: Journey, email: string, password = PASSWORD): Promise<void> {
  if (!new URL(j.page.url()).pathname.startsWith('/login')) await j.page.goto(j.at('/login'));
  await field(j.page, 'E-mail').fill(email);
  await field(j.page, 'Password').fill(password);
  await Promise.all([
    j.page.waitForURL((u) => !u.pathname.startsWith('/login')),
    j.page.getByRole('button', { name: 'Sign in' }).click(),
  ]);
}

/** Signs out through the user menu in the header. */
export async function signOut(j: Journey): Promise<void> {
  await j.page.locator('header .user-menu').click();
  await Promise.all([
    j.page.waitForURL(/\/login/),
    j.page.getByRole('button', { name: /Sign out|退出/ }).click(),
  ]);
}

/** Opens a page from the main navigation (a top-level link, or an item in a dropdown group). */
export async function navigate(page: Page, name: string, group?: string): Promise<void> {
  const nav = page.getByRole('navigation', { name: /Main navigation|主导航/ });
  if (group)
    await nav
      .getByRole('button', { name: group })
      .or(nav.getByRole('link', { name: group }))
      .first()
      .click();
  await Promise.all([
    page.waitForLoadState('load'),
    nav.getByRole('link', { name, exact: true }).first().click(),
  ]);
  await page.waitForLoadState('load');
}

/** Polls `check` until it returns true (the page's CSP forbids waitForFunction's eval). */
export async function until(check: () => Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Switches the interface language with the header button (the page reloads in it). */
export async function switchLanguage(page: Page, to: 'en' | 'zh-CN'): Promise<void> {
  if ((await page.getAttribute('html', 'lang')) === to) return;
  const label = to === 'en' ? 'English' : '中文';
  await page.locator('header form.locale-switch').getByRole('button', { name: label }).click();
  await until(async () => (await page.getAttribute('html', 'lang')) === to, `the page in ${to}`);
  await page.waitForLoadState('load');
}

/** An administrator invites a user from Administration → Users → New user. */
export async function inviteUser(
  j: Journey,
  user: { name: string; email: string; role: string; password?: string; timeZone?: string },
): Promise<void> {
  await j.page.goto(j.at('/admin/users'));
  await j.page.getByRole('link', { name: 'New user' }).click();
  await field(j.page, 'Name').fill(user.name);
  await field(j.page, 'E-mail').fill(user.email);
  await field(j.page, 'Role').selectOption({ label: user.role });
  if (user.timeZone) await field(j.page, 'Time zone').selectOption(user.timeZone);
  await field(j.page, 'Initial password').fill(user.password ?? PASSWORD);
  await Promise.all([
    j.page.waitForURL(/\/admin\/users\/[0-9a-f]{24}|\/admin\/users$/),
    j.page.getByRole('button', { name: 'Create' }).click(),
  ]);
  expect(await alerts(j.page)).to.contain(`User ${user.email} created`);
}

/**
 * A time zone where it is now between 10:00 and 20:00, so that "today" is well inside one day
 * and a follow-up due today is already past its 09:00 reminder time.
 */
export function daytimeZone(now = new Date()): string {
  const zones = ['Asia/Shanghai', 'Asia/Bangkok', 'Europe/Berlin', 'Europe/London', 'America/Sao_Paulo'];
  zones.push('America/New_York', 'America/Denver', 'America/Los_Angeles', 'Pacific/Honolulu');
  zones.push('Pacific/Kiritimati', 'Pacific/Auckland', 'Australia/Sydney', 'Asia/Tokyo');
  const hour = (zone: string) =>
    Number(
      new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', hourCycle: 'h23' }).format(now),
    );
  return zones.find((z) => hour(z) >= 10 && hour(z) < 20) ?? 'Asia/Shanghai';
}

/** A fresh database with an administrator and a coordinator, signed in as the coordinator. */
export async function adminAndCoordinator(
  j: Journey,
  timeZone = 'Asia/Shanghai',
): Promise<{ coordinator: { name: string; email: string } }> {
  await setUpFirstAdmin(j);
  const coordinator = { name: 'Chen Coordinator', email: 'chen@alliance.example' };
  await inviteUser(j, { ...coordinator, role: 'Coordinator', timeZone });
  await signOut(j);
  await signIn(j, coordinator.email);
  return { coordinator };
}
