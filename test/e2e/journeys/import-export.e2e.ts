import { readFile } from 'node:fs/promises';
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { checkPage } from '../support/checks.js';
import { adminAndCoordinator, alerts, field, heading, navigate } from '../support/flows.js';
import { journey, step } from '../support/journey.js';

const EXISTING = 'Andaman Sea Holidays';
const CSV = [
  'name,name_local,type,country,city,website',
  `${EXISTING},,distributor_international,TH,Phuket,`,
  'Phuket Island Hoppers,,travel_agency,TH,Phuket,https://island-hoppers.example',
  'Hanoi Heritage Travel,Du lịch Di sản Hà Nội,travel_agency,VN,Hanoi,',
  'Moonbase Tours,,spaceship,TH,,',
].join('\r\n');
const FILE = { name: 'partners-2026.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV, 'utf8') };

/** The import report's summary figure by its label. */
async function count(page: Page, key: string): Promise<number> {
  return Number(await page.locator(`#import-summary [data-count="${key}"]`).innerText());
}

/** The partner names in the list as shown. */
async function listedNames(page: Page): Promise<string[]> {
  return page.locator('main table tbody a[href^="/partners/"]').allInnerTexts();
}

journey('Coordinator: partners imported from a CSV (dry run, then for real) and exported again', {}, (j) => {
  step('an administrator and a coordinator exist; the coordinator creates one partner by hand', async () => {
    await adminAndCoordinator(j);
    await j.page.goto(j.at('/partners/new'));
    await field(j.page, 'Name').fill(EXISTING);
    await field(j.page, 'Type').selectOption({ label: 'International distributor' });
    await field(j.page, 'Country').selectOption({ label: 'Thailand' });
    await Promise.all([
      j.page.waitForURL(/\/partners\/[0-9a-f]{24}$/),
      j.page.getByRole('button', { name: 'Create' }).click(),
    ]);
  });

  step('uploads the CSV as a dry run: the report says what would happen and saves nothing', async () => {
    await navigate(j.page, 'Partners', 'Partners');
    await j.page.getByRole('link', { name: 'Import', exact: true }).click();
    await j.page.waitForURL(/\/partners\/import$/);
    expect(await heading(j.page)).to.equal('Import partners');
    await checkPage(j.page, 'import form');
    await field(j.page, 'File').setInputFiles(FILE);
    await j.page.getByLabel(/^Dry run/).check();
    await j.page.getByRole('button', { name: 'Upload' }).click();
    await j.page.waitForLoadState('load');
    expect(await heading(j.page)).to.equal('Import report');
    expect(await j.page.locator('#import-status').innerText()).to.contain('Dry run: nothing was saved');
    expect(await count(j.page, 'rows')).to.equal(4);
    expect(await count(j.page, 'create')).to.equal(2);
    expect(await count(j.page, 'skip')).to.equal(1);
    expect(await count(j.page, 'error')).to.equal(1);
    const summary = await j.page.locator('#import-summary').innerText();
    expect(summary).to.contain('Will be created').and.to.contain('Rows with errors');
    const error = j.page.locator('#import-rows tr[data-outcome="error"]');
    expect(await error.innerText())
      .to.contain('Moonbase Tours')
      .and.to.contain('type');
    expect(await j.page.locator('#import-rows tr[data-outcome="skip"]').innerText()).to.contain(EXISTING);
    await checkPage(j.page, 'import report, dry run');
  });

  step(
    'uploads the same file again from the report, dry run unticked: the new rows are created',
    async () => {
      // Had the dry run saved anything, these rows would now be duplicates, not creations.
      expect(await j.page.getByRole('heading', { name: 'Import now' }).isVisible()).to.equal(true);
      await field(j.page, 'File').setInputFiles(FILE);
      await j.page.getByLabel(/^Dry run/).uncheck();
      await j.page.getByRole('button', { name: 'Upload' }).click();
      await j.page.waitForLoadState('load');
      expect(await j.page.locator('#import-status').innerText()).to.contain('Import finished');
      expect(await count(j.page, 'create')).to.equal(2);
      expect(await j.page.locator('#import-summary').innerText()).to.contain('Created');
      const created = j.page.locator('#import-rows tr[data-outcome="create"]');
      expect(await created.count()).to.equal(2);
      await checkPage(j.page, 'import report, applied');
    },
  );

  step('the imported partners appear in the list with their type and country', async () => {
    await navigate(j.page, 'Partners', 'Partners');
    const names = await listedNames(j.page);
    expect(names).to.have.members([EXISTING, 'Phuket Island Hoppers', 'Hanoi Heritage Travel']);
    const hanoi = await j.page.locator('main tbody tr', { hasText: 'Hanoi Heritage Travel' }).innerText();
    expect(hanoi).to.contain('Vietnam').and.to.contain('Travel agency');
    await j.page.getByRole('link', { name: 'Hanoi Heritage Travel' }).click();
    await j.page.waitForURL(/\/partners\/[0-9a-f]{24}$/);
    expect(await j.page.locator('main').innerText()).to.contain('Du lịch Di sản Hà Nội');
  });

  step('filters the list to Thailand and exports it as CSV: BOM, header and the two rows', async () => {
    await j.page.goto(j.at('/partners'));
    await j.page.locator('#country').selectOption({ label: 'Thailand' });
    await j.page.getByRole('button', { name: 'Filter' }).click();
    await j.page.waitForURL(/country=TH/);
    expect(await listedNames(j.page)).to.have.members([EXISTING, 'Phuket Island Hoppers']);
    await j.page.getByRole('link', { name: 'Export', exact: true }).click();
    await j.page.waitForURL(/\/partners\/export/);
    expect(await j.page.locator('main').innerText()).to.contain('country: TH');
    await checkPage(j.page, 'export dialog');
    expect(await j.page.getByLabel(/^CSV/).isChecked()).to.equal(true);
    const [download] = await Promise.all([
      j.page.waitForEvent('download'),
      j.page.getByRole('button', { name: 'Download', exact: true }).click(),
    ]);
    expect(download.suggestedFilename()).to.match(/^partners-\d{4}-\d{2}-\d{2}\.csv$/);
    const text = await readFile(await download.path(), 'utf8');
    expect(text.charCodeAt(0)).to.equal(0xfeff);
    const lines = text.slice(1).split('\r\n').filter(Boolean);
    expect(lines[0]).to.equal(
      'name,name_local,type,country,city,website,email,phone,alliance_status,tags,owner_email,id,last_interaction_at,created_at',
    );
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(rows.map((r) => r[0])).to.have.members([EXISTING, 'Phuket Island Hoppers']);
    const hoppers = rows.find((r) => r[0] === 'Phuket Island Hoppers')!;
    expect(hoppers.slice(2, 6)).to.deep.equal([
      'travel_agency',
      'TH',
      'Phuket',
      'https://island-hoppers.example',
    ]);
    expect(hoppers[11]).to.match(/^[0-9a-f]{24}$/);
    expect(await alerts(j.page)).to.not.contain('error');
  });

  step('exports the same list as an Excel workbook: one sheet with the header and the two rows', async () => {
    await j.page.getByLabel(/^Excel workbook/).check();
    const [download] = await Promise.all([
      j.page.waitForEvent('download'),
      j.page.getByRole('button', { name: 'Download', exact: true }).click(),
    ]);
    expect(download.suggestedFilename()).to.match(/^partners-\d{4}-\d{2}-\d{2}\.xlsx$/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(await download.path());
    const ws = wb.worksheets[0]!;
    const cells = (n: number) =>
      (ws.getRow(n).values as unknown[]).slice(1).map((v) => (v == null ? '' : String(v)));
    expect(cells(1).slice(0, 6)).to.deep.equal(['name', 'name_local', 'type', 'country', 'city', 'website']);
    const names = [2, 3].map((n) => cells(n)[0]);
    expect(names).to.have.members([EXISTING, 'Phuket Island Hoppers']);
    expect(ws.actualRowCount).to.equal(3);
  });
});
