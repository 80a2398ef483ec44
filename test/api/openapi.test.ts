import { expect } from 'chai';
import type Joi from 'joi';
import request from 'supertest';
import { listRoutes } from '../../src/lib/route-table.js';
import { apiRouter } from '../../src/modules/api/index.js';
import { PARTNER_TYPES, partnerSchema } from '../../src/modules/partners/index.js';
import { PLAQUE_KINDS } from '../../src/modules/plaques/index.js';
import { agreementSchema, STAGES } from '../../src/modules/agreements/index.js';
import { intakeSchema } from '../../src/modules/cases/index.js';
import { useTestApp } from '../support/db.js';

type Operation = {
  'x-permission': string;
  requestBody?: {
    content: { 'application/json': { schema: { properties: Record<string, unknown>; required?: string[] } } };
  };
  parameters: { name: string; in: string }[];
};

describe('JSON API: the OpenAPI document', () => {
  const { app } = useTestApp();

  async function fetchDocument() {
    const res = await request(app()).get('/api/v1/openapi.json').expect(200);
    return res.body as { openapi: string; paths: Record<string, Record<string, Operation>> };
  }

  it('when the document is fetched without a token, then it is OpenAPI 3.1 with a bearer scheme', async () => {
    const doc = await fetchDocument();
    expect(doc.openapi).to.equal('3.1.0');
    expect(JSON.stringify(doc)).to.contain('"scheme":"bearer"');
  });

  it('when the document is compared with the mounted router, then every route is described with its permission, and nothing else is', async () => {
    const doc = await fetchDocument();
    const routes = listRoutes([['/api/v1', apiRouter]]).filter((r) => r.path !== '/api/v1/openapi.json');
    const fromRouter = routes
      .map(
        (r) =>
          `${r.method} ${r.path.replace('/api/v1', '').replace(/:([A-Za-z]+)/g, '{$1}')} ${r.rule?.kind === 'action' ? r.rule.action : '?'}`,
      )
      .sort();
    const fromDoc = Object.entries(doc.paths)
      .flatMap(([path, ops]) =>
        Object.entries(ops).map(([m, op]) => `${m.toUpperCase()} ${path} ${op['x-permission']}`),
      )
      .sort();
    expect(fromDoc).to.deep.equal(fromRouter);
    expect(fromDoc.length).to.be.greaterThan(15);
  });

  it('when a request body is described, then its fields and required fields are the Joi schema’s', async () => {
    const doc = await fetchDocument();
    const body = (path: string, method: string) =>
      doc.paths[path]![method]!.requestBody!.content['application/json'].schema;
    const keysOf = (schema: Joi.ObjectSchema) => {
      const d = schema.describe() as { keys: Record<string, { flags?: { presence?: string } }> };
      return {
        all: Object.keys(d.keys).sort(),
        required: Object.entries(d.keys)
          .filter(([, v]) => v.flags?.presence === 'required')
          .map(([k]) => k)
          .sort(),
      };
    };
    const partners = body('/partners', 'post');
    expect(Object.keys(partners.properties).sort()).to.deep.equal(keysOf(partnerSchema).all);
    expect([...(partners.required ?? [])].sort()).to.deep.equal(keysOf(partnerSchema).required);
    expect((partners.properties.type as { enum: string[] }).enum).to.deep.equal([...PARTNER_TYPES]);
    const plaques = body('/plaques', 'post');
    expect((plaques.properties.kind as { enum: string[] }).enum).to.deep.equal([...PLAQUE_KINDS]);
    expect(plaques.required).to.include.members(['kind', 'partner', 'awardedAt', 'validUntil']);
    expect(body('/contacts', 'post').required).to.include('partner');
    const list = doc.paths['/partners']!.get!.parameters.map((p) => p.name);
    expect(list).to.include.members(['q', 'type', 'country', 'after']);
    // Every POST documents the Idempotency-Key header, no other method does.
    for (const [path, ops] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(ops))
        expect(
          op!.parameters.some((p) => p.name === 'Idempotency-Key' && p.in === 'header'),
          `${method} ${path}`,
        ).to.equal(method === 'post');
  });

  it('when agreements, cases and targets are described, then bodies are the form schemas without form-only keys, and actions answer 200', async () => {
    const doc = await fetchDocument();
    type Op = Operation & { responses: Record<string, unknown> };
    const op = (path: string, method: string) => doc.paths[path]![method] as Op;
    const body = (path: string, method: string) =>
      op(path, method).requestBody!.content['application/json'].schema;
    const keys = (schema: Joi.ObjectSchema, without: string[]) =>
      Object.keys((schema.describe() as { keys: Record<string, unknown> }).keys)
        .filter((k) => !without.includes(k))
        .sort();
    expect(Object.keys(body('/agreements', 'post').properties).sort()).to.deep.equal(
      keys(agreementSchema, ['pq', 'intent']),
    );
    expect(body('/agreements/{id}', 'put').required).to.include.members(['title', 'category']);
    const stage = body('/agreements/{id}/stage', 'post');
    expect(stage.required).to.include.members(['to', 'fromStage', 'version']);
    expect((stage.properties.to as { enum: string[] }).enum).to.deep.equal([...STAGES]);
    expect(stage.properties).not.to.have.property('back');
    expect(Object.keys(body('/cases', 'post').properties).sort()).to.deep.equal(
      keys(intakeSchema, ['pq', 'intent']),
    );
    expect(body('/cases/{id}/notes', 'post').required).to.include.members(['version', 'note']);
    const actuals = body('/targets/{id}/actuals', 'put');
    expect(actuals.required).to.deep.equal(['year']);
    const months = actuals.properties.months as { properties: Record<string, unknown> };
    expect(Object.keys(months.properties)).to.deep.equal(Array.from({ length: 12 }, (_, i) => String(i + 1)));
    expect(op('/agreements', 'post').responses).to.have.property('201');
    expect(op('/agreements/{id}/stage', 'post').responses).to.have.property('200');
    expect(op('/cases/{id}/status', 'post').responses).to.have.property('200');
    expect(op('/plaques/{id}/revoke', 'post').responses).to.have.property('200');
    expect(op('/cases', 'get').parameters.map((p) => p.name)).to.include.members([
      'scope',
      'status',
      'breach',
    ]);
    expect(op('/targets/{id}/actuals', 'get').parameters.map((p) => p.name)).to.include('year');
  });
});
