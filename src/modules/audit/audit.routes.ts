import { Router, type Request, type Response } from 'express';
import { allow } from '../../lib/permissions.js';
import { Joi, objectId, validate } from '../../lib/validation.js';
import { startOfDayInZone } from '../../lib/i18n.js';
import { renderPage } from '../../lib/views.js';
import { activeUsers } from '../users/index.js';
import { auditFacets, listAudit, type AuditFilter } from './audit.service.js';

// A calendar day as the date input sends it (Joi's isoDate() would rewrite it to a full timestamp).
const day = Joi.string()
  .pattern(/^\d{4}-\d{2}-\d{2}$/)
  .custom((v: string, helpers) =>
    Number.isNaN(Date.parse(`${v}T00:00:00Z`)) ? helpers.error('date.base') : v,
  );

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

function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

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
