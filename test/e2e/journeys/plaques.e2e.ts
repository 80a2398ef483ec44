import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { checkPage } from '../support/checks.js';
import { adminAndCoordinator, alerts, field, heading, navigate, signIn, signOut } from '../support/flows.js';
import { journey, step } from '../support/journey.js';

/** Step 1 of the award form: the plaque, then "Find eligible partners". */
async function findEligible(page: Page, plaque: string, name = ''): Promise<void> {
  await field(page, 'Plaque').selectOption({ label: plaque });
  await page.getByLabel('Partner name').fill(name);
  await page.getByRole('button', { name: 'Find eligible partners' }).click();
  await page.waitForLoadState('load');
}

/** The names in the "Eligible partner" choice. */
async function candidates(page: Page): Promise<string[]> {
  const group = page.getByRole('group', { name: /Eligible partner/ });
  return (await group.locator('label').allInnerTexts()).map((s) => s.trim());
}

journey(
  'Coordinator: a plaque for an eligible partner, its certificate, verification and revocation',
  {},
  (j) => {
    const distributor = 'Golden Lotus Travel';
    const university = 'Mahidol University';
    const imageSalesPoint = 'Image Sales Point — For international distributors';
    const practiceBase = 'International Student Cultural-Tourism Promotion Practice Base — For universities';
    const reason = 'The partner stopped selling Chongqing products in 2026.';
    let serial = '';
    let verifyPath = '';

    step(
      'an administrator and a coordinator exist; the coordinator creates a distributor and a university',
      async () => {
        await adminAndCoordinator(j);
        for (const [name, type] of [
          [distributor, 'International distributor'],
          [university, 'University'],
        ] as const) {
          await j.page.goto(j.at('/partners/new'));
          await field(j.page, 'Name').fill(name);
          await field(j.page, 'Type').selectOption({ label: type });
          await field(j.page, 'Country').selectOption({ label: 'Thailand' });
          await Promise.all([
            j.page.waitForURL(/\/partners\/[0-9a-f]{24}$/),
            j.page.getByRole('button', { name: 'Create' }).click(),
          ]);
          expect(await heading(j.page)).to.equal(name);
        }
      },
    );

    step('the award form lists only the partners of the plaque’s eligible type', async () => {
      await navigate(j.page, 'Plaques', 'Agreements');
      expect(await heading(j.page)).to.equal('Plaques');
      await checkPage(j.page, 'plaques, none yet');
      await j.page.getByRole('link', { name: 'Award a plaque' }).click();
      await j.page.waitForURL(/\/plaques\/new/);
      await checkPage(j.page, 'award form, step 1');

      await findEligible(j.page, imageSalesPoint);
      expect(await j.page.locator('#partner-hint').innerText()).to.contain('International distributor');
      const forSalesPoint = await candidates(j.page);
      expect(forSalesPoint.some((c) => c.startsWith(distributor))).to.equal(true);
      expect(forSalesPoint.some((c) => c.includes(university))).to.equal(false);

      await findEligible(j.page, practiceBase);
      const forPracticeBase = await candidates(j.page);
      expect(forPracticeBase.some((c) => c.startsWith(university))).to.equal(true);
      expect(forPracticeBase.some((c) => c.includes(distributor))).to.equal(false);
    });

    step('awards an Image Sales Point plaque to the distributor found by name', async () => {
      await findEligible(j.page, imageSalesPoint, 'lotus');
      await j.page.getByRole('radio', { name: new RegExp(`^${distributor}`) }).check();
      // Award and expiry days come filled in (today and the default validity).
      expect(await field(j.page, 'Awarded on').inputValue()).to.match(/^\d{4}-\d{2}-\d{2}$/);
      expect(await field(j.page, 'Valid until').inputValue()).to.match(/^\d{4}-\d{2}-\d{2}$/);
      await field(j.page, 'Internal notes').fill('Handed over at the Bangkok roadshow.');
      await checkPage(j.page, 'award form, step 2');
      await Promise.all([
        j.page.waitForURL(/\/plaques\/[0-9a-f]{24}$/),
        j.page.getByRole('button', { name: 'Award a plaque' }).click(),
      ]);
      serial = (await j.page.locator('main h1').innerText()).replace(/\s*Active\s*$/, '').trim();
      expect(serial).to.match(/\S+/);
      expect(await alerts(j.page)).to.contain(`Plaque ${serial} awarded`);
      expect(await j.page.locator('main h1').innerText()).to.contain('Active');
      const details = await j.page.locator('main dl').innerText();
      expect(details).to.contain(distributor).and.to.contain('Chen Coordinator');
      verifyPath = (await j.page.getByRole('link', { name: /\/verify\// }).getAttribute('href')) ?? '';
      expect(verifyPath).to.match(/^\/verify\//);
      await checkPage(j.page, 'plaque page');
    });

    step('opens the printable certificate', async () => {
      await j.page.getByRole('link', { name: 'Printable certificate' }).click();
      await j.page.waitForURL(/\/certificate$/);
      const cert = await j.page.locator('main').innerText();
      expect(cert).to.contain(distributor).and.to.contain(serial).and.to.contain('Image Sales Point');
      expect(cert).to.contain('/verify/');
      // Internal notes never reach the certificate.
      expect(cert).to.not.contain('Bangkok roadshow');
      expect(await j.page.getByRole('button', { name: 'Print' }).isVisible()).to.equal(true);
      await checkPage(j.page, 'certificate');
      await j.page.getByRole('link', { name: /Back to the plaque/ }).click();
      await j.page.waitForURL(/\/plaques\/[0-9a-f]{24}$/);
    });

    step('signed out, the public verification page reports the plaque valid', async () => {
      await signOut(j);
      await j.page.goto(j.at(verifyPath));
      expect(await heading(j.page)).to.equal('Plaque verification');
      expect(await j.page.getByRole('status').innerText()).to.contain('This plaque is valid');
      const facts = await j.page.locator('main dl').innerText();
      expect(facts).to.contain(serial).and.to.contain(distributor);
      expect(facts).to.not.contain('Bangkok roadshow');
      await checkPage(j.page, 'verification page, valid');
    });

    step('the coordinator revokes the plaque; a reason is required', async () => {
      await signIn(j, 'chen@alliance.example');
      await j.page.goto(j.at('/plaques'));
      await j.page.locator('main table').getByRole('link', { name: serial }).click();
      await j.page.waitForURL(/\/plaques\/[0-9a-f]{24}$/);
      const revoke = j.page.getByRole('button', { name: 'Revoke plaque' });
      j.page.once('dialog', (d) => void d.accept());
      await revoke.click();
      await j.page.waitForLoadState('load');
      expect(await j.page.locator('#f-reason-error').isVisible()).to.equal(true);
      expect(await j.page.locator('main h1').innerText()).to.contain('Active');

      await field(j.page, 'Reason for revoking').fill(reason);
      j.page.once('dialog', (d) => void d.accept());
      await j.page.getByRole('button', { name: 'Revoke plaque' }).click();
      await j.page.waitForLoadState('load');
      expect(await alerts(j.page)).to.contain(`Plaque ${serial} revoked`);
      expect(await j.page.locator('main h1').innerText()).to.contain('Revoked');
      expect(await j.page.locator('main dl').innerText()).to.contain(reason);
      await checkPage(j.page, 'revoked plaque');
    });

    step('the certificate is marked void and the verification page reports it revoked', async () => {
      await j.page.getByRole('link', { name: 'Printable certificate' }).click();
      await j.page.waitForURL(/\/certificate$/);
      expect(await j.page.locator('main').innerText()).to.contain(
        'revoked: the certificate is no longer valid',
      );
      // The certificate page has no header menu: sign out from a normal page.
      await j.page.goto(j.at('/'));
      await signOut(j);
      await j.page.goto(j.at(verifyPath));
      expect(await j.page.getByRole('status').innerText()).to.contain(
        'This plaque has been revoked and is no longer valid',
      );
      expect(await j.page.locator('main dl').innerText()).to.contain('Revoked');
      // The reason stays internal.
      expect(await j.page.locator('main').innerText()).to.not.contain(reason);
      await checkPage(j.page, 'verification page, revoked');
    });
  },
);
