import { expect } from 'chai';
import { Schema, model } from 'mongoose';
import { CounterModel, insertWithSequence, nextSequence } from '../../src/lib/counters.js';
import { useTestApp } from '../support/db.js';

const numberedSchema = new Schema(
  { number: { type: Number, required: true } },
  { collection: 'numbered_things' },
);
numberedSchema.index({ number: 1 }, { unique: true });
const NumberedModel = model('NumberedThing', numberedSchema);

describe('counters', () => {
  useTestApp();

  before(async () => {
    await NumberedModel.createIndexes();
  });

  it('hands out 50 distinct consecutive numbers to 50 concurrent callers', async () => {
    const numbers = await Promise.all(Array.from({ length: 50 }, () => nextSequence('test.concurrent')));
    expect(new Set(numbers).size).to.equal(50);
    expect(Math.min(...numbers)).to.equal(1);
    expect(Math.max(...numbers)).to.equal(50);
  });

  it('keeps separate sequences per key', async () => {
    expect(await nextSequence('test.a')).to.equal(1);
    expect(await nextSequence('test.b')).to.equal(1);
    expect(await nextSequence('test.a')).to.equal(2);
  });

  it('skips a number already stored by another instance instead of failing', async () => {
    await CounterModel.create({ _id: 'test.clash', seq: 0 });
    // Another instance stored 1 and 2 without this process knowing.
    await NumberedModel.create([{ number: 1 }, { number: 2 }]);
    const doc = await insertWithSequence('test.clash', (n) => NumberedModel.create({ number: n }));
    expect(doc.number).to.equal(3);
  });

  it('gives up after the given attempts rather than looping forever', async () => {
    await CounterModel.create({ _id: 'test.full', seq: 0 });
    await NumberedModel.create([{ number: 101 }]);
    await CounterModel.updateOne({ _id: 'test.full' }, { seq: 100 });
    let caught: unknown;
    try {
      await insertWithSequence('test.full', () => NumberedModel.create({ number: 101 }), 3);
    } catch (err) {
      caught = err;
    }
    expect((caught as { code?: number }).code).to.equal(11000);
    expect((await CounterModel.findById('test.full').lean())!.seq).to.equal(103);
  });
});
