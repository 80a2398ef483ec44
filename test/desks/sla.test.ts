import { expect } from 'chai';
import {
  AT_RISK_SHARE,
  HOUR_MS,
  ackStatus,
  pauseClock,
  recomputeClock,
  resolveStatus,
  restartResolveClock,
  resumeClock,
  slaDueDates,
  startClock,
  windowStatus,
} from '../../src/modules/desks/index.js';
import { TEST_SLA } from '../factories/desk.js';

const T0 = new Date('2026-03-02T01:00:00Z');
const at = (hours: number) => new Date(T0.getTime() + hours * HOUR_MS);

describe('SLA clock maths (fixed clock, wall-clock hours)', () => {
  it('when a normal case opens, then ack and resolve are due 24 h and 120 h later, whatever the desk time zone', () => {
    const due = slaDueDates({ sla: TEST_SLA }, 'normal', T0);
    expect(due.ackDueAt.toISOString()).to.equal('2026-03-03T01:00:00.000Z');
    expect(due.resolveDueAt.toISOString()).to.equal('2026-03-07T01:00:00.000Z');
    const urgent = slaDueDates({ sla: TEST_SLA }, 'urgent', T0);
    expect(urgent.ackDueAt.getTime() - T0.getTime()).to.equal(2 * HOUR_MS);
  });

  it('when the resolve clock pauses for 10 h and resumes, then the resolve due time moves 10 h later and the ack time does not', () => {
    const clock = startClock(TEST_SLA.normal, T0);
    const paused = pauseClock(clock, at(5));
    expect(pauseClock(paused, at(7)).pausedAt, 'a second pause keeps the first').to.deep.equal(at(5));
    const resumed = resumeClock(paused, at(15));
    expect(resumed.pausedAt).to.equal(null);
    expect(resumed.pausedMs).to.equal(10 * HOUR_MS);
    expect(resumed.resolveDueAt.toISOString()).to.equal(at(130).toISOString());
    expect(resumed.ackDueAt.toISOString()).to.equal(at(24).toISOString());
    expect(resumeClock(resumed, at(20)), 'resuming a running clock changes nothing').to.deep.equal(resumed);
  });

  it('when time passes during a pause, then the time left is frozen and the clock is not breached even past the original due time', () => {
    const clock = pauseClock(startClock(TEST_SLA.urgent, T0), at(20));
    const during = resolveStatus(clock, at(30));
    expect(during.state).to.equal('paused');
    expect(during.remainingMs).to.equal(4 * HOUR_MS);
    const resumed = resumeClock(clock, at(30));
    expect(resolveStatus(resumed, at(31)).state).to.equal('at_risk');
    expect(resolveStatus(resumed, at(34)).state).to.equal('breached');
  });

  it('when the priority changes, then both due times are recomputed from the window starts, keeping paused time served', () => {
    const clock = resumeClock(pauseClock(startClock(TEST_SLA.normal, T0), at(2)), at(8));
    const raised = recomputeClock(clock, TEST_SLA.urgent);
    expect(raised.ackDueAt.toISOString()).to.equal(at(2).toISOString());
    expect(raised.resolveDueAt.toISOString()).to.equal(at(24 + 6).toISOString());
    const lowered = recomputeClock(raised, TEST_SLA.low);
    expect(lowered.resolveDueAt.toISOString()).to.equal(at(240 + 6).toISOString());
    // A running pause stays running, and its time is added on resume.
    const pausedThenRaised = recomputeClock(pauseClock(clock, at(10)), TEST_SLA.high);
    expect(pausedThenRaised.pausedAt?.toISOString()).to.equal(at(10).toISOString());
    expect(resumeClock(pausedThenRaised, at(12)).resolveDueAt.toISOString()).to.equal(
      at(72 + 6 + 2).toISOString(),
    );
  });

  it('when a case is reopened, then it gets a fresh resolve window and no old paused time', () => {
    const clock = resumeClock(pauseClock(startClock(TEST_SLA.high, T0), at(1)), at(4));
    const reopened = restartResolveClock(clock, TEST_SLA.high, at(100));
    expect(reopened.resolveStartedAt.toISOString()).to.equal(at(100).toISOString());
    expect(reopened.resolveDueAt.toISOString()).to.equal(at(172).toISOString());
    expect(reopened.pausedMs).to.equal(0);
    expect(reopened.ackDueAt.toISOString()).to.equal(clock.ackDueAt.toISOString());
  });

  it('when less than a quarter of the window is left, then it is at risk; at the due time it is breached', () => {
    expect(AT_RISK_SHARE).to.equal(0.25);
    const clock = startClock(TEST_SLA.normal, T0); // ack window 24 h: at risk under 6 h left
    expect(ackStatus(clock, at(17.9)).state).to.equal('ok');
    expect(ackStatus(clock, at(18)).state, 'exactly 25% left is not yet at risk').to.equal('ok');
    expect(ackStatus(clock, at(18.1)).state).to.equal('at_risk');
    expect(ackStatus(clock, at(23.99)).state).to.equal('at_risk');
    const breached = ackStatus(clock, at(24));
    expect(breached.state).to.equal('breached');
    expect(ackStatus(clock, at(26)).remainingMs).to.equal(-2 * HOUR_MS);
  });

  it('when the target was met, then the window says met or met_late whatever the time now', () => {
    const clock = startClock(TEST_SLA.normal, T0);
    expect(ackStatus(clock, at(500), at(3)).state).to.equal('met');
    expect(ackStatus(clock, at(500), at(30)).state).to.equal('met_late');
    expect(resolveStatus(clock, at(500), at(119)).state).to.equal('met');
  });

  it('when a pause has been served, then the at-risk share is taken of the window without the pause', () => {
    // 24 h window plus a 24 h pause: due at 48 h; at risk only in the last 6 h.
    const w = { startAt: T0, dueAt: at(48), pausedMs: 24 * HOUR_MS };
    expect(windowStatus(w, at(41)).state).to.equal('ok');
    expect(windowStatus(w, at(43)).state).to.equal('at_risk');
  });
});
