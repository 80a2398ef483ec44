import type { Request, Response } from 'express';
import { auditContext } from '../audit/index.js';
import {
  acknowledgeCase,
  addNote,
  assignCase,
  auditRestrictedView,
  caseAccess,
  changePriority,
  changeStatus,
  closeCase,
  createCase,
  findCaseFor,
  linkPartners,
  listCases,
  reopenCase,
  resolveCase,
  transferCase,
  type CaseListQuery,
  type CasePriority,
  type CaseStatus,
  type ComplaintCase,
  type IntakeInput,
  type ResolveInput,
} from '../cases/index.js';
import { created, id, user, type Doc } from './api.controller.js';
import { listBody, presentCase, presentCaseRow } from './api.present.js';

type Versioned = { version: number } & Record<string, unknown>;

/** A case as this user may see it (complainant and internal notes by case-access rules). */
function caseBody(req: Request, c: ComplaintCase): Record<string, unknown> {
  return presentCase(c as unknown as Doc, caseAccess(user(req), c));
}

// Cases: the list's tabs (scope) and filters with its row scope; the case itself is a 404 for
// whoever may not read it, as on the page.
export async function casesIndex(req: Request, res: Response): Promise<void> {
  const query = req.valid.query as CaseListQuery;
  const page = await listCases(query, user(req));
  res.json({ ...listBody(req, page, presentCaseRow, query as unknown as Doc), scope: page.scope });
}

export async function casesShow(req: Request, res: Response): Promise<void> {
  const { c, access } = await findCaseFor(id(req), user(req));
  // Complainant details read outside one's desks are audited, as when the page is opened.
  await auditRestrictedView(c, access, auditContext(req));
  res.json({ data: presentCase(c as unknown as Doc, access) });
}

export async function casesCreate(req: Request, res: Response): Promise<void> {
  const input = { ...(req.valid.body as IntakeInput), pq: '', intent: 'save' as const };
  const c = await createCase(input, user(req), auditContext(req), { timeZone: user(req).timeZone });
  created(res, `/api/v1/cases/${c._id.toHexString()}`, caseBody(req, c));
}

// Actions carry the case version the client saw: an older one is a 409, nothing written.
const versionOf = (req: Request) => ({ version: (req.valid.body as Versioned).version });

export async function casesNote(req: Request, res: Response): Promise<void> {
  const body = req.valid.body as Versioned & { note: string; visibility: 'internal' | 'external' };
  const c = await addNote(
    id(req),
    { note: body.note, visibility: body.visibility, partnerContacted: body.partnerContacted === '1' },
    user(req),
    auditContext(req),
    versionOf(req),
  );
  res.json({ data: caseBody(req, c) });
}

export async function casesStatus(req: Request, res: Response): Promise<void> {
  const to = (req.valid.body as Versioned & { status: CaseStatus }).status;
  const c = await changeStatus(id(req), to, user(req), auditContext(req), versionOf(req));
  res.json({ data: caseBody(req, c) });
}

export async function casesAcknowledge(req: Request, res: Response): Promise<void> {
  const c = await acknowledgeCase(id(req), user(req), auditContext(req), versionOf(req));
  res.json({ data: caseBody(req, c) });
}

export async function casesAssign(req: Request, res: Response): Promise<void> {
  const assignee = (req.valid.body as Versioned & { assignee: string }).assignee;
  const c = await assignCase(id(req), assignee, user(req), auditContext(req), versionOf(req));
  res.json({ data: caseBody(req, c) });
}

export async function casesPriority(req: Request, res: Response): Promise<void> {
  const priority = (req.valid.body as Versioned & { priority: CasePriority }).priority;
  const c = await changePriority(id(req), priority, user(req), auditContext(req), versionOf(req));
  res.json({ data: caseBody(req, c) });
}

export async function casesLinkPartners(req: Request, res: Response): Promise<void> {
  const partners = (req.valid.body as Versioned & { partners: string[] }).partners;
  const c = await linkPartners(id(req), partners, user(req), auditContext(req), versionOf(req));
  res.json({ data: caseBody(req, c) });
}

export async function casesResolve(req: Request, res: Response): Promise<void> {
  const body = req.valid.body as Versioned & ResolveInput;
  const c = await resolveCase(id(req), body, user(req), auditContext(req), versionOf(req));
  res.json({ data: caseBody(req, c) });
}

export async function casesClose(req: Request, res: Response): Promise<void> {
  const c = await closeCase(id(req), user(req), auditContext(req), versionOf(req));
  res.json({ data: caseBody(req, c) });
}

export async function casesReopen(req: Request, res: Response): Promise<void> {
  const reason = (req.valid.body as Versioned & { reason: string }).reason;
  const c = await reopenCase(id(req), reason, user(req), auditContext(req), versionOf(req));
  res.json({ data: caseBody(req, c) });
}

export async function casesTransfer(req: Request, res: Response): Promise<void> {
  const body = req.valid.body as Versioned & { toDesk: string; transferNote: string };
  const c = await transferCase(id(req), body, user(req), auditContext(req), versionOf(req));
  res.json({ data: caseBody(req, c) });
}
