import { Router, type Request, type Response } from 'express';
import { allow } from '../../lib/permissions.js';
import { Joi, objectId, validate } from '../../lib/validation.js';
import { isDay, nextDay, startOfDayInZone } from '../../lib/local-time.js';
import { renderPage } from '../../lib/views.js';
import { activeUsers } from '../users/index.js';
import { auditFacets, listAudit, type AuditFilter } from './audit.service.js';

// A calendar day as the date input sends it (Joi's isoDate() would rewrite it to a full timestamp).
const day = Joi.string().custom((v: string, helpers) => (isDay(v) ? v : helpers.error('date.base')));

const auditQuery = Joi.object({
  actor: objectId().allow(''),
  entity: Joi.string()
    .trim()
    .max(40)
    .pattern(/^[a-z_]+$/)
    .allow(''),
  action: Joi.string()
    .trim()
    .max(80)
    .pattern(/^[a-z_.]+$/)
    .allow(''),
  entityId: Joi.string()
    .trim()
    .max(64)
    .pattern(/^[A-Za-z0-9_-]+$/)
    .allow(''),
  from: day.allow(''),
  to: day.allow(''),
  after: Joi.string().max(200).allow(''),
});

async function index(req: Request, res: Response): Promise<void> {
  const raw = req.valid.query as Record<string, string | Date | undefined>;
  const filter: AuditFilter = {
    actor: (raw.actor as string) || undefined,
    entity: (raw.entity as string) || undefined,
    action: (raw.action as string) || undefined,
    entityId: (raw.entityId as string) || undefined,
    // Days are the viewer's calendar days; "to" includes its whole day.
    from: raw.from ? startOfDayInZone(String(raw.from), res.locals.timeZone) : undefined,
    to: raw.to ? startOfDayInZone(nextDay(String(raw.to)), res.locals.timeZone) : undefined,
    after: (raw.after as string) || undefined,
  };
  const [page, facets, users] = await Promise.all([listAudit(filter), auditFacets(), activeUsers()]);
  await renderPage(res, 'admin/audit/index', { page, facets, users, query: req.query });
}

export const auditRouter = Router();
auditRouter.get('/', allow('audit.read'), validate({ query: auditQuery }), index);
