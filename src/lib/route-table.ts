import type { Router } from 'express';
import type { AccessRule } from './permissions.js';

export interface RouteInfo {
  method: string;
  path: string;
  /** The access rule of the route's first guard, or null when the route has none. */
  rule: AccessRule | null;
}

interface LayerLike {
  route?: {
    path: string;
    methods: Record<string, boolean>;
    stack: { handle: { accessRule?: AccessRule } }[];
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
      for (const method of Object.keys(layer.route.methods)) {
        out.push({
          method: method.toUpperCase(),
          path: join(base, layer.route.path),
          rule: first?.handle.accessRule ?? null,
        });
      }
    }
  }
  return out;
}
