import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { rootDir } from '../../src/lib/paths.js';

const SECRET = 's'.repeat(40);

/** A readSecret stub that records the folders it was asked about. */
function secretStub(value = 'stub-secret-stub-secret-stub-secret!') {
  const calls: string[] = [];
  const read = (dataDir: string): string => {
    calls.push(dataDir);
    return value;
  };
  return { read, calls };
}

function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env, secretStub().read);
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

function expectOneLineNaming(err: ConfigError, key: string): void {
  expect(err.message).to.match(/^Invalid configuration: /);
  expect(err.message).not.to.contain('\n');
  expect(err.message).to.contain(key);
}

describe('configuration', () => {
  describe('defaults', () => {
    it('when nothing is set, then it serves on port 3000 in English, Shanghai time, trusting no proxy', () => {
      const secret = secretStub();
      const config = loadConfig({}, secret.read);
      expect(config.env).to.equal('development');
      expect(config.isProduction).to.equal(false);
      expect(config.port).to.equal(3000);
      expect(config.defaultLocale).to.equal('en');
      expect(config.defaultTimeZone).to.equal('Asia/Shanghai');
      expect(config.trustProxy).to.equal(0);
      expect(config.mongodbUri).to.equal(undefined);
      expect(config.smtp).to.equal(undefined);
      expect(config.appUrl).to.equal('http://localhost:3000');
      expect(config.dataDir).to.equal(join(rootDir, 'data'));
    });

    it('when no SESSION_SECRET is set outside production, then the local secret from the data folder is used', () => {
      const secret = secretStub('local-secret-local-secret-local-secret');
      const config = loadConfig({ DATA_DIR: '/tmp/crm-data' }, secret.read);
      expect(config.sessionSecret).to.equal('local-secret-local-secret-local-secret');
      expect(secret.calls).to.deep.equal(['/tmp/crm-data']);
    });

    it('when SESSION_SECRET is set, then it is used and the local secret is not read', () => {
      const secret = secretStub();
      const config = loadConfig({ SESSION_SECRET: SECRET }, secret.read);
      expect(config.sessionSecret).to.equal(SECRET);
      expect(secret.calls).to.deep.equal([]);
    });

    it('when running in production, then one proxy hop is trusted by default', () => {
      const config = loadConfig({ NODE_ENV: 'production', SESSION_SECRET: SECRET }, secretStub().read);
      expect(config.isProduction).to.equal(true);
      expect(config.trustProxy).to.equal(1);
    });

    it('when TRUST_PROXY is given, then it overrides the default in either environment', () => {
      expect(loadConfig({ TRUST_PROXY: '2' }, secretStub().read).trustProxy).to.equal(2);
      const prod = loadConfig(
        { NODE_ENV: 'production', SESSION_SECRET: SECRET, TRUST_PROXY: '0' },
        secretStub().read,
      );
      expect(prod.trustProxy).to.equal(0);
    });

    it('when valid values are given, then they are used as typed values', () => {
      const config = loadConfig(
        {
          PORT: '8080',
          DEFAULT_LOCALE: 'zh-CN',
          DEFAULT_TIMEZONE: 'Asia/Bangkok',
          MONGODB_URI: 'mongodb://db.example:27017/crm',
          APP_URL: 'https://crm.example/',
          SMTP_URL: 'smtp://mail.example:25',
          SMTP_FROM: 'crm@example.test',
        },
        secretStub().read,
      );
      expect(config.port).to.equal(8080);
      expect(config.defaultLocale).to.equal('zh-CN');
      expect(config.defaultTimeZone).to.equal('Asia/Bangkok');
      expect(config.mongodbUri).to.equal('mongodb://db.example:27017/crm');
      expect(config.appUrl).to.equal('https://crm.example');
      expect(config.smtp).to.deep.equal({ url: 'smtp://mail.example:25', from: 'crm@example.test' });
    });

    it('when variables are empty strings, then they count as unset', () => {
      const config = loadConfig(
        {
          NODE_ENV: '',
          PORT: '',
          DEFAULT_LOCALE: '',
          DEFAULT_TIMEZONE: '',
          MONGODB_URI: '',
          SESSION_SECRET: '',
          SMTP_URL: '',
          SMTP_FROM: '',
          TRUST_PROXY: '',
        },
        secretStub('from-the-stub-from-the-stub-from-the').read,
      );
      expect(config.env).to.equal('development');
      expect(config.port).to.equal(3000);
      expect(config.defaultLocale).to.equal('en');
      expect(config.defaultTimeZone).to.equal('Asia/Shanghai');
      expect(config.mongodbUri).to.equal(undefined);
      expect(config.sessionSecret).to.equal('from-the-stub-from-the-stub-from-the');
      expect(config.smtp).to.equal(undefined);
      expect(config.trustProxy).to.equal(0);
    });

    it('when the configuration is loaded, then it cannot be changed afterwards', () => {
      const config = loadConfig({}, secretStub().read);
      expect(Object.isFrozen(config)).to.equal(true);
      expect(Object.isFrozen(config.ferretdb)).to.equal(true);
    });
  });

  describe('bad values', () => {
    const cases: [string, Record<string, string>, string][] = [
      ['PORT is not a number', { PORT: 'abc' }, 'PORT'],
      ['PORT is above 65535', { PORT: '70000' }, 'PORT'],
      ['DEFAULT_LOCALE is not a supported locale', { DEFAULT_LOCALE: 'fr' }, 'DEFAULT_LOCALE'],
      ['DEFAULT_TIMEZONE is not an IANA zone', { DEFAULT_TIMEZONE: 'Mars/Base' }, 'DEFAULT_TIMEZONE'],
      ['MONGODB_URI is not a mongodb:// URI', { MONGODB_URI: 'http://x' }, 'MONGODB_URI'],
      ['production has no SESSION_SECRET', { NODE_ENV: 'production' }, 'SESSION_SECRET'],
      [
        'production has an empty SESSION_SECRET',
        { NODE_ENV: 'production', SESSION_SECRET: '' },
        'SESSION_SECRET',
      ],
      ['SESSION_SECRET is shorter than 32 characters', { SESSION_SECRET: 'x'.repeat(31) }, 'SESSION_SECRET'],
      ['SMTP_URL is set without SMTP_FROM', { SMTP_URL: 'smtp://mail.example:25' }, 'SMTP_FROM'],
      [
        'SMTP_URL is set with an empty SMTP_FROM',
        { SMTP_URL: 'smtp://mail.example', SMTP_FROM: '' },
        'SMTP_FROM',
      ],
      [
        'SMTP_FROM is not an e-mail address',
        { SMTP_URL: 'smtp://mail.example', SMTP_FROM: 'nobody' },
        'SMTP_FROM',
      ],
      ['NODE_ENV is unknown', { NODE_ENV: 'staging' }, 'NODE_ENV'],
    ];
    for (const [what, env, key] of cases) {
      it(`when ${what}, then a one-line ConfigError names ${key}`, () => {
        expectOneLineNaming(configError(env), key);
      });
    }

    it('when SESSION_SECRET is too short, then the message does not repeat the secret', () => {
      const err = configError({ SESSION_SECRET: 'hunter2-hunter2' });
      expectOneLineNaming(err, 'SESSION_SECRET');
      expect(err.message).not.to.contain('hunter2');
    });

    it('when the time zone is bad, then the message says what a valid one looks like', () => {
      const err = configError({ DEFAULT_TIMEZONE: 'Mars/Base' });
      expect(err.message).to.contain('Asia/Shanghai');
    });

    it('when a bad value is given, then the local secret is never read or created', () => {
      const secret = secretStub();
      expect(() => loadConfig({ PORT: 'abc' }, secret.read)).to.throw(ConfigError);
      expect(secret.calls).to.deep.equal([]);
    });
  });

  describe('starting the server with a bad value', () => {
    it('when PORT=abc, then the process exits with code 1 and prints one line starting "Invalid configuration"', async function () {
      this.timeout(60_000);
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
        cwd: rootDir,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: 'abc' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      try {
        const code = await new Promise<number | null>((resolve, reject) => {
          child.once('error', reject);
          child.once('close', (c) => resolve(c));
        });
        expect(code).to.equal(1);
        const lines = stderr.split('\n').filter((l) => l !== '');
        expect(lines, stderr).to.have.length(1);
        expect(lines[0]).to.match(/^Invalid configuration/);
        expect(lines[0]).to.contain('PORT');
        expect(stdout).to.equal('');
      } finally {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
    });
  });
});
