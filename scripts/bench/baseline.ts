// The baseline the SPEC compares against: a bare node:http server that runs the partner list's
// query with the raw driver and renders the same EJS templates, with no Express, sessions,
// Mongoose, permissions or middleware. The app's req/s divided by this one's is its overhead.
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import ejs from 'ejs';
import type { Db } from 'mongodb';
import { countryName, countryOptions } from '../../src/lib/countries.js';
import { formatDate, translator } from '../../src/lib/i18n.js';
import { viewsDir } from '../../src/lib/paths.js';
import { ALLIANCE_STATUSES, LIST_FIELDS, PARTNER_TYPES } from '../../src/modules/partners/index.js';

export async function startBaseline(
  db: Db,
  filter: { country: string },
): Promise<{ port: number; close(): Promise<void> }> {
  const t = translator('en');
  const user = {
    _id: '000000000000000000000000',
    name: 'Bench',
    role: 'manager',
    locale: 'en',
    timeZone: 'Asia/Shanghai',
  };
  const render = (view: string, locals: Record<string, unknown>) =>
    ejs.renderFile(join(viewsDir, `${view}.ejs`), locals, { cache: true });
  const server: Server = createServer((_req, res) => {
    void (async () => {
      const query = { archivedAt: null, country: filter.country };
      const [rows, total] = await Promise.all([
        db
          .collection('partners')
          .find(query, { projection: LIST_FIELDS })
          .sort({ sortName: 1, _id: 1 })
          .limit(51)
          .toArray(),
        db.collection('partners').countDocuments(query, { limit: 10_001 }),
      ]);
      const ownerIds = [...new Set(rows.map((r) => String(r.owner)).filter((id) => id !== 'null'))];
      const users = await db
        .collection('users')
        .find({}, { projection: { name: 1 } })
        .toArray();
      const owners = new Map(
        users.filter((u) => ownerIds.includes(String(u._id))).map((u) => [String(u._id), u.name]),
      );
      const locals = {
        t,
        locale: 'en',
        timeZone: 'Asia/Shanghai',
        currentUser: user,
        currentPath: '/partners',
        currentUrl: '/partners',
        flashMessages: [],
        unreadNotifications: 0,
        csrfToken: () => 'baseline',
        can: () => true,
        canOnRecord: () => true,
        fmtDate: (v: Date | null, withTime = true) => formatDate(v, 'en', 'Asia/Shanghai', withTime),
        page: {
          rows: rows.slice(0, 50),
          next: rows.length > 50 ? 'x' : undefined,
          total,
          totalCapped: total > 10_000,
        },
        filter: {
          q: '',
          type: '',
          country: filter.country,
          status: '',
          owner: '',
          tag: '',
          archived: 'no',
          sort: 'name',
        },
        owners,
        users,
        types: PARTNER_TYPES,
        statuses: ALLIANCE_STATUSES,
        countries: countryOptions('en'),
        countryName: (code: string) => countryName(code, 'en'),
        canBulk: true,
        title: t('partners.title'),
      };
      const body = await render('partners/index', locals);
      const html = await render('layout', { ...locals, body });
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(html);
    })().catch((err: unknown) => {
      res.writeHead(500);
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
