import type { Request, Response } from 'express';
import { ValidationError } from '../../lib/errors.js';
import {
  changeStage,
  createAgreement,
  crossFieldErrors,
  findAgreement,
  listAgreements,
  updateAgreement,
  type AgreementInput,
  type AgreementListFilter,
  type StageInput,
} from '../agreements/index.js';
import { auditContext } from '../audit/index.js';
import { created, id, user, type Doc } from './api.controller.js';
import { listBody, presentAgreement } from './api.present.js';

/** The rules the form checks across fields (partners given, currency with an amount, term order). */
function checkAgreement(input: AgreementInput): AgreementInput {
  const errors = crossFieldErrors(input);
  if (Object.keys(errors).length) throw new ValidationError(errors);
  return input;
}

// Agreements: everyone who reads agreements reads them all (as on the list page); coordinators
// edit and move only those they own (the service checks, as for the pages).
export async function agreementsIndex(req: Request, res: Response): Promise<void> {
  const filter = req.valid.query as AgreementListFilter;
  const page = await listAgreements(filter, user(req));
  res.json({ ...listBody(req, page, presentAgreement, filter as unknown as Doc), total: page.total });
}

export async function agreementsShow(req: Request, res: Response): Promise<void> {
  res.json({ data: presentAgreement((await findAgreement(id(req))) as unknown as Doc) });
}

export async function agreementsCreate(req: Request, res: Response): Promise<void> {
  const input = checkAgreement(req.valid.body as AgreementInput);
  const a = await createAgreement(input, user(req), auditContext(req));
  created(res, `/api/v1/agreements/${a._id.toHexString()}`, presentAgreement(a as unknown as Doc));
}

export async function agreementsUpdate(req: Request, res: Response): Promise<void> {
  const input = checkAgreement(req.valid.body as AgreementInput);
  const a = await updateAgreement(id(req), input, user(req), auditContext(req));
  res.json({ data: presentAgreement(a as unknown as Doc) });
}

/**
 * A stage change with the board's rules: `fromStage` and `version` say what the client saw,
 * and a change decided on an older state is a 409 (never applied twice).
 */
export async function agreementsStage(req: Request, res: Response): Promise<void> {
  const a = await changeStage(id(req), req.valid.body as StageInput, user(req), auditContext(req));
  res.json({ data: presentAgreement(a as unknown as Doc) });
}
