import { expect } from 'chai';
import {
  alerts,
  field,
  heading,
  setUpFirstAdmin,
  signIn,
  signOut,
  switchLanguage,
} from '../support/flows.js';
import { journey, step } from '../support/journey.js';

journey('Profile: switch the language to 中文 and back', {}, (j) => {
  step('an administrator is signed in, in English', async () => {
    await setUpFirstAdmin(j);
    expect(await j.page.getAttribute('html', 'lang')).to.equal('en');
  });

  step('chooses 中文 on My profile; every page is then in Chinese', async () => {
    await j.page.locator('header .user-menu').click();
    await j.page.getByRole('link', { name: 'My profile' }).click();
    await j.page.waitForURL(/\/profile$/);
    await field(j.page, 'Language').selectOption({ label: '中文' });
    await j.page.getByRole('button', { name: 'Save', exact: true }).click();
    await j.page.waitForLoadState('load');
    expect(await j.page.getAttribute('html', 'lang')).to.equal('zh-CN');
    expect(await heading(j.page)).to.equal('个人资料');
    await j.page.goto(j.at('/partners'));
    expect(await heading(j.page)).to.equal('合作伙伴');
  });

  step(
    'the choice is kept in the profile: after signing in again the pages are still in Chinese',
    async () => {
      await signOut(j);
      await switchLanguage(j.page, 'en');
      await signIn(j, 'ada@alliance.example');
      expect(await j.page.getAttribute('html', 'lang')).to.equal('zh-CN');
    },
  );

  step('switches back to English with the header button', async () => {
    await switchLanguage(j.page, 'en');
    expect(await heading(j.page)).to.equal('Hello, Ada Admin');
    await j.page.goto(j.at('/profile'));
    expect(await field(j.page, 'Language').locator('option:checked').innerText()).to.equal('English');
    expect(await alerts(j.page)).to.equal('');
  });
});
