import { Router, type Request, type Response } from 'express';
import { allow } from '../../lib/permissions.js';
import { Joi, objectId, validate } from '../../lib/validation.js';
import { renderPage } from '../../lib/views.js';
import { activeUsers } from '../users/index.js';
import { auditFacets, listAudit, type AuditFilter } from './audit.service.js';

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
  from: Joi.date().iso().allow(''),
  to: Joi.date().iso().allow(''),
  after: Joi.string().max(200).allow(''),
});

async function index(req: Request, res: Response): Promise<void> {
  const raw = req.valid.query as Record<string, string | Date | undefined>;
  const filter: AuditFilter = {
    actor: (raw.actor as string) || undefined,
    entity: (raw.entity as string) || undefined,
    action: (raw.action as string) || undefined,
    entityId: (raw.entityId as string) || undefined,
    from: raw.from instanceof Date ? raw.from : undefined,
    // "to" is a whole day: include it.
    to: raw.to instanceof Date ? new Date(raw.to.getTime() + 86_400_000) : undefined,
    after: (raw.after as string) || undefined,
  };
  const [page, facets, users] = await Promise.all([listAudit(filter), auditFacets(), activeUsers()]);
  await renderPage(res, 'admin/audit/index', { page, facets, users, query: req.query });
}

export const auditRouter = Router();
auditRouter.get('/', allow('audit.read'), validate({ query: auditQuery }), index);
