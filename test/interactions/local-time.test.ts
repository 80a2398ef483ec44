import { expect } from 'chai';
import {
  localDateTimeToUtc,
  toLocalDateTimeInput,
  toLocalDay,
} from '../../src/modules/interactions/index.js';
import { isDay, isLocalDateTime, nextDay } from '../../src/lib/local-time.js';

describe('local wall-clock times ↔ UTC', () => {
  it('when a time is entered in Asian zones, then it converts by their offset', () => {
    expect(localDateTimeToUtc('2026-03-01T09:30', 'Asia/Shanghai').toISOString()).to.equal(
      '2026-03-01T01:30:00.000Z',
    );
    expect(localDateTimeToUtc('2026-03-01T09:30', 'Asia/Bangkok').toISOString()).to.equal(
      '2026-03-01T02:30:00.000Z',
    );
    expect(localDateTimeToUtc('2026-03-01T00:15', 'Asia/Kolkata').toISOString()).to.equal(
      '2026-02-28T18:45:00.000Z',
    );
    expect(localDateTimeToUtc('2026-03-01 09:30', 'UTC').toISOString()).to.equal('2026-03-01T09:30:00.000Z');
  });

  it('when the zone observes summer time, then each side of the change uses its own offset', () => {
    expect(localDateTimeToUtc('2026-03-07T12:00', 'America/New_York').toISOString()).to.equal(
      '2026-03-07T17:00:00.000Z',
    );
    expect(localDateTimeToUtc('2026-03-09T12:00', 'America/New_York').toISOString()).to.equal(
      '2026-03-09T16:00:00.000Z',
    );
    expect(localDateTimeToUtc('2026-07-01T09:00', 'Europe/London').toISOString()).to.equal(
      '2026-07-01T08:00:00.000Z',
    );
  });

  it('when an instant is shown in a zone, then the input value and the day are that zone’s, and converting back gives the instant', () => {
    const instant = new Date('2026-01-31T16:30:00Z');
    expect(toLocalDateTimeInput(instant, 'Asia/Shanghai')).to.equal('2026-02-01T00:30');
    expect(toLocalDay(instant, 'Asia/Shanghai')).to.equal('2026-02-01');
    expect(toLocalDay(instant, 'UTC')).to.equal('2026-01-31');
    expect(
      localDateTimeToUtc(toLocalDateTimeInput(instant, 'Asia/Shanghai'), 'Asia/Shanghai').getTime(),
    ).to.equal(instant.getTime());
  });

  it('when the text is not a real date or time, then it is rejected', () => {
    expect(isLocalDateTime('2026-02-29T10:00')).to.equal(false);
    expect(isLocalDateTime('2028-02-29T10:00')).to.equal(true);
    expect(isLocalDateTime('2026-01-01T24:00')).to.equal(false);
    expect(isLocalDateTime('2026-1-1T10:00')).to.equal(false);
    expect(isDay('2026-04-31')).to.equal(false);
    expect(isDay('2026-04-30')).to.equal(true);
    expect(() => localDateTimeToUtc('tomorrow', 'UTC')).to.throw(RangeError);
    expect(nextDay('2026-02-28')).to.equal('2026-03-01');
    expect(nextDay('2026-12-31')).to.equal('2027-01-01');
  });
});
