import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { rootDir } from '../../src/lib/paths.js';
import { freePort } from '../support/net.js';

/**
 * Config is read once per process, so production mode is judged in a child: it builds the app
 * with NODE_ENV=production (no database needed: the headers come before the database gate)
 * and prints the headers of a page, an asset and the health check.
 */
const PROBE = `
import { createApp } from './src/app.ts';
const server = createApp().listen(0, '127.0.0.1', async () => {
  const { port } = server.address();
  const out = {};
  for (const path of ['/login', '/healthz', '/public/css/app.css']) {
    const res = await fetch('http://127.0.0.1:' + port + path, { redirect: 'manual' });
    out[path] = { status: res.status, headers: Object.fromEntries(res.headers) };
  }
  process.stdout.write(JSON.stringify(out));
  process.exit(0);
});
`;

type Probe = Record<string, { status: number; headers: Record<string, string> }>;

describe('security headers in production mode', () => {
  let probe: Probe;

  before(async function () {
    this.timeout(60_000);
    const dataDir = mkdtempSync(join(tmpdir(), 'crm-prod-headers-'));
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', PROBE], {
        cwd: rootDir,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          NODE_ENV: 'production',
          SESSION_SECRET: 'production-headers-test-secret-0123456789',
          MONGODB_URI: 'mongodb://127.0.0.1:1/unused',
          DATA_DIR: dataDir,
          PORT: String(await freePort()),
          LOG_LEVEL: 'silent',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code, err).to.equal(0);
      probe = JSON.parse(out) as Probe;
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('when any response is sent, then HSTS (a year, subdomains), CSP with frame-ancestors none and upgrade-insecure-requests, same-origin referrer policy and nosniff are set, and X-Powered-By is not', () => {
    for (const [path, { headers }] of Object.entries(probe)) {
      expect(headers['strict-transport-security'], path).to.match(/max-age=(\d{8,})/);
      expect(Number(/max-age=(\d+)/.exec(headers['strict-transport-security']!)![1])).to.be.at.least(
        31536000,
      );
      expect(headers['strict-transport-security'], path).to.contain('includeSubDomains');
      const csp = headers['content-security-policy'] ?? '';
      expect(csp, path).to.contain("frame-ancestors 'none'");
      expect(csp, path).to.contain("script-src 'self'");
      expect(csp, path).to.contain('upgrade-insecure-requests');
      expect(csp, path).not.to.contain('unsafe-inline');
      expect(headers['referrer-policy'], path).to.equal('same-origin');
      expect(headers['x-content-type-options'], path).to.equal('nosniff');
      expect(headers['x-frame-options'], path).to.equal('SAMEORIGIN');
      expect(headers, path).not.to.have.property('x-powered-by');
    }
  });

  it('when the database is not there, then pages answer 503 and the health check says unavailable, still with the headers', () => {
    expect(probe['/healthz']!.status).to.equal(503);
    expect(probe['/login']!.status).to.equal(503);
    expect(probe['/public/css/app.css']!.status).to.equal(200);
  });
});
