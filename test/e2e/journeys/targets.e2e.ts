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

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September'];
const PER_MONTH = 13_000;

journey('Manager: a doubling-plan market, its monthly figures, status and charts', {}, (j) => {
  // The current year in the office's zone: the grid opens on it.
  const year = Number(
    new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date()),
  );
  let marketUrl = '';

  step('an administrator invites a manager, who signs in', async () => {
    await setUpFirstAdmin(j);
    await inviteUser(j, { name: 'Zhang Min', email: 'zhang.min@alliance.example', role: 'Manager' });
    await signOut(j);
    await signIn(j, 'zhang.min@alliance.example');
  });

  step('creates the Thailand → Chongqing market: 120,000 visitors doubled by the target year', async () => {
    await navigate(j.page, 'Doubling plan');
    expect(await heading(j.page)).to.equal('Tourist Exchange Doubling Plan');
    await checkPage(j.page, 'doubling plan, no markets');
    await j.page.getByRole('link', { name: 'New market' }).first().click();
    await j.page.waitForURL(/\/targets\/new/);
    await field(j.page, 'Origin').selectOption({ label: 'Thailand' });
    expect(await field(j.page, 'Destination').inputValue()).to.equal('CN-CQ');
    expect(await field(j.page, 'Baseline year').inputValue()).to.equal(String(year - 1));
    expect(await field(j.page, 'Multiplier').inputValue()).to.equal('2');
    await field(j.page, 'Baseline visitors').fill('120000');
    await checkPage(j.page, 'new market form');
    await Promise.all([
      j.page.waitForURL(/\/targets\/[0-9a-f]{24}$/),
      j.page.getByRole('button', { name: 'Create' }).click(),
    ]);
    marketUrl = j.page.url();
    expect(await alerts(j.page)).to.match(/Market .* created/);
    expect(await j.page.locator('main h1').innerText()).to.contain('No data');
    expect(await j.page.locator('main').innerText()).to.contain('No monthly figures yet.');
    expect(await j.page.locator('dl').first().innerText()).to.contain('240,000');
  });

  step('enters monthly figures in the month grid; a word instead of a number is refused', async () => {
    await j.page.getByRole('link', { name: 'Enter monthly figures' }).click();
    await j.page.waitForURL(/\/actuals/);
    expect(await heading(j.page)).to.match(/^Monthly figures/);
    await checkPage(j.page, 'month grid');
    for (const month of MONTHS) await field(j.page, month).fill(PER_MONTH.toLocaleString('en'));
    await field(j.page, 'October').fill('twelve k');
    await j.page.getByRole('button', { name: 'Save' }).click();
    await j.page.waitForLoadState('load');
    expect(await j.page.locator('#f-m10-error').innerText()).to.contain('Enter a whole number of visitors');
    // Nothing typed is lost.
    expect(await field(j.page, 'March').inputValue()).to.equal('13,000');
    await checkPage(j.page, 'month grid with an error');

    await field(j.page, 'October').fill('');
    await j.page.getByRole('button', { name: 'Save' }).click();
    await j.page.waitForURL(/\/actuals\?year=/);
    expect(await alerts(j.page)).to.contain(`${MONTHS.length} month(s) of ${year} changed`);
    expect(await field(j.page, 'January').inputValue()).to.match(/^13,?000$/);
  });

  step('the market page shows the status, the progress and the two charts with their data', async () => {
    await j.page.goto(marketUrl);
    // 13,000 a month is above the path (10,000 × 2^(1/4) ≈ 11,892 a month in the first year).
    expect(await j.page.locator('main h1').innerText()).to.contain('On track');
    const ytd = await j.page.locator('#progress-table [data-k="ytd-actual"]').innerText();
    expect(ytd).to.equal((PER_MONTH * MONTHS.length).toLocaleString('en'));
    const charts = j.page.locator('figure.chart');
    expect(await charts.count()).to.equal(2);
    expect(await charts.locator('figcaption').allInnerTexts()).to.deep.equal([
      'Monthly visitors against the required path',
      'Yearly totals against the path',
    ]);
    const monthly = charts.first();
    expect(
      await monthly.getByRole('img', { name: 'Monthly visitors against the required path' }).count(),
    ).to.equal(1);
    expect(await monthly.locator('svg path').count()).to.be.greaterThan(0);
    await monthly.locator('summary', { hasText: 'Show the numbers' }).click();
    const table = monthly.locator('details table');
    await table.waitFor();
    const rows = await table.locator('tbody tr').allInnerTexts();
    const recorded = rows.filter((r) => r.includes('13,000'));
    expect(recorded).to.have.length(MONTHS.length);
    const head = await table.locator('thead').innerText();
    expect(head).to.contain('Actual').and.to.contain('Required path');
    await checkPage(j.page, 'market page with charts');
  });

  step('the list of markets shows the market with its status', async () => {
    await navigate(j.page, 'Doubling plan');
    const main = await j.page.locator('main').innerText();
    expect(main).to.contain('TH → CN-CQ').and.to.contain('On track');
    await checkPage(j.page, 'doubling plan with a market');
  });
});
