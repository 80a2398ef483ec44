import { trusted } from '../../lib/db/index.js';
import { registerDashboardTile } from '../home/index.js';
import { AgreementModel } from './agreement.model.js';
import { countByStage, officeToday } from './agreements.service.js';
import { dayString } from './dates.js';
import { STAGES } from './stages.js';

const DAY = 86_400_000;
const EXPIRY_WINDOW_DAYS = 90;

// Managers' view of the pipeline: how many agreements sit in each stage, each linked to its list.
registerDashboardTile({
  key: 'agreements-pipeline',
  order: 130,
  title: 'agreements.tiles.pipeline',
  action: 'agreements.metrics',
  view: 'agreements/tile-pipeline',
  cache: { scope: 'shared', tags: ['agreements'], varies: [] },
  async load() {
    const counts = await countByStage({});
    return { stages: STAGES.map((stage) => ({ stage, count: counts.get(stage) ?? 0 })) };
  },
});

registerDashboardTile({
  key: 'agreements-expiring',
  order: 135,
  title: 'agreements.tiles.expiring',
  action: 'agreements.metrics',
  view: 'agreements/tile-expiring',
  cache: { scope: 'shared', tags: ['agreements'], varies: [] },
  async load({ now }) {
    const from = officeToday(now);
    const to = new Date(from.getTime() + EXPIRY_WINDOW_DAYS * DAY);
    const query: Record<string, unknown> = {
      stage: trusted({ $in: ['signed', 'active'] }),
      expiresAt: trusted({ $gte: from, $lte: to }),
    };
    const [rows, total] = await Promise.all([
      AgreementModel.find(query, { title: 1, expiresAt: 1, stage: 1 })
        .sort({ expiresAt: 1, _id: 1 })
        .limit(5)
        .lean(),
      AgreementModel.countDocuments(query),
    ]);
    return {
      rows: rows.map((r) => ({
        id: r._id.toHexString(),
        title: r.title,
        expiresAt: r.expiresAt,
        days: Math.round((r.expiresAt!.getTime() - from.getTime()) / DAY),
      })),
      total,
      link: `/agreements?expiresFrom=${dayString(from)}&expiresTo=${dayString(to)}`,
    };
  },
});
