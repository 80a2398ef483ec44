import { expect } from 'chai';
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

journey('Manager: a partner with a contact, an event the partner and contact attended', {}, (j) => {
  const partner = 'Mekong Voyages JSC';
  const contact = 'Nguyễn Thị Hoa';
  const event = '2025 Global Partners Conference';

  step('an administrator invites a manager, who signs in', async () => {
    await setUpFirstAdmin(j);
    await inviteUser(j, { name: 'Zhang Min', email: 'zhang.min@alliance.example', role: 'Manager' });
    await signOut(j);
    await signIn(j, 'zhang.min@alliance.example');
  });

  step('creates the partner', async () => {
    await j.page.goto(j.at('/partners/new'));
    await field(j.page, 'Name').fill(partner);
    await field(j.page, 'Local name').fill('Công ty Cổ phần Du thuyền Mê Kông');
    await field(j.page, 'Type').selectOption({ label: 'Cruise line' });
    await field(j.page, 'Country').selectOption({ label: 'Vietnam' });
    await Promise.all([
      j.page.waitForURL(/\/partners\/[0-9a-f]{24}$/),
      j.page.getByRole('button', { name: 'Create' }).click(),
    ]);
    expect(await heading(j.page)).to.equal(partner);
  });

  step('adds a contact from the partner page; the first contact is the primary one', async () => {
    await j.page.getByRole('link', { name: 'Add contact' }).click();
    await field(j.page, 'Name').fill(contact);
    await field(j.page, 'E-mail').fill('hoa@mekong-voyages.example');
    await j.page.getByLabel('Vietnamese').check();
    await j.page.getByLabel('English').check();
    await checkPage(j.page, 'new contact');
    await j.page.getByRole('button', { name: 'Create' }).click();
    await j.page.waitForLoadState('load');
    expect(await alerts(j.page)).to.contain(`Contact ${contact} added`);
    await j.page.goto(j.at('/contacts'));
    const row = j.page.locator('main tr', { hasText: contact });
    expect(await row.innerText()).to.contain(partner);
    await row.getByRole('link', { name: contact }).click();
    await j.page.waitForURL(/\/contacts\/[0-9a-f]{24}$/);
    expect(await j.page.locator('main').innerText()).to.contain('Primary');
  });

  step('creates an event from Partners → Events', async () => {
    await navigate(j.page, 'Events', 'Partners');
    await j.page.getByRole('link', { name: 'New event' }).click();
    await field(j.page, 'Name').fill(event);
    await field(j.page, 'First day').fill('2025-11-20');
    await field(j.page, 'Last day').fill('2025-11-22');
    await field(j.page, 'City').fill('Chongqing');
    await field(j.page, 'Country').selectOption({ label: "People's Republic of China" });
    await Promise.all([
      j.page.waitForURL(/\/events\/[0-9a-f]{24}$/),
      j.page.getByRole('button', { name: 'Create' }).click(),
    ]);
    expect(await heading(j.page)).to.equal(event);
    expect(await alerts(j.page)).to.contain(`Event ${event} created`);
  });

  step('records the partner and its contact as met at the event', async () => {
    await field(j.page, 'Find partners by name').fill('Mekong');
    await j.page.getByRole('button', { name: 'Search' }).click();
    await j.page.waitForURL(/pq=Mekong/);
    await j.page.getByLabel(new RegExp(`^${partner}`)).check();
    await j.page.getByRole('button', { name: 'Add selected partners' }).click();
    await j.page.waitForLoadState('load');
    expect(await j.page.locator('#partners-met').innerText()).to.contain(partner);

    // With one partner met, its contacts are offered right away.
    await j.page.getByLabel(new RegExp(`^${contact}`)).check();
    await j.page.getByRole('button', { name: 'Add selected contacts' }).click();
    await j.page.waitForLoadState('load');
    expect(await j.page.locator('#contacts-met').innerText()).to.contain(contact);
    await checkPage(j.page, 'event page with partners and contacts met');
  });

  step('the partner page lists the event under events attended', async () => {
    await j.page.locator('#partners-met').getByRole('link', { name: partner }).click();
    await j.page.waitForURL(/\/partners\/[0-9a-f]{24}$/);
    const section = j.page.locator('section', {
      has: j.page.getByRole('heading', { name: 'Events attended' }),
    });
    expect(await section.innerText()).to.contain(event);
  });
});
