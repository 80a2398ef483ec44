import { expect } from 'chai';
import { exportDefinition } from '../../src/modules/exports/index.js';
import { UserModel } from '../../src/modules/users/index.js';
import { createCase } from '../factories/case.js';
import { createDesk } from '../factories/desk.js';
import { loginAs } from '../support/agent.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { csvRows } from './support.js';

describe('exports: complaint cases with complainant details redacted row by row', () => {
  const { app } = useTestApp();

  beforeEach(() => clearDatabase());

  it('when an officer exports, then only cases of their desks come, with complainant details; a manager gets every case', async () => {
    const bangkok = await createDesk({ name: 'Thailand desk' });
    const hanoi = await createDesk({ name: 'Vietnam desk', isDefault: true });
    const officer = await loginAs(app(), 'complaint_officer');
    await UserModel.updateOne({ _id: officer.user._id }, { desks: [bangkok._id] });
    const manager = await loginAs(app(), 'manager');
    const ours = await createCase({
      desk: bangkok,
      loggedBy: manager.user._id,
      complainantName: 'Anan =Chai',
    });
    await createCase({ desk: hanoi, loggedBy: manager.user._id, complainantName: 'Tran Thi Mai' });

    const mine = csvRows((await officer.agent.get('/cases/export.csv?scope=desks').expect(200)).text);
    expect(mine[0]!.split(',').slice(0, 3)).to.deep.equal(['number', 'status', 'priority']);
    expect(mine).to.have.length(2);
    expect(mine[1]).to.contain(ours.number);
    expect(mine[1]).to.contain('Thailand desk');
    // Formula neutralisation does not touch a name that merely contains '='.
    expect(mine[1]).to.contain('Anan =Chai');

    const all = csvRows((await manager.agent.get('/cases/export.csv?scope=all').expect(200)).text);
    expect(all).to.have.length(3);
    expect(all.join('\n')).to.contain('Tran Thi Mai');
  });

  it('when a case moved away from the officer’s desk is exported, then it stays readable; a coordinator and staff may not export cases', async () => {
    const thailand = await createDesk({ name: 'Thailand desk' });
    const chongqing = await createDesk({ name: 'Chongqing desk', isDefault: true });
    const officer = await loginAs(app(), 'complaint_officer');
    await UserModel.updateOne({ _id: officer.user._id }, { desks: [thailand._id] });
    const manager = await loginAs(app(), 'manager');
    await createCase({
      desk: chongqing,
      pastDesks: [thailand._id],
      loggedBy: manager.user._id,
      complainantName: 'Somchai P',
    });
    const rows = csvRows((await officer.agent.get('/cases/export.csv?scope=desks').expect(200)).text);
    expect(rows.join('\n')).to.contain('Somchai P');

    const coordinator = await loginAs(app(), 'coordinator');
    await coordinator.agent.get('/cases/export.csv').expect(403);
    const staff = await loginAs(app(), 'staff');
    await staff.agent.get('/cases/export.csv').expect(403);
  });

  it('when a reader outside the case’s desks (the coordinator who logged it) gets rows, then complainant cells say restricted', async () => {
    const desk = await createDesk({ name: 'Thailand desk', isDefault: true });
    const coordinator = await loginAs(app(), 'coordinator');
    const logged = await createCase({
      desk,
      loggedBy: coordinator.user._id,
      complainantName: 'Private Person',
    });
    const def = exportDefinition('case')!;
    const user = { ...coordinator.user, desks: [], timeZone: 'Asia/Bangkok' } as unknown as Express.User;
    const source = (await def.query(user, { scope: 'logged' }))!;
    const rows: unknown[] = [];
    for await (const row of source.rows) rows.push(row);
    expect(rows).to.have.length(1);
    const ctx: unknown = await def.batchContext!(rows, user);
    const cell = (key: string) => def.columns.find((c) => c.key === key)!.value(rows[0], ctx);
    expect(cell('number')).to.equal(logged.number);
    expect(cell('complainant_name')).to.equal('restricted');
    expect(cell('complainant_contact')).to.equal('restricted');
    expect(cell('complainant_nationality')).to.equal('restricted');
  });
});
