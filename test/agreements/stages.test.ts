import { expect } from 'chai';
import {
  checkStageInvariants,
  checkTransition,
  isAllowed,
  isBackward,
  needsNote,
  STAGES,
  type Stage,
} from '../../src/modules/agreements/index.js';

const day = (text: string): Date => new Date(`${text}T00:00:00.000Z`);
const TODAY = day('2026-06-15');

/** The rule book, written out by hand: every move the pipeline allows. */
const EXPECTED: Record<Stage, Stage[]> = {
  lead: ['negotiation', 'withdrawn'],
  negotiation: ['review', 'lead', 'withdrawn'],
  review: ['signed', 'negotiation', 'withdrawn'],
  signed: ['active', 'review', 'expired', 'terminated'],
  active: ['expired', 'terminated', 'signed'],
  expired: [],
  terminated: [],
  withdrawn: [],
};

/** Everything any move could need, valid. */
const COMPLETE = {
  note: 'agreed with the partner',
  signedAt: day('2026-05-01'),
  effectiveFrom: day('2026-05-10'),
  expiresAt: day('2026-06-01'),
};

describe('agreement stages: the transition table (pure)', () => {
  describe('every (from, to) pair', () => {
    for (const from of STAGES) {
      for (const to of STAGES) {
        const allowed = EXPECTED[from].includes(to);
        it(`${from} → ${to} is ${allowed ? 'allowed' : 'refused'}`, () => {
          expect(isAllowed(from, to)).to.equal(allowed);
          const errors = checkTransition(from, to, COMPLETE, TODAY);
          if (allowed) expect(errors, JSON.stringify(errors)).to.deep.equal({});
          else expect(errors.to).to.be.a('string');
        });
      }
    }
  });

  it('when the agreement is already at the stage, then the move is refused as "same stage"', () => {
    expect(checkTransition('review', 'review', COMPLETE, TODAY)).to.deep.equal({
      to: 'agreements.errors.sameStage',
    });
  });

  it('when the agreement is in a terminal stage, then every move is refused as final', () => {
    for (const from of ['expired', 'terminated', 'withdrawn'] as Stage[]) {
      for (const to of STAGES.filter((s) => s !== from)) {
        expect(checkTransition(from, to, COMPLETE, TODAY)).to.deep.equal({
          to: 'agreements.errors.terminal',
        });
      }
    }
  });

  it('when a move skips a stage (lead → signed, negotiation → active), then it is an illegal jump', () => {
    expect(checkTransition('lead', 'signed', COMPLETE, TODAY).to).to.equal('agreements.errors.illegalMove');
    expect(checkTransition('negotiation', 'active', COMPLETE, TODAY).to).to.equal(
      'agreements.errors.illegalMove',
    );
    expect(checkTransition('lead', 'terminated', COMPLETE, TODAY).to).to.equal(
      'agreements.errors.illegalMove',
    );
  });

  it('when entering signed without a signing date, or with one in the future, then signedAt is the error', () => {
    const none = { ...COMPLETE, signedAt: null };
    expect(checkTransition('review', 'signed', none, TODAY)).to.deep.equal({
      signedAt: 'agreements.errors.signedAtRequired',
    });
    const future = { ...COMPLETE, signedAt: day('2026-06-16') };
    expect(checkTransition('review', 'signed', future, TODAY)).to.deep.equal({
      signedAt: 'agreements.errors.signedInFuture',
    });
    expect(checkTransition('review', 'signed', { ...COMPLETE, signedAt: TODAY }, TODAY)).to.deep.equal({});
  });

  it('when entering active without dates, or ending on or before the start, then those dates are the errors', () => {
    expect(
      checkTransition('signed', 'active', { ...COMPLETE, effectiveFrom: null, expiresAt: null }, TODAY),
    ).to.deep.equal({
      effectiveFrom: 'agreements.errors.effectiveFromRequired',
      expiresAt: 'agreements.errors.expiresAtRequired',
    });
    const sameDay = { ...COMPLETE, effectiveFrom: day('2026-07-01'), expiresAt: day('2026-07-01') };
    expect(checkTransition('signed', 'active', sameDay, TODAY)).to.deep.equal({
      expiresAt: 'agreements.errors.endBeforeStart',
    });
    const before = { ...COMPLETE, effectiveFrom: day('2026-07-01'), expiresAt: day('2026-06-30') };
    expect(checkTransition('signed', 'active', before, TODAY).expiresAt).to.equal(
      'agreements.errors.endBeforeStart',
    );
  });

  it('when moving backwards, terminating or withdrawing without a note, then a note is required; forward moves need none', () => {
    const silent = { ...COMPLETE, note: '  ' };
    for (const [from, to] of [
      ['negotiation', 'lead'],
      ['review', 'negotiation'],
      ['signed', 'review'],
      ['active', 'signed'],
      ['lead', 'withdrawn'],
      ['signed', 'terminated'],
    ] as [Stage, Stage][]) {
      expect(needsNote(from, to), `${from}→${to}`).to.equal(true);
      expect(checkTransition(from, to, silent, TODAY).note, `${from}→${to}`).to.equal(
        'agreements.errors.noteRequired',
      );
    }
    expect(checkTransition('lead', 'negotiation', { ...COMPLETE, note: null }, TODAY)).to.deep.equal({});
    expect(isBackward('review', 'negotiation')).to.equal(true);
    expect(isBackward('negotiation', 'review')).to.equal(false);
  });

  it('when moving to expired before the expiry day has passed, then it is refused', () => {
    expect(checkTransition('active', 'expired', { ...COMPLETE, expiresAt: TODAY }, TODAY)).to.deep.equal({
      expiresAt: 'agreements.errors.notYetExpired',
    });
    expect(
      checkTransition('active', 'expired', { ...COMPLETE, expiresAt: day('2026-06-14') }, TODAY),
    ).to.deep.equal({});
  });

  it('when stored dates are checked for a stage, then signed needs signedAt and active needs a start before the end', () => {
    const empty = { signedAt: null, effectiveFrom: null, expiresAt: null };
    expect(checkStageInvariants('lead', empty)).to.deep.equal({});
    expect(checkStageInvariants('signed', empty)).to.deep.equal({
      signedAt: 'agreements.errors.signedAtRequired',
    });
    expect(checkStageInvariants('active', { ...empty, signedAt: TODAY })).to.deep.equal({
      effectiveFrom: 'agreements.errors.effectiveFromRequired',
      expiresAt: 'agreements.errors.expiresAtRequired',
    });
    expect(
      checkStageInvariants('lead', {
        ...empty,
        effectiveFrom: day('2026-02-01'),
        expiresAt: day('2026-01-01'),
      }),
    ).to.deep.equal({ expiresAt: 'agreements.errors.endBeforeStart' });
  });
});
