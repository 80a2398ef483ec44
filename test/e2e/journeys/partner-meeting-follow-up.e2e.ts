import { expect } from 'chai';
import { checkPage } from '../support/checks.js';
import { adminAndCoordinator, daytimeZone, alerts, field, heading, navigate } from '../support/flows.js';
import { journey, step } from '../support/journey.js';

journey('Coordinator: partner with duplicate warning, meeting with a follow-up, reminder, done', {}, (j) => {
  const partner = 'Golden Dragon Travel Co., Ltd.';
  const duplicate = 'GOLDEN DRAGON TRAVEL';
  const summary = 'Met the sales director about the Chongqing winter package; they want 3 fam trips.';

  step('an administrator and a coordinator exist; the coordinator is signed in', async () => {
    // Reminders go out at 09:00 in the assignee's zone: pick one where that has passed today.
    await adminAndCoordinator(j, daytimeZone());
  });

  step('creates a partner from Partners → New partner', async () => {
    await navigate(j.page, 'Partners', 'Partners');
    await j.page.getByRole('link', { name: 'New partner' }).click();
    await checkPage(j.page, 'new partner form');
    await field(j.page, 'Name').fill(partner);
    await field(j.page, 'Local name').fill('金龙旅行社');
    await field(j.page, 'Type').selectOption({ label: 'International distributor' });
    await field(j.page, 'Country').selectOption({ label: 'Thailand' });
    await field(j.page, 'City').fill('Bangkok');
    await field(j.page, 'Website').fill('https://golden-dragon.example');
    await Promise.all([
      j.page.waitForURL(/\/partners\/[0-9a-f]{24}$/),
      j.page.getByRole('button', { name: 'Create' }).click(),
    ]);
    expect(await heading(j.page)).to.equal(partner);
    expect(await alerts(j.page)).to.contain(`Partner ${partner} created`);
  });

  step('is warned that a second "Golden Dragon Travel" looks like a duplicate', async () => {
    await j.page.goto(j.at('/partners/new'));
    await field(j.page, 'Name').fill(duplicate);
    await field(j.page, 'Type').selectOption({ label: 'International distributor' });
    await field(j.page, 'Country').selectOption({ label: 'Thailand' });
    await j.page.getByRole('button', { name: 'Create' }).click();
    const warning = j.page.getByRole('alert').filter({ hasText: 'looks like a partner that already exists' });
    await warning.waitFor();
    expect(await warning.getByRole('link', { name: partner }).count()).to.equal(1);
    expect(await field(j.page, 'Name').inputValue()).to.equal(duplicate);
    await checkPage(j.page, 'duplicate warning');
  });

  step('confirms it is a different organisation and saves it anyway', async () => {
    await field(j.page, 'It is a different organisation: save anyway').check();
    await Promise.all([
      j.page.waitForURL(/\/partners\/[0-9a-f]{24}$/),
      j.page.getByRole('button', { name: 'Create' }).click(),
    ]);
    expect(await heading(j.page)).to.equal(duplicate);
    await j.page.goto(j.at('/partners'));
    const names = await j.page.locator('main table').innerText();
    expect(names).to.contain(partner).and.to.contain(duplicate);
  });

  step('logs a meeting on the partner page with a follow-up due today', async () => {
    await j.page.getByRole('link', { name: partner, exact: true }).click();
    await j.page.waitForURL(/\/partners\/[0-9a-f]{24}$/);
    const form = j.page.locator('form.interaction-form');
    await field(form, 'Kind').selectOption({ label: 'Meeting' });
    await field(form, 'Summary').fill(summary);
    const date = field(form, 'Follow-up date');
    const today = await date.getAttribute('min');
    expect(today).to.match(/^\d{4}-\d{2}-\d{2}$/);
    await date.fill(today!);
    await form.getByRole('button', { name: 'Log interaction' }).click();
    await j.page.waitForLoadState('load');
    expect(await alerts(j.page)).to.contain('Interaction logged');
    const timeline = await j.page.locator('#timeline').innerText();
    expect(timeline).to.contain(summary).and.to.contain('Due today');
  });

  step('is reminded by a notification (the reminder job runs every minute)', async function () {
    this.timeout(150_000);
    const deadline = Date.now() + 120_000;
    for (;;) {
      await j.page.goto(j.at('/notifications'));
      if ((await j.page.locator('.notification-list li').count()) > 0) break;
      if (Date.now() > deadline) throw new Error('no reminder within 120 s');
      await j.page.waitForTimeout(3000);
    }
    const item = j.page.locator('.notification-list li').first();
    expect(await item.innerText()).to.contain(`Follow-up due with ${partner}`);
    expect(await j.page.locator('header .notification-count').innerText()).to.match(/^1/);
    await checkPage(j.page, 'notifications');
    await Promise.all([
      j.page.waitForURL(/\/interactions\/[0-9a-f]{24}$/),
      item.getByRole('button', { name: 'Open' }).click(),
    ]);
    expect(await j.page.locator('main').innerText()).to.contain(summary);
    expect(await j.page.locator('header .notification-count').count()).to.equal(0);
  });

  step('sees the follow-up on /follow-ups and marks it done', async () => {
    await navigate(j.page, 'Follow-ups');
    const row = j.page.locator('main tbody tr', { hasText: partner });
    expect(await row.innerText()).to.contain('Due today');
    await checkPage(j.page, 'follow-ups');
    await row.getByRole('button', { name: 'Mark done' }).click();
    await j.page.waitForLoadState('load');
    expect(await alerts(j.page)).to.contain('Follow-up marked done');
    expect(await j.page.locator('main tbody').innerText()).to.contain('No open follow-ups');
    await field(j.page, 'Show').selectOption({ label: 'Done' });
    await j.page.getByRole('button', { name: 'Filter' }).click();
    await j.page.waitForURL(/state=done/);
    expect(await j.page.locator('main tbody').innerText()).to.contain(partner);
  });
});
