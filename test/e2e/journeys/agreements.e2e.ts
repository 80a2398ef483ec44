import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { checkPage } from '../support/checks.js';
import {
  alerts,
  field,
  heading,
  inviteUser,
  navigate,
  setUpFirstAdmin,
  signIn,
  signOut,
} from '../support/flows.js';
import { journey, step } from '../support/journey.js';

/** A calendar day `days` before today, as the date inputs take it (YYYY-MM-DD, Shanghai). */
function daysAgo(days: number): string {
  const at = new Date(Date.now() - days * 86_400_000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(at);
}

/** The board column of a stage (a section labelled by the stage's heading). */
function column(page: Page, stage: string) {
  return page.locator('section.board-column', {
    has: page.getByRole('heading', { name: new RegExp(`^\\s*${stage}\\b`) }),
  });
}

/** Moves the agreement on its page with the stage card's form. */
async function moveOnPage(page: Page, to: string, dates: Record<string, string> = {}): Promise<void> {
  const form = page.locator('form.stage-full-form');
  await field(form, 'Move to').selectOption({ label: to });
  for (const [label, value] of Object.entries(dates)) await field(form, label).fill(value);
  await form.getByRole('button', { name: 'Move', exact: true }).click();
  await page.waitForLoadState('load');
}

journey('Manager: an agreement found through the partner search, moved to signed, on the board', {}, (j) => {
  const partner = 'Siam Heritage Tours Co., Ltd.';
  const cruise = 'Mekong Pearl Cruises';
  const title = '2026 Bangkok scenic-area channel';
  const second = 'Mekong cruise winter series';
  const signedOn = daysAgo(2);

  step('an administrator invites a manager, who signs in and creates two partners', async () => {
    await setUpFirstAdmin(j);
    await inviteUser(j, { name: 'Zhang Min', email: 'zhang.min@alliance.example', role: 'Manager' });
    await signOut(j);
    await signIn(j, 'zhang.min@alliance.example');
    for (const [name, type, country] of [
      [partner, 'International distributor', 'Thailand'],
      [cruise, 'Cruise line', 'Vietnam'],
    ] as const) {
      await j.page.goto(j.at('/partners/new'));
      await field(j.page, 'Name').fill(name);
      await field(j.page, 'Type').selectOption({ label: type });
      await field(j.page, 'Country').selectOption({ label: country });
      await Promise.all([
        j.page.waitForURL(/\/partners\/[0-9a-f]{24}$/),
        j.page.getByRole('button', { name: 'Create' }).click(),
      ]);
      expect(await heading(j.page)).to.equal(name);
    }
  });

  step('opens Agreements → Board → New agreement; saving without a partner is refused', async () => {
    await navigate(j.page, 'Agreements', 'Agreements');
    await j.page.getByRole('link', { name: 'Board', exact: true }).click();
    await j.page.waitForURL(/\/agreements\/board/);
    expect(await heading(j.page)).to.equal('Pipeline board');
    await checkPage(j.page, 'empty agreement board');
    await j.page.getByRole('link', { name: 'New agreement' }).click();
    await j.page.waitForURL(/\/agreements\/new/);
    await field(j.page, 'Title').fill(title);
    await field(j.page, 'Category').selectOption({ label: '2026 scenic-area channel' });
    await field(j.page, 'Amount').fill('1200000');
    await field(j.page, 'Currency').selectOption('CNY');
    await checkPage(j.page, 'new agreement form');
    await j.page.getByRole('button', { name: 'Create' }).click();
    await j.page.waitForLoadState('load');
    expect(new URL(j.page.url()).pathname).to.equal('/agreements');
    expect(await j.page.locator('#f-partners-error').innerText()).to.contain('Choose at least one partner');
    // What was typed is kept.
    expect(await field(j.page, 'Title').inputValue()).to.equal(title);
    await checkPage(j.page, 'agreement form with an error');
  });

  step('finds the partner with the form’s partner search, ticks it and creates the agreement', async () => {
    await field(j.page, 'Partner name').fill('siam');
    await j.page.getByRole('button', { name: 'Find partners' }).click();
    await j.page.waitForLoadState('load');
    const match = j.page.getByLabel(new RegExp(`^${partner.replace(/[.()]/g, '\\$&')}`));
    await match.check();
    expect(await j.page.getByLabel(new RegExp(`^${cruise}`)).count()).to.equal(0);
    await Promise.all([
      j.page.waitForURL(/\/agreements\/[0-9a-f]{24}$/),
      j.page.getByRole('button', { name: 'Create' }).click(),
    ]);
    expect(await heading(j.page)).to.equal(title);
    expect(await alerts(j.page)).to.contain(`Agreement “${title}” created`);
    const facts = await j.page.locator('dl.facts').innerText();
    expect(facts).to.contain(partner).and.to.contain('1,200,000');
    expect(await j.page.locator('main .stage-lead').first().innerText()).to.equal('Lead');
    await checkPage(j.page, 'agreement page at lead');
  });

  step('moves it to negotiation and review on the agreement page', async () => {
    await moveOnPage(j.page, 'Negotiation');
    expect(await alerts(j.page)).to.contain(`“${title}” moved to Negotiation`);
    await moveOnPage(j.page, 'Review');
    expect(await alerts(j.page)).to.contain(`“${title}” moved to Review`);
  });

  step('moving to signed without the signing day is refused; with it, the agreement is signed', async () => {
    await moveOnPage(j.page, 'Signed');
    expect(await j.page.locator('#f-signedAt-error').innerText()).to.contain(
      'The signing date is required from Signed on',
    );
    expect(await field(j.page, 'Signed on').getAttribute('aria-invalid')).to.equal('true');
    await checkPage(j.page, 'stage change refused');
    await moveOnPage(j.page, 'Signed', { 'Signed on': signedOn });
    await j.page.waitForURL(/\/agreements\/[0-9a-f]{24}$/);
    expect(await alerts(j.page)).to.contain(`“${title}” moved to Signed`);
    const facts = j.page.locator('dl.facts');
    const signedRow = facts.locator('dt', { hasText: 'Signed on' }).locator('xpath=following-sibling::dd[1]');
    expect(await signedRow.innerText()).to.not.equal('—');
  });

  step('the stage history lists every move with who made it, newest first', async () => {
    const rows = await j.page.locator('table.stage-history tbody tr').allInnerTexts();
    expect(rows).to.have.length(4);
    const moves = rows.map((r) => r.split('\t').map((c) => c.trim()));
    expect(moves.map((m) => [m[1], m[2]])).to.deep.equal([
      ['Review', 'Signed'],
      ['Negotiation', 'Review'],
      ['Lead', 'Negotiation'],
      ['—', 'Lead'],
    ]);
    for (const m of moves) expect(m[3]).to.equal('Zhang Min');
    await checkPage(j.page, 'signed agreement with history');
  });

  step('a second agreement in THB is moved from the board card; signing there asks for the day', async () => {
    await j.page.goto(j.at('/agreements/new'));
    await field(j.page, 'Title').fill(second);
    await field(j.page, 'Category').selectOption({ label: '2026 cruise channel' });
    await field(j.page, 'Amount').fill('350000');
    await field(j.page, 'Currency').selectOption('THB');
    await field(j.page, 'Partner name').fill('Mekong');
    await j.page.getByRole('button', { name: 'Find partners' }).click();
    await j.page.waitForLoadState('load');
    await j.page.getByLabel(new RegExp(`^${cruise}`)).check();
    await Promise.all([
      j.page.waitForURL(/\/agreements\/[0-9a-f]{24}$/),
      j.page.getByRole('button', { name: 'Create' }).click(),
    ]);

    await j.page.goto(j.at('/agreements/board'));
    for (const to of ['Negotiation', 'Review']) {
      const card = j.page.locator('li.board-card', { hasText: second });
      await card.getByLabel(`Move to: ${second}`).selectOption({ label: to });
      await card.getByRole('button', { name: 'Move', exact: true }).click();
      await j.page.waitForURL(/\/agreements\/board/);
      expect(await alerts(j.page)).to.contain(`“${second}” moved to ${to}`);
      expect(await column(j.page, to).innerText()).to.contain(second);
    }
    const card = j.page.locator('li.board-card', { hasText: second });
    await card.getByLabel(`Move to: ${second}`).selectOption({ label: 'Signed' });
    await card.getByRole('button', { name: 'Move', exact: true }).click();
    await j.page.waitForLoadState('load');
    expect(await j.page.locator('#f-signedAt-error').innerText()).to.contain('signing date is required');
    await field(j.page, 'Signed on').fill(signedOn);
    await j.page.getByRole('button', { name: 'Move', exact: true }).click();
    await j.page.waitForLoadState('load');
    expect(await alerts(j.page)).to.contain(`“${second}” moved to Signed`);
  });

  step('the board shows both cards under Signed with the value per currency', async () => {
    await j.page.goto(j.at('/agreements/board'));
    const signed = column(j.page, 'Signed');
    expect(await signed.locator('.column-count').innerText()).to.equal('2');
    const cards = await signed.locator('li.board-card').allInnerTexts();
    expect(cards.join('\n')).to.contain(title).and.to.contain(second);
    expect(cards.find((c) => c.includes(title)))
      .to.contain(partner)
      .and.to.contain('1,200,000');
    expect(cards.find((c) => c.includes(second)))
      .to.contain(cruise)
      .and.to.contain('350,000');
    // Amounts are never added across currencies: one total per currency.
    const totals = signed.locator('.column-totals [data-currency]');
    expect(
      await totals.evaluateAll((els) => els.map((e) => e.getAttribute('data-currency'))),
    ).to.have.members(['CNY', 'THB']);
    expect(await signed.locator('.column-totals [data-currency="CNY"]').innerText()).to.contain('1,200,000');
    expect(await signed.locator('.column-totals [data-currency="THB"]').innerText()).to.contain('350,000');
    for (const stage of ['Lead', 'Negotiation', 'Review']) {
      expect(await column(j.page, stage).locator('.column-count').innerText()).to.equal('0');
    }
    await checkPage(j.page, 'agreement board');
  });
});
