import { expect } from 'chai';
import { backfillOnce, firstTime, OnceKeyModel } from '../../src/lib/once.js';
import { useTestApp } from '../support/db.js';

describe('once-keys and backfills', () => {
  useTestApp();

  it('when two callers race for one key, then exactly one is first, and a later caller is not', async () => {
    const results = await Promise.all([firstTime('race'), firstTime('race'), firstTime('race')]);
    expect(results.filter(Boolean)).to.have.length(1);
    expect(await firstTime('race')).to.equal(false);
  });

  it('when a backfill is asked for twice in one process, then it runs once and leaves its key', async () => {
    let runs = 0;
    const work = async () => {
      runs += 1;
      await new Promise((r) => setTimeout(r, 20));
    };
    await Promise.all([backfillOnce('backfill:test.twice', work), backfillOnce('backfill:test.twice', work)]);
    await backfillOnce('backfill:test.twice', work);
    expect(runs).to.equal(1);
    expect(await OnceKeyModel.exists({ _id: 'backfill:test.twice' })).to.not.equal(null);
  });

  it('when the database already holds the key (another instance or an earlier boot did it), then the backfill does not run', async () => {
    await firstTime('backfill:test.done');
    let runs = 0;
    await backfillOnce('backfill:test.done', async () => {
      runs += 1;
    });
    expect(runs).to.equal(0);
  });

  it('when a backfill fails, then its key is not claimed and the next call runs it again', async () => {
    let runs = 0;
    const flaky = async () => {
      runs += 1;
      if (runs === 1) throw new Error('connection reset');
    };
    let failure: unknown;
    await backfillOnce('backfill:test.flaky', flaky).catch((err: unknown) => (failure = err));
    expect(String(failure)).to.contain('connection reset');
    expect(await OnceKeyModel.exists({ _id: 'backfill:test.flaky' })).to.equal(null);
    await backfillOnce('backfill:test.flaky', flaky);
    expect(runs).to.equal(2);
    expect(await OnceKeyModel.exists({ _id: 'backfill:test.flaky' })).to.not.equal(null);
  });
});
