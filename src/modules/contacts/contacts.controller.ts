import type { Request, Response } from 'express';
import { countryName, countryOptions } from '../../lib/countries.js';
import { flash } from '../../lib/flash.js';
import { renderPage } from '../../lib/views.js';
import { auditContext } from '../audit/index.js';
import { partnerNames, type Partner } from '../partners/index.js';
import { CONTACT_LANGUAGES, type Contact } from './contact.model.js';
import type { ContactInput, ContactListFilter } from './contacts.schemas.js';
import * as contacts from './contacts.service.js';

function contactValues(contact: Contact): Record<string, unknown> {
  return {
    name: contact.name,
    nameLocal: contact.nameLocal ?? '',
    title: contact.title ?? '',
    email: contact.email ?? '',
    phone: contact.phone ?? '',
    wechat: contact.wechat ?? '',
    line: contact.line ?? '',
    whatsapp: contact.whatsapp ?? '',
    languages: contact.languages,
    primary: contact.primary ? '1' : '',
  };
}

export async function index(req: Request, res: Response): Promise<void> {
  const filter = req.valid.query as ContactListFilter;
  const page = await contacts.listContacts(filter);
  const partners = await partnerNames([
    ...page.rows.map((r) => r.partner),
    ...(filter.partner ? [filter.partner] : []),
  ]);
  await renderPage(res, 'contacts/index', {
    page,
    filter,
    partners,
    filterPartner: filter.partner ? (partners.get(filter.partner) ?? null) : null,
    languages: CONTACT_LANGUAGES,
    countries: countryOptions(res.locals.locale),
    title: res.locals.t('contacts.title'),
  });
}

/** Locals of the new-contact form (also when it is shown again after a rejected create). */
export async function newLocals(req: Request, res: Response): Promise<Record<string, unknown>> {
  const { id } = req.valid.params as { id: string };
  const partner = await contacts.writablePartner(id, req.user!);
  return formLocals(res, partner, null);
}

function formLocals(res: Response, partner: Partner, contact: Contact | null): Record<string, unknown> {
  return {
    partner,
    contact,
    languages: CONTACT_LANGUAGES,
    countryLabel: countryName(partner.country, res.locals.locale),
    title: res.locals.t(contact ? 'contacts.editTitle' : 'contacts.newTitle'),
  };
}

export async function newForm(req: Request, res: Response): Promise<void> {
  await renderPage(res, 'contacts/form', {
    ...(await newLocals(req, res)),
    values: { languages: [] },
    errors: {},
  });
}

export async function create(req: Request, res: Response): Promise<void> {
  const { id } = req.valid.params as { id: string };
  const contact = await contacts.createContact(
    id,
    req.valid.body as ContactInput,
    req.user!,
    auditContext(req),
  );
  flash(req, 'success', res.locals.t('contacts.created', { name: contact.name }));
  res.redirect(`/partners/${id}`);
}

export async function show(req: Request, res: Response): Promise<void> {
  const { id } = req.valid.params as { id: string };
  const { contact, partner, canWrite } = await contacts.showContact(id, req.user!);
  await renderPage(res, 'contacts/show', {
    contact,
    partner,
    canWrite,
    countryLabel: countryName(partner.country, res.locals.locale),
    title: contact.name,
  });
}

/** Locals of the edit form (also when it is shown again after a rejected update). */
export async function editLocals(req: Request, res: Response): Promise<Record<string, unknown>> {
  // req.params is the app's again by the time the error middleware runs; the validated id stays.
  const { id } = req.valid.params as { id: string };
  const { contact, partner } = await contacts.contactForEdit(id, req.user!);
  return formLocals(res, partner, contact);
}

export async function editForm(req: Request, res: Response): Promise<void> {
  const locals = await editLocals(req, res);
  await renderPage(res, 'contacts/form', {
    ...locals,
    values: contactValues(locals.contact as Contact),
    errors: {},
  });
}

export async function update(req: Request, res: Response): Promise<void> {
  const { id } = req.valid.params as { id: string };
  const contact = await contacts.updateContact(
    id,
    req.valid.body as ContactInput,
    req.user!,
    auditContext(req),
  );
  flash(req, 'success', res.locals.t('contacts.updated', { name: contact.name }));
  res.redirect(`/contacts/${id}`);
}

export async function primary(req: Request, res: Response): Promise<void> {
  const { id } = req.valid.params as { id: string };
  const { returnTo } = req.valid.body as { returnTo: 'partner' | 'contact' };
  const contact = await contacts.makePrimary(id, req.user!, auditContext(req));
  flash(req, 'success', res.locals.t('contacts.primaryMade', { name: contact.name }));
  res.redirect(returnTo === 'partner' ? `/partners/${contact.partner.toHexString()}` : `/contacts/${id}`);
}

export async function archive(req: Request, res: Response): Promise<void> {
  const { id } = req.valid.params as { id: string };
  const contact = await contacts.archiveContact(id, req.user!, auditContext(req));
  flash(req, 'success', res.locals.t('contacts.archivedMsg', { name: contact.name }));
  res.redirect(`/partners/${contact.partner.toHexString()}`);
}
