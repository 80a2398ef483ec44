// Keyboard only: every stop of the Tab key shows where focus is; sign-in and partner creation
// work without a mouse.
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { focusedElement, focusIsVisible } from '../support/checks.js';
import { heading, PASSWORD, setUpFirstAdmin, signOut } from '../support/flows.js';
import { journey, step } from '../support/journey.js';

/** Presses Tab until `selector` has focus, checking every stop on the way shows its focus. */
async function tabTo(page: Page, selector: string, maxStops = 25): Promise<void> {
  for (let i = 0; i < maxStops; i += 1) {
    await page.keyboard.press('Tab');
    const where = await focusedElement(page);
    expect(await focusIsVisible(page), `no visible focus on ${where}`).to.equal(true);
    if (await page.locator(selector).evaluate((el) => el === el.ownerDocument.activeElement)) return;
  }
  throw new Error(`${selector} not reached with ${maxStops} presses of Tab`);
}

async function isFocused(page: Page, selector: string): Promise<boolean> {
  return page.locator(selector).evaluate((el) => el === el.ownerDocument.activeElement);
}

journey('Keyboard only: skip link, sign-in with visible focus, create a partner', {}, (j) => {
  const email = 'ada@alliance.example';

  step('an administrator exists; the sign-in page is open', async () => {
    await setUpFirstAdmin(j, { name: 'Ada Admin', email });
    await signOut(j);
  });

  step('the first Tab shows the skip link, which moves focus to the main content', async () => {
    await j.page.goto(j.at('/login'));
    await j.page.keyboard.press('Tab');
    const skip = j.page.getByRole('link', { name: 'Skip to main content' });
    expect(await skip.isVisible()).to.equal(true);
    expect(await focusIsVisible(j.page)).to.equal(true);
    await j.page.keyboard.press('Enter');
    expect(await isFocused(j.page, '#main')).to.equal(true);
  });

  step('a wrong password: the error is announced (focus moves to it)', async () => {
    await j.page.goto(j.at('/login'));
    await tabTo(j.page, '#f-email');
    await j.page.keyboard.type(email);
    await j.page.keyboard.press('Tab');
    expect(await isFocused(j.page, '#f-password')).to.equal(true);
    await j.page.keyboard.type('not the password');
    await Promise.all([
      j.page.waitForResponse((r) => r.url().endsWith('/login')),
      j.page.keyboard.press('Enter'),
    ]);
    await j.page.waitForLoadState('load');
    expect(await isFocused(j.page, '#form-error')).to.equal(true);
    expect(await j.page.locator('#form-error').innerText()).to.contain('not correct');
  });

  step('signs in with Tab, typing and Enter', async () => {
    await tabTo(j.page, '#f-email');
    await j.page.keyboard.press('Control+A');
    await j.page.keyboard.type(email);
    await tabTo(j.page, '#f-password');
    await j.page.keyboard.type(PASSWORD);
    await Promise.all([j.page.waitForURL((u) => u.pathname === '/'), j.page.keyboard.press('Enter')]);
    expect(await heading(j.page)).to.equal('Hello, Ada Admin');
  });

  step('creates a partner with the keyboard (type-ahead in the selects, Enter submits)', async () => {
    await j.page.goto(j.at('/partners/new'));
    await tabTo(j.page, '#f-name', 40);
    await j.page.keyboard.type('Siam Heritage Tours');
    await tabTo(j.page, '#f-type');
    await j.page.keyboard.type('International');
    await tabTo(j.page, '#f-country');
    await j.page.keyboard.type('Thailand');
    await tabTo(j.page, '#f-city');
    await j.page.keyboard.type('Chiang Mai');
    await Promise.all([j.page.waitForURL(/\/partners\/[0-9a-f]{24}$/), j.page.keyboard.press('Enter')]);
    expect(await heading(j.page)).to.equal('Siam Heritage Tours');
    const facts = await j.page.locator('main').innerText();
    expect(facts)
      .to.contain('International distributor')
      .and.to.contain('Thailand')
      .and.to.contain('Chiang Mai');
  });
});
