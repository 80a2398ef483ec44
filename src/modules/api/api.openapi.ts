import type Joi from 'joi';
import { config } from '../../config/index.js';
import type { ApiRoute } from './api.routes.js';

type JsonSchema = Record<string, unknown>;

interface Description {
  type?: string;
  flags?: { presence?: string; only?: boolean; unknown?: boolean; default?: unknown; single?: boolean };
  allow?: unknown[];
  rules?: { name: string; args?: Record<string, unknown> }[];
  keys?: Record<string, Description>;
  items?: Description[];
  matches?: { schema?: Description }[];
}

function withNull(schema: JsonSchema, allowsNull: boolean): JsonSchema {
  if (!allowsNull) return schema;
  const type = schema.type;
  return typeof type === 'string'
    ? { ...schema, type: [type, 'null'] }
    : { anyOf: [schema, { type: 'null' }] };
}

/**
 * A Joi description as JSON Schema (OpenAPI 3.1 uses JSON Schema 2020-12). Covers what our
 * schemas use: strings with lengths, patterns and allowed values, integers and numbers,
 * booleans, arrays, objects without unknown keys, and alternatives.
 */
export function toJsonSchema(d: Description): JsonSchema {
  const allowed = (d.allow ?? []).filter((v) => v !== null);
  const allowsNull = (d.allow ?? []).includes(null);
  const rule = (name: string) => d.rules?.find((r) => r.name === name)?.args;
  let out: JsonSchema;
  switch (d.type) {
    case 'string': {
      out = { type: 'string' };
      if (d.flags?.only) out.enum = allowed;
      const min = rule('min')?.limit;
      const max = rule('max')?.limit;
      if (typeof min === 'number') out.minLength = min;
      if (typeof max === 'number') out.maxLength = max;
      const pattern = rule('pattern')?.regex;
      if (typeof pattern === 'string') out.pattern = pattern.replace(/^\/|\/[a-z]*$/g, '');
      if (rule('email')) out.format = 'email';
      if (!d.flags?.only && allowed.length) out = { anyOf: [out, { enum: allowed }] };
      break;
    }
    case 'number': {
      out = { type: rule('integer') ? 'integer' : 'number' };
      const min = rule('min')?.limit;
      const max = rule('max')?.limit;
      if (typeof min === 'number') out.minimum = min;
      if (typeof max === 'number') out.maximum = max;
      if (allowed.length) out = { anyOf: [out, { enum: allowed }] };
      break;
    }
    case 'boolean':
      out = { type: 'boolean' };
      break;
    case 'array': {
      const items = d.items?.[0] ? toJsonSchema(d.items[0]) : {};
      out = { type: 'array', items };
      const min = rule('min')?.limit;
      const max = rule('max')?.limit;
      if (typeof min === 'number') out.minItems = min;
      if (typeof max === 'number') out.maxItems = max;
      // `.single()`: one value may be sent without the array.
      if (d.flags?.single) out = { anyOf: [out, items] };
      break;
    }
    case 'object': {
      const properties: Record<string, JsonSchema> = {};
      const required: string[] = [];
      for (const [key, child] of Object.entries(d.keys ?? {})) {
        properties[key] = toJsonSchema(child);
        if (child.flags?.presence === 'required') required.push(key);
      }
      out = { type: 'object', properties, additionalProperties: d.flags?.unknown === true };
      if (required.length) out.required = required;
      break;
    }
    case 'alternatives':
      out = { anyOf: (d.matches ?? []).map((m) => (m.schema ? toJsonSchema(m.schema) : {})) };
      break;
    default:
      out = {};
  }
  if (d.flags?.default !== undefined && typeof d.flags.default !== 'function') out.default = d.flags.default;
  return withNull(out, allowsNull);
}

export function joiSchema(schema: Joi.Schema): JsonSchema {
  return toJsonSchema(schema.describe() as Description);
}

function queryParameters(schema: Joi.ObjectSchema): JsonSchema[] {
  const d = schema.describe() as Description;
  return Object.entries(d.keys ?? {}).map(([name, child]) => ({
    name,
    in: 'query',
    required: child.flags?.presence === 'required',
    schema: toJsonSchema(child),
  }));
}

const error = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

/** The OpenAPI 3.1 description of /api/v1, generated from the routes table and its Joi schemas. */
export function openApiDocument(routes: readonly ApiRoute[]): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const parameters: JsonSchema[] = [];
    if (r.path.includes(':id'))
      parameters.push({
        name: 'id',
        in: 'path',
        required: true,
        schema: { type: 'string', pattern: '^[0-9a-f]{24}$' },
      });
    if (r.query) parameters.push(...queryParameters(r.query));
    // idempotency.ts runs on every POST of the router.
    if (r.method === 'post')
      parameters.push({
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description:
          'Retries with the same key and body get the stored 2xx answer (header Idempotent-Replayed: true); kept 24 h per token user',
        schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,255}$' },
      });
    const ok = r.list
      ? { $ref: '#/components/schemas/Page' }
      : { type: 'object', properties: { data: { type: 'object' } }, required: ['data'] };
    const operation: Record<string, unknown> = {
      tags: [r.tag],
      summary: r.summary,
      'x-permission': r.action,
      parameters,
      responses: {
        // POST to a collection creates (201); POST to a record is an action on it (200).
        [r.method === 'post' && !r.path.includes(':id') ? '201' : '200']: {
          description: 'OK',
          content: { 'application/json': { schema: ok } },
        },
        400: error('Bad query or body'),
        401: error('No valid API token'),
        403: error('The token’s user may not do this'),
        404: error('No such record'),
        ...(r.body
          ? {
              409: error('Conflict (duplicate, already done)'),
              422: error('Invalid fields (details: field → message)'),
            }
          : {}),
        429: error('Rate limit reached'),
      },
    };
    if (r.body)
      operation.requestBody = {
        required: true,
        content: { 'application/json': { schema: joiSchema(r.body) } },
      };
    (paths[path] ??= {})[r.method] = operation;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Alliance CRM API', version: '1' },
    servers: [{ url: `${config.appUrl}/api/v1` }],
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'Personal API token from /profile/tokens' },
      },
      schemas: {
        Error: {
          type: 'object',
          properties: {
            error: {
              type: 'object',
              properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} },
              required: ['code', 'message'],
            },
          },
          required: ['error'],
        },
        Page: {
          type: 'object',
          properties: {
            data: { type: 'array', items: { type: 'object' } },
            next: { type: ['string', 'null'] },
          },
          required: ['data', 'next'],
        },
      },
    },
  };
}
