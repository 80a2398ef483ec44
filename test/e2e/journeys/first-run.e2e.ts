import { expect } from 'chai';
import { checkPage } from '../support/checks.js';
import { alerts, field, heading, inviteUser, PASSWORD, signIn, signOut } from '../support/flows.js';
import { journey, step } from '../support/journey.js';

journey('First run: /setup creates the administrator, who invites a coordinator', {}, (j) => {
  const admin = { name: 'Ada Admin', email: 'ada@alliance.example' };
  const coordinator = { name: 'Chen Jing', email: 'chen.jing@alliance.example' };

  step('the first visitor is sent from the sign-in page to /setup', async () => {
    await j.page.goto(j.at('/'));
    expect(new URL(j.page.url()).pathname).to.equal('/setup');
    expect(await heading(j.page)).to.equal('Create the first administrator');
    await checkPage(j.page, '/setup');
  });

  step('a too-short password is refused next to the field, other values kept', async () => {
    await field(j.page, 'Name').fill(admin.name);
    await field(j.page, 'E-mail').fill(admin.email);
    await field(j.page, 'Password').fill('short');
    await j.page.getByRole('button', { name: 'Create administrator' }).click();
    await j.page.waitForSelector('#f-password-error');
    expect(await field(j.page, 'Name').inputValue()).to.equal(admin.name);
    expect(await field(j.page, 'Password').getAttribute('aria-invalid')).to.equal('true');
    await checkPage(j.page, '/setup with errors');
  });

  step('creates the administrator and signs in', async () => {
    await field(j.page, 'Password').fill(PASSWORD);
    await Promise.all([
      j.page.waitForURL(/\/login/),
      j.page.getByRole('button', { name: 'Create administrator' }).click(),
    ]);
    expect(await alerts(j.page)).to.contain('Administrator created');
    await signIn(j, admin.email);
    expect(await heading(j.page)).to.equal(`Hello, ${admin.name}`);
  });

  step('/setup is gone once a user exists', async () => {
    const res = await j.page.goto(j.at('/setup'));
    expect(res?.status()).to.equal(404);
    await j.page.goBack();
  });

  step('invites a coordinator from Administration → Users', async () => {
    await inviteUser(j, { ...coordinator, role: 'Coordinator' });
    await j.page.goto(j.at('/admin/users'));
    const row = j.page.locator('main tr', { hasText: coordinator.email });
    expect(await row.innerText()).to.contain('Coordinator');
  });

  step('the coordinator signs in and sees partners but no administration', async () => {
    await signOut(j);
    expect(await heading(j.page)).to.equal('Sign in');
    await signIn(j, coordinator.email);
    expect(await heading(j.page)).to.equal(`Hello, ${coordinator.name}`);
    const nav = j.page.getByRole('navigation', { name: 'Main navigation' });
    const menu = await nav.innerText();
    expect(menu).to.contain('Partners');
    expect(menu).not.to.contain('Administration');
    const res = await j.page.goto(j.at('/admin/users'));
    expect(res?.status()).to.equal(403);
  });
});
