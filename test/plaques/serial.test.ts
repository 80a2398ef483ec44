import { expect } from 'chai';
import { SYSTEM } from '../../src/modules/audit/index.js';
import {
  awardPlaque,
  formatSerial,
  PlaqueModel,
  revokePlaque,
  SERIAL_PATTERN,
  type PlaqueKind,
} from '../../src/modules/plaques/index.js';
import { loginAs } from '../support/agent.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { createPartner } from '../factories/partner.js';

function input(kind: PlaqueKind, partner: string, awardedAt = '2025-11-17') {
  return { kind, partner, event: null, awardedAt, validUntil: '2028-11-16', notes: null };
}

describe('plaques: serials', () => {
  const { app } = useTestApp();

  beforeEach(async () => {
    await clearDatabase();
  });

  it('when serials are formatted, then they read CQSEA-<RM|ISP|SPB>-<year>-<3+ digits>', () => {
    expect(formatSerial('image_sales_point', 2025, 7)).to.equal('CQSEA-ISP-2025-007');
    expect(formatSerial('regional_marketing', 2026, 1234)).to.equal('CQSEA-RM-2026-1234');
    expect(formatSerial('student_practice_base', 2025, 12)).to.equal('CQSEA-SPB-2025-012');
    expect(SERIAL_PATTERN.test('CQSEA-ISP-2025-007')).to.equal(true);
    expect(SERIAL_PATTERN.test('CQSEA-ISP-2025-07')).to.equal(false);
    expect(SERIAL_PATTERN.test('CQSEA-XX-2025-007')).to.equal(false);
  });

  it('when plaques of different kinds and years are awarded, then each kind and year counts from 001 on its own', async () => {
    const intl = await createPartner({ type: 'distributor_international' });
    const uni = await createPartner({ type: 'university' });
    const serials = [
      (await awardPlaque(input('image_sales_point', intl._id.toHexString()), null, SYSTEM)).serial,
      (await awardPlaque(input('image_sales_point', intl._id.toHexString()), null, SYSTEM)).serial,
      (await awardPlaque(input('student_practice_base', uni._id.toHexString()), null, SYSTEM)).serial,
      (await awardPlaque(input('image_sales_point', intl._id.toHexString(), '2026-01-05'), null, SYSTEM))
        .serial,
    ];
    expect(serials).to.deep.equal([
      'CQSEA-ISP-2025-001',
      'CQSEA-ISP-2025-002',
      'CQSEA-SPB-2025-001',
      'CQSEA-ISP-2026-001',
    ]);
  });

  it('when 20 awards of one kind and year run at once, then they get 20 distinct serials', async function () {
    this.timeout(60_000);
    const partners = await Promise.all(
      Array.from({ length: 4 }, () => createPartner({ type: 'distributor_domestic', country: 'CN' })),
    );
    const plaques = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        awardPlaque(input('regional_marketing', partners[i % 4]!._id.toHexString()), null, SYSTEM),
      ),
    );
    const serials = plaques.map((p) => p.serial);
    expect(new Set(serials).size).to.equal(20);
    for (const s of serials) expect(s).to.match(/^CQSEA-RM-2025-\d{3}$/);
    expect(await PlaqueModel.countDocuments({ kind: 'regional_marketing' })).to.equal(20);
  });

  it('when a plaque is revoked, then its serial stays taken and the next award gets a new number', async () => {
    const partner = await createPartner({ type: 'university' });
    const admin = await loginAs(app(), 'admin');
    const first = await awardPlaque(input('student_practice_base', partner._id.toHexString()), null, SYSTEM);
    const revoked = await revokePlaque(
      first._id.toHexString(),
      'Awarded in error',
      { ...admin.user, desks: [], timeZone: 'UTC' },
      SYSTEM,
    );
    expect(revoked.serial).to.equal(first.serial);
    const next = await awardPlaque(input('student_practice_base', partner._id.toHexString()), null, SYSTEM);
    expect(first.serial).to.equal('CQSEA-SPB-2025-001');
    expect(next.serial).to.equal('CQSEA-SPB-2025-002');
  });

  it('when another instance already stored the next number, then the award skips it (gap-tolerant) instead of failing', async () => {
    const partner = await createPartner({ type: 'distributor_international' });
    // Another instance took 001 while this one's counter did not see it (FerretDB's racing $inc).
    await PlaqueModel.create({
      kind: 'image_sales_point',
      serial: 'CQSEA-ISP-2025-001',
      partner: partner._id,
      partnerCountry: partner.country,
      awardedAt: new Date('2025-11-17T00:00:00Z'),
      validUntil: new Date('2028-11-16T00:00:00Z'),
      year: 2025,
    });
    const plaque = await awardPlaque(input('image_sales_point', partner._id.toHexString()), null, SYSTEM);
    expect(plaque.serial).to.equal('CQSEA-ISP-2025-002');
  });

  it('when a serial is inserted twice directly, then the unique index refuses the second', async () => {
    const partner = await createPartner({ type: 'university' });
    const first = await awardPlaque(input('student_practice_base', partner._id.toHexString()), null, SYSTEM);
    const { _id: _ignored, ...copy } = first;
    let error: unknown;
    try {
      await PlaqueModel.create(copy);
    } catch (err) {
      error = err;
    }
    expect((error as { code?: number }).code).to.equal(11000);
  });
});
