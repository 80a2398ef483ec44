import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { rootDir } from '../../src/lib/paths.js';
import { AuditEntryModel } from '../../src/modules/audit/index.js';
import { UserModel, verifyPassword } from '../../src/modules/users/index.js';
import { clearDatabase, useTestApp } from '../support/db.js';

const PASSPHRASE = 'Ginger-Lotus-42!';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe('npm run user:create', function () {
  this.timeout(60_000);
  const { uri } = useTestApp();
  let dataDir = '';
  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'alliance-crm-cli-'));
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));
  beforeEach(clearDatabase);

  function userCreate(args: string[], opts: { password?: string; stdin?: string } = {}): Promise<Run> {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      MONGODB_URI: uri(),
      DATA_DIR: dataDir,
    };
    if (opts.password !== undefined) env.PASSWORD = opts.password;
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/user-create.ts', ...args], {
      cwd: rootDir,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin.end(opts.stdin ?? '');
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  function lines(text: string): string[] {
    return text.split('\n').filter((l) => l.trim() !== '');
  }

  it('when given an e-mail, name, role and PASSWORD, then it creates the user with an argon2id hash and an audit entry', async () => {
    const run = await userCreate(
      ['--email', 'Mei.Lin@Example.TEST', '--name', 'Mei Lin', '--role', 'manager'],
      {
        password: PASSPHRASE,
      },
    );
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/^Created manager mei\.lin@example\.test \([0-9a-f]{24}\)\n$/);
    expect(run.stdout + run.stderr).not.to.contain(PASSPHRASE);

    const user = await UserModel.findOne({ email: 'mei.lin@example.test' }).lean();
    expect(user).to.not.equal(null);
    expect(user!.name).to.equal('Mei Lin');
    expect(user!.role).to.equal('manager');
    expect(user!.locale).to.equal('en');
    expect(user!.passwordHash).to.match(/^\$argon2id\$/);
    expect(await verifyPassword(user!.passwordHash, PASSPHRASE)).to.equal(true);
    expect(run.stdout).to.contain(`(${user!._id.toHexString()})`);

    const audit = await AuditEntryModel.find({ action: 'user.create' }).lean();
    expect(audit).to.have.length(1);
    expect(audit[0]!.entity).to.equal('user');
    expect(audit[0]!.entityId).to.equal(user!._id.toHexString());
    expect(audit[0]!.actor).to.equal(null);
    expect(JSON.stringify(audit[0]!.changes)).not.to.contain(PASSPHRASE);
  });

  it('when the role is not one of the roles, then it exits 1 with one line naming the field and creates nothing', async () => {
    const run = await userCreate(['--email', 'boss@example.test', '--name', 'Boss', '--role', 'overlord'], {
      password: PASSPHRASE,
    });
    expect(run.code).to.equal(1);
    expect(lines(run.stderr)).to.have.length(1);
    expect(run.stderr).to.match(/^role: /);
    expect(run.stdout).to.equal('');
    expect(await UserModel.countDocuments()).to.equal(0);
    expect(await AuditEntryModel.countDocuments()).to.equal(0);
  });

  it('when the password is too short, then it exits 1 naming the password field without echoing it', async () => {
    const run = await userCreate(['--email', 'short@example.test', '--name', 'Short', '--role', 'staff'], {
      password: 'tiny-pw',
    });
    expect(run.code).to.equal(1);
    expect(lines(run.stderr)).to.have.length(1);
    expect(run.stderr).to.match(/^password: /);
    expect(run.stderr).not.to.contain('tiny-pw');
    expect(await UserModel.countDocuments()).to.equal(0);
  });

  it('when an argument is unknown, then it exits 1 with usage and creates nothing', async () => {
    const run = await userCreate(
      ['--email', 'x@example.test', '--name', 'X', '--role', 'staff', '--admin', 'yes'],
      {
        password: PASSPHRASE,
      },
    );
    expect(run.code).to.equal(1);
    expect(run.stderr).to.contain('admin');
    expect(await UserModel.countDocuments()).to.equal(0);
  });

  it('when the e-mail already exists (in any letter case), then it exits 1 saying it already exists and keeps the first user', async () => {
    const first = await userCreate(['--email', 'dup@example.test', '--name', 'First', '--role', 'staff'], {
      password: PASSPHRASE,
    });
    expect(first.code, first.stderr).to.equal(0);

    const second = await userCreate(['--email', 'DUP@example.test', '--name', 'Second', '--role', 'admin'], {
      password: PASSPHRASE,
    });
    expect(second.code).to.equal(1);
    expect(lines(second.stderr)).to.have.length(1);
    expect(second.stderr).to.contain('already exists');
    expect(second.stderr).to.match(/^email: /);

    const users = await UserModel.find({}).lean();
    expect(users.map((u) => [u.name, u.role])).to.deep.equal([['First', 'staff']]);
    expect(await AuditEntryModel.countDocuments({ action: 'user.create' })).to.equal(1);
  });

  it('when PASSWORD is unset, then the password is read from piped standard input', async () => {
    const run = await userCreate(
      ['--email', 'piped@example.test', '--name', 'Piped', '--role', 'coordinator'],
      {
        stdin: `${PASSPHRASE}\n`,
      },
    );
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/^Created coordinator piped@example\.test /);
    expect(run.stdout).not.to.contain(PASSPHRASE);
    const user = await UserModel.findOne({ email: 'piped@example.test' }).lean();
    expect(user?.passwordHash).to.match(/^\$argon2id\$/);
    expect(await verifyPassword(user!.passwordHash, PASSPHRASE)).to.equal(true);
  });

  it('when PASSWORD is unset and nothing is piped, then it exits 1 naming the password field', async () => {
    const run = await userCreate(['--email', 'empty@example.test', '--name', 'Empty', '--role', 'staff']);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.match(/^password: /);
    expect(await UserModel.countDocuments()).to.equal(0);
  });
});
