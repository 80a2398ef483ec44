import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { freePort } from '../support/net.js';

describe('start-up without any database', () => {
  it('when neither MONGODB_URI nor Go is available, then npm start explains in one paragraph how to provide MongoDB and exits 1', async function () {
    this.timeout(60_000);
    const dataDir = mkdtempSync(join(tmpdir(), 'crm-nodb-'));
    const ferretPort = await freePort();
    try {
      const env: NodeJS.ProcessEnv = {
        // Node lives in /usr/bin here; Go in /usr/local/go/bin, which this PATH leaves out.
        PATH: '/usr/bin:/bin',
        HOME: process.env.HOME,
        NODE_ENV: 'development',
        PORT: String(await freePort()),
        FERRETDB_PORT: String(ferretPort),
        DATA_DIR: dataDir,
        LOG_LEVEL: 'silent',
      };
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code).to.equal(1);
      const lines = stderr.trim().split('\n');
      expect(lines).to.have.length(1);
      expect(lines[0]).to.contain('needs a MongoDB-compatible database');
      expect(lines[0]).to.contain('MONGODB_URI');
      expect(lines[0]).to.contain('Go toolchain');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
