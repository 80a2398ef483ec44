import { expect } from 'chai';
import { MongoNetworkError, MongoServerSelectionError, MongoServerError } from 'mongodb';
import { isDatabaseUnavailable } from '../../src/lib/db/index.js';

describe('database-unavailable errors (a 503, not a 500)', () => {
  it('when the driver cannot reach the server, directly or as a cause, then it counts as unavailable; other errors do not', () => {
    const network = new MongoNetworkError('connection refused');
    expect(isDatabaseUnavailable(network)).to.equal(true);
    const selection = new MongoServerSelectionError('Server selection timed out', {
      type: 'Unknown',
      servers: new Map(),
      stale: false,
      compatible: true,
      heartbeatFrequencyMS: 10_000,
      localThresholdMS: 15,
      setName: null,
      maxElectionId: null,
      maxSetVersion: null,
      commonWireVersion: 0,
      logicalSessionTimeoutMinutes: null,
    } as never);
    expect(isDatabaseUnavailable(selection)).to.equal(true);
    expect(isDatabaseUnavailable(new Error('wrapped', { cause: network }))).to.equal(true);
    expect(
      isDatabaseUnavailable(new MongoServerError({ message: 'E11000 duplicate key', code: 11000 })),
    ).to.equal(false);
    expect(isDatabaseUnavailable(new TypeError('x is undefined'))).to.equal(false);
    expect(isDatabaseUnavailable(null)).to.equal(false);
  });
});
