import { expect } from 'chai';
import { allOf } from '../../src/lib/db/index.js';

describe('allOf: list filters flat where fields do not repeat', () => {
  it('merges clauses on different fields into one flat filter (FerretDB pushes those down)', () => {
    expect(allOf([{ archivedAt: null }, { country: 'TH' }, { $or: [{ a: 1 }, { b: 2 }] }])).to.deep.equal({
      archivedAt: null,
      country: 'TH',
      $or: [{ a: 1 }, { b: 2 }],
    });
    expect(allOf([])).to.deep.equal({});
  });

  it('keeps clauses on a field already constrained (a second $or, two ranges) in $and, unflattening nested $and', () => {
    const range = { occurredAt: { $lt: 5 } };
    expect(
      allOf([
        { $and: [{ occurredAt: { $gte: 1 } }, { kind: 'call' }] },
        range,
        { $or: [{ x: 1 }] },
        { $or: [{ y: 1 }] },
      ]),
    ).to.deep.equal({
      occurredAt: { $gte: 1 },
      kind: 'call',
      $or: [{ x: 1 }],
      $and: [range, { $or: [{ y: 1 }] }],
    });
  });
});
