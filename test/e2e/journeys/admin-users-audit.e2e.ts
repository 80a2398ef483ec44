import { expect } from 'chai';
import { checkPage } from '../support/checks.js';
import {
  alerts,
  field,
  heading,
  inviteUser,
  navigate,
  PASSWORD,
  setUpFirstAdmin,
  signIn,
  signOut,
} from '../support/flows.js';
import { journey, step } from '../support/journey.js';

journey('Administrator: users (search, role change, disable and enable) and the audit log', {}, (j) => {
  const staff = { name: 'Wang Fang', email: 'wang.fang@alliance.example' };

  step('sets up and invites a staff member', async () => {
    await setUpFirstAdmin(j);
    await inviteUser(j, { ...staff, role: 'Staff' });
    await inviteUser(j, {
      name: 'Somchai Rattanakorn',
      email: 'somchai@alliance.example',
      role: 'Coordinator',
    });
  });

  step('finds the staff member by name in Administration → Users', async () => {
    await navigate(j.page, 'Users', 'Administration');
    await field(j.page, 'Name or e-mail').fill('wang');
    await j.page.getByRole('button', { name: 'Filter' }).click();
    await j.page.waitForURL(/q=wang/);
    const rows = await j.page.locator('main tbody tr').allInnerTexts();
    expect(rows).to.have.length(1);
    expect(rows[0]).to.contain(staff.email);
    await checkPage(j.page, 'users, filtered');
  });

  step('makes the staff member a manager', async () => {
    await j.page.locator('main tbody').getByRole('link', { name: staff.name }).click();
    await j.page.waitForURL(/\/admin\/users\/[0-9a-f]{24}$/);
    await field(j.page, 'Role').selectOption({ label: 'Manager' });
    await j.page.getByRole('button', { name: 'Save' }).click();
    await j.page.waitForLoadState('load');
    expect(await alerts(j.page)).to.contain(`User ${staff.email} updated`);
    expect(await field(j.page, 'Role').locator('option:checked').innerText()).to.equal('Manager');
  });

  step('disables the account (after confirming); its sign-in is refused', async () => {
    j.page.once('dialog', (d) => void d.accept());
    await j.page.getByRole('button', { name: 'Disable' }).click();
    await j.page.waitForLoadState('load');
    expect(await alerts(j.page)).to.contain(`User ${staff.email} disabled`);
    await signOut(j);
    await field(j.page, 'E-mail').fill(staff.email);
    await field(j.page, 'Password').fill(PASSWORD);
    await j.page.getByRole('button', { name: 'Sign in' }).click();
    await j.page.waitForLoadState('load');
    expect(await j.page.locator('#form-error').innerText()).to.contain('not correct');
  });

  step('enables it again; the member signs in as a manager', async () => {
    await signIn(j, 'ada@alliance.example');
    await j.page.goto(j.at('/admin/users?q=wang'));
    await j.page.locator('main tbody').getByRole('link', { name: staff.name }).click();
    await j.page.getByRole('button', { name: 'Enable' }).click();
    await j.page.waitForLoadState('load');
    expect(await alerts(j.page)).to.contain(`User ${staff.email} enabled`);
    await signOut(j);
    await signIn(j, staff.email);
    expect(await j.page.locator('main').innerText()).to.contain('You are signed in as Manager');
    await signOut(j);
  });

  step('the audit log shows the failed sign-in and the role change, filtered by action', async () => {
    await signIn(j, 'ada@alliance.example');
    await navigate(j.page, 'Audit log', 'Administration');
    expect(await heading(j.page)).to.equal('Audit log');
    const actions = await j.page.locator('#action option').allInnerTexts();
    const failed = actions.find((a) => /login.*fail|fail.*login/i.test(a));
    expect(failed, `no failed sign-in among ${actions.join(', ')}`).to.be.a('string');
    await j.page.locator('#action').selectOption(failed!);
    await j.page.getByRole('button', { name: 'Filter' }).click();
    await j.page.waitForURL(/action=/);
    const rows = await j.page.locator('main tbody tr').allInnerTexts();
    expect(rows.length).to.be.greaterThan(0);
    expect(rows.join('\n')).to.contain(staff.email);
    await checkPage(j.page, 'audit log, filtered');

    await j.page.goto(j.at('/admin/audit?entity=user'));
    const changes = j.page.locator('main tbody details', { hasText: 'role' }).first();
    await changes.locator('summary').click();
    const table = await changes.locator('table').innerText();
    expect(table).to.contain('staff').and.to.contain('manager');
  });
});
