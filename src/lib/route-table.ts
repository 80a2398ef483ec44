import type { Router } from 'express';
import type { AccessRule } from './permissions.js';
import type { Schemas } from './validation.js';

export interface RouteInfo {
  method: string;
  path: string;
  /** The access rule of the route's first guard, or null when the route has none. */
  rule: AccessRule | null;
  /** The schemas of the route's validate() handler, when it has one. */
  schemas: Schemas | null;
}

interface LayerLike {
  route?: {
    path: string;
    methods: Record<string, boolean>;
    stack: { handle: { accessRule?: AccessRule; schemas?: Schemas } }[];
  };
}

function join(base: string, path: string): string {
  const full = `${base.replace(/\/$/, '')}/${path.replace(/^\//, '')}`;
  return full.length > 1 ? full.replace(/\/$/, '') : '/';
}

/** Every route of the mounted routers with its guard, for the permission tests and docs. */
export function listRoutes(mounts: [string, Router][]): RouteInfo[] {
  const out: RouteInfo[] = [];
  for (const [base, router] of mounts) {
    for (const layer of (router as unknown as { stack: LayerLike[] }).stack) {
      if (!layer.route) continue;
      const guard = layer.route.stack.find((l) => l.handle.accessRule);
      // The guard must come first: anything before it would run for anonymous users.
      const first = layer.route.stack[0]?.handle.accessRule ? guard : undefined;
      // A route may validate in steps (the id first, the body after loading the record).
      const steps = layer.route.stack.flatMap((l) => (l.handle.schemas ? [l.handle.schemas] : []));
      const schemas = steps.length ? (Object.assign({}, ...steps) as Schemas) : null;
      for (const method of Object.keys(layer.route.methods)) {
        out.push({
          method: method.toUpperCase(),
          path: join(base, layer.route.path),
          rule: first?.handle.accessRule ?? null,
          schemas,
        });
      }
    }
  }
  return out;
}
