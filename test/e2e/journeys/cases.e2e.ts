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

const ADMIN = 'ada@alliance.example';
const SOMSAK = { name: 'Somsak Rattanakorn', email: 'somsak@alliance.example' };
const LIU = { name: 'Liu Yang', email: 'liu.yang@alliance.example' };
const CHEN = { name: 'Chen Coordinator', email: 'chen@alliance.example' };

function daysAgo(days: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(
    new Date(Date.now() - days * 86_400_000),
  );
}

/** An administrator creates a desk from Administration → Complaint desks. */
async function createDesk(page: Page, name: string, zone: string, member: string): Promise<void> {
  await page.goto(page.url().replace(/^(https?:\/\/[^/]+).*$/, '$1/admin/desks'));
  await page.getByRole('link', { name: 'New desk' }).click();
  await page.waitForURL(/\/admin\/desks\/new/);
  await field(page, 'Name').fill(name);
  await field(page, 'Time zone').selectOption(zone);
  await page.getByRole('checkbox', { name: new RegExp(`^${member}`) }).check();
  await field(page, 'Lead').selectOption({ label: `${member} (Complaint officer)` });
  await page.getByRole('button', { name: 'Create' }).click();
  await page.waitForLoadState('load');
  expect(await alerts(page)).to.contain(`Desk ${name} created`);
}

/** The text of the case page's timeline, newest entry first or last as the page shows it. */
async function timeline(page: Page): Promise<string> {
  return page.locator('ol.case-timeline').innerText();
}

/** Submits one of the case page's small action forms and waits for the page again. */
async function act(page: Page, button: string): Promise<void> {
  await page.getByRole('button', { name: button, exact: true }).click();
  await page.waitForLoadState('load');
}

journey(
  'Complaint desk: routing rule, intake by a coordinator, an officer works, transfers, resolves',
  {},
  (j) => {
    const description = 'The guide took the group to a jade shop for three hours and refused to leave.';
    const internalNote = 'Called the tour operator: they confirm the shop stop was not in the itinerary.';
    const transferNote = 'The operator is based in Chongqing; the Chongqing desk handles the refund.';
    let caseUrl = '';
    let caseNumber = '';

    step('an administrator invites two officers and a coordinator', async () => {
      await setUpFirstAdmin(j);
      await inviteUser(j, { ...SOMSAK, role: 'Complaint officer', timeZone: 'Asia/Bangkok' });
      await inviteUser(j, { ...LIU, role: 'Complaint officer' });
      await inviteUser(j, { ...CHEN, role: 'Coordinator' });
    });

    step('sets up a default Chongqing desk and a Thailand desk, each with a member as lead', async () => {
      await navigate(j.page, 'Desks', 'Administration');
      expect(await heading(j.page)).to.equal('Complaint desks');
      await createDesk(j.page, 'Chongqing desk', 'Asia/Shanghai', LIU.name);
      await createDesk(j.page, 'Thailand desk', 'Asia/Bangkok', SOMSAK.name);
      await j.page.goto(j.at('/admin/desks'));
      const rows = await j.page.locator('main tbody tr').allInnerTexts();
      expect(rows.find((r) => r.includes('Chongqing desk')))
        .to.contain('Default')
        .and.to.contain(LIU.name);
      expect(rows.find((r) => r.includes('Thailand desk')))
        .to.contain(SOMSAK.name)
        .and.to.contain('Asia/Bangkok');
      await checkPage(j.page, 'complaint desks');
    });

    step('adds a routing rule: incidents in Thailand go to the Thailand desk', async () => {
      await navigate(j.page, 'Routing rules', 'Administration');
      await j.page.getByRole('link', { name: 'New rule' }).click();
      await j.page.waitForURL(/\/admin\/routing\/new/);
      await field(j.page, 'Name').fill('Incidents in Thailand');
      await field(j.page, 'Enabled').check();
      await field(j.page, 'Incident country').selectOption({ label: 'Thailand' });
      await field(j.page, 'Target desk').selectOption({ label: 'Thailand desk' });
      await field(j.page, 'Assignment').selectOption({ label: 'Leave unassigned' });
      await checkPage(j.page, 'new routing rule');
      await j.page.getByRole('button', { name: 'Create' }).click();
      await j.page.waitForURL(/\/admin\/routing$/);
      const rule = await j.page.locator('main tbody tr', { hasText: 'Incidents in Thailand' }).innerText();
      expect(rule).to.contain('Thailand desk').and.to.contain('Incident country: Thailand');
      await checkPage(j.page, 'routing rules');
      await signOut(j);
    });

    step('the coordinator logs a complaint at /cases/new; it is routed to the Thailand desk', async () => {
      await signIn(j, CHEN.email);
      await navigate(j.page, 'Complaint cases');
      await j.page.getByRole('link', { name: 'Log a complaint' }).click();
      await j.page.waitForURL(/\/cases\/new/);
      await checkPage(j.page, 'complaint intake form');
      await field(j.page, 'Received by').selectOption({ label: 'Hotline' });
      await field(j.page, 'Complainant name').fill('Wang Lei');
      await field(j.page, 'Complainant contact').fill('+86 138 0000 0000');
      await field(j.page, 'Nationality').selectOption({ label: "People's Republic of China" });
      await field(j.page, 'Origin country').selectOption({ label: "People's Republic of China" });
      await field(j.page, 'Incident country').selectOption({ label: 'Thailand' });
      await field(j.page, 'Incident city').fill('Pattaya');
      await field(j.page, 'Incident date').fill(daysAgo(3));
      await field(j.page, 'Category').selectOption({ label: 'Forced shopping' });
      await field(j.page, 'Priority').selectOption({ label: 'High' });
      await field(j.page, 'What happened').fill(description);
      await Promise.all([
        j.page.waitForURL(/\/cases\/[0-9a-f]{24}$/),
        j.page.getByRole('button', { name: 'Log complaint' }).last().click(),
      ]);
      caseUrl = j.page.url();
      caseNumber = await heading(j.page);
      expect(await alerts(j.page)).to.contain(`Case ${caseNumber} logged and routed`);
      expect(await timeline(j.page)).to.contain('Routed to Thailand desk by rule “Incidents in Thailand”');
      // Whoever logs a case reads it but neither works it nor sees the complainant again.
      expect(await j.page.locator('main').innerText()).to.contain(
        'You can read this case; only members of its current desk work on it.',
      );
      expect(await j.page.locator('dl.facts').first().innerText()).to.not.contain('Wang Lei');
      expect(await j.page.getByRole('button', { name: 'Acknowledge' }).count()).to.equal(0);
      await checkPage(j.page, 'case page, read only');
      await signOut(j);
    });

    step('the Thailand officer finds it in the desk queue and acknowledges it', async () => {
      await signIn(j, SOMSAK.email);
      await navigate(j.page, 'Complaint cases');
      const row = j.page.locator('main table.case-list tbody tr', { hasText: caseNumber });
      expect(await row.innerText())
        .to.contain('New')
        .and.to.contain('Thailand desk')
        .and.to.contain('Unassigned');
      await checkPage(j.page, 'officer queue');
      await row.getByRole('link', { name: caseNumber }).click();
      await j.page.waitForURL(caseUrl);
      expect(await j.page.locator('dl.facts').nth(1).innerText()).to.contain('Wang Lei');
      await act(j.page, 'Acknowledge');
      expect(await alerts(j.page)).to.contain(`Case ${caseNumber} acknowledged`);
      const events = await timeline(j.page);
      expect(events).to.contain('Acknowledged').and.to.contain('Status: New → Triaged');
      expect(await j.page.getByRole('button', { name: 'Acknowledge' }).count()).to.equal(0);
    });

    step('assigns it to themself, starts work and adds an internal note', async () => {
      await field(j.page, 'Assign').selectOption({ label: SOMSAK.name });
      await act(j.page, 'Assign');
      expect(await alerts(j.page)).to.contain(`Case ${caseNumber} assigned`);
      await field(j.page, 'Change status').selectOption({ label: 'In progress' });
      await act(j.page, 'Move to');
      expect(await alerts(j.page)).to.contain(`Status of case ${caseNumber} changed`);
      await field(j.page, 'Note').fill(internalNote);
      await j.page.getByLabel('Internal: desk only').check();
      await j.page.getByLabel('This note records contacting a partner').check();
      await act(j.page, 'Add note');
      expect(await alerts(j.page)).to.contain(`Note added to case ${caseNumber}`);
      const events = await timeline(j.page);
      expect(events)
        .to.contain(`Assigned to ${SOMSAK.name}`)
        .and.to.contain('Status: Assigned → In progress')
        .and.to.contain(internalNote);
      await checkPage(j.page, 'case page, being worked');
    });

    step('waits on the partner: the resolve clock pauses', async () => {
      await field(j.page, 'Change status').selectOption({ label: 'Awaiting partner' });
      await act(j.page, 'Move to');
      expect(await timeline(j.page)).to.contain('Status: In progress → Awaiting partner');
      const sla = j.page.locator('section', { has: j.page.getByRole('heading', { name: 'Service level' }) });
      expect(await sla.innerText()).to.match(/paused/);
    });

    step(
      'transfers it to the Chongqing desk with a note; it stays readable but no longer workable',
      async () => {
        await j.page.locator('summary', { hasText: 'Transfer to another desk' }).click();
        // Desk and note are both required: the browser refuses to send the form without them.
        await j.page.getByRole('button', { name: 'Transfer to another desk', exact: true }).click();
        const missing = await field(j.page, 'Receiving desk').evaluate(
          (el) => (el as unknown as { validity: { valueMissing: boolean } }).validity.valueMissing,
        );
        expect(missing).to.equal(true);
        expect(await alerts(j.page)).to.not.contain('transferred');
        await field(j.page, 'Receiving desk').selectOption({ label: 'Chongqing desk' });
        await field(j.page, 'Transfer note').fill(transferNote);
        await j.page.getByRole('button', { name: 'Transfer to another desk', exact: true }).click();
        await j.page.waitForLoadState('load');
        expect(await alerts(j.page)).to.contain(`Case ${caseNumber} transferred`);
        const events = await timeline(j.page);
        expect(events)
          .to.contain('Transferred from Thailand desk to Chongqing desk')
          .and.to.contain(transferNote);
        expect(await j.page.locator('main').innerText()).to.contain(
          'You can read this case; only members of its current desk work on it.',
        );
        await signOut(j);
      },
    );

    step('the Chongqing lead is notified, takes the case and resolves it with a refund', async () => {
      await signIn(j, LIU.email);
      await j.page.goto(j.at('/notifications'));
      const note = j.page.locator('.notification-list li', { hasText: caseNumber });
      expect(await note.innerText()).to.contain('transferred from Thailand desk to Chongqing desk');
      await j.page.goto(caseUrl);
      await field(j.page, 'Assign').selectOption({ label: LIU.name });
      await act(j.page, 'Assign');
      await field(j.page, 'Change status').selectOption({ label: 'In progress' });
      await act(j.page, 'Move to');
      await j.page.locator('summary', { hasText: 'Resolve' }).click();
      await field(j.page, 'Resolution').selectOption({ label: 'Refund' });
      await field(j.page, 'Resolution details').fill(
        'The operator refunded the shopping day: 1,200 CNY per person.',
      );
      await act(j.page, 'Resolve');
      expect(await alerts(j.page)).to.contain(`Case ${caseNumber} resolved`);
      expect(await j.page.locator('main h1 + p').innerText()).to.contain('Resolved');
      const events = await timeline(j.page);
      expect(events).to.contain('Resolved (Refund)').and.to.contain('1,200 CNY per person');
      await checkPage(j.page, 'resolved case');
      await signOut(j);
    });

    step(
      'the coordinator sees only the case they logged, without internal notes or the complainant',
      async () => {
        // Another case, logged by the administrator, routed to the default desk.
        await signIn(j, ADMIN);
        await j.page.goto(j.at('/cases/new'));
        await field(j.page, 'Received by').selectOption({ label: 'E-mail' });
        await field(j.page, 'Complainant name').fill('Nguyen Van An');
        await field(j.page, 'Origin country').selectOption({ label: 'Vietnam' });
        await field(j.page, 'Incident country').selectOption({ label: "People's Republic of China" });
        await field(j.page, 'Incident date').fill(daysAgo(1));
        await field(j.page, 'Category').selectOption({ label: 'Lost property' });
        await field(j.page, 'What happened').fill('A suitcase was left on the coach.');
        await Promise.all([
          j.page.waitForURL(/\/cases\/[0-9a-f]{24}$/),
          j.page.getByRole('button', { name: 'Log complaint' }).last().click(),
        ]);
        const otherUrl = j.page.url();
        const otherNumber = await heading(j.page);
        expect(await timeline(j.page)).to.contain('Routed to the default desk Chongqing desk');
        await signOut(j);

        await signIn(j, CHEN.email);
        await navigate(j.page, 'Complaint cases');
        const list = await j.page.locator('main table.case-list tbody').innerText();
        expect(list).to.contain(caseNumber).and.to.not.contain(otherNumber);
        const tabs = await j.page.locator('main .nav-tabs, main .nav').first().innerText();
        expect(tabs).to.contain('Logged by me').and.to.not.contain('All cases');
        await j.page.locator('main table.case-list').getByRole('link', { name: caseNumber }).click();
        await j.page.waitForURL(caseUrl);
        const page = await j.page.locator('main').innerText();
        expect(page).to.contain('Resolved (Refund)').and.to.contain(description);
        expect(page)
          .to.not.contain(internalNote)
          .and.to.not.contain(transferNote)
          .and.to.not.contain('Wang Lei');
        const res = await j.page.goto(otherUrl);
        expect(res?.status()).to.equal(404);
      },
    );
  },
);
