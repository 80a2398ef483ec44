// npm run user:create -- --email E --name N --role R [--locale en|zh-CN]
// The password comes from the PASSWORD environment variable, or a prompt.
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { SYSTEM } from '../src/modules/audit/index.js';
import { createUser, createUserSchema, type CreateUserInput } from '../src/modules/users/index.js';
import { check } from '../src/lib/validation.js';
import { ValidationError } from '../src/lib/errors.js';
import { translator } from '../src/lib/i18n.js';
import { fail, parseArgs, withDatabase } from './cli.js';

async function promptPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    // Piped input: the first line is the password.
    const rl = createInterface({ input: process.stdin });
    for await (const line of rl) return line;
    return '';
  }
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _enc, cb) {
      if (!muted) process.stdout.write(chunk);
      cb();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  return new Promise((resolve) => {
    rl.question('Password (min. 12 characters): ', (answer) => {
      rl.close();
      process.stdout.write('\n');
      resolve(answer);
    });
    muted = true;
  });
}

async function main(): Promise<void> {
  let args: Record<string, string>;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    fail(
      `${(err as Error).message}\nUsage: npm run user:create -- --email E --name N --role R [--locale en|zh-CN]`,
    );
  }
  const password = process.env.PASSWORD ?? (await promptPassword());
  let input: CreateUserInput;
  try {
    input = check(createUserSchema, { ...args, password }, translator('en'));
  } catch (err) {
    if (err instanceof ValidationError) {
      fail(
        Object.entries(err.fields)
          .map(([f, m]) => `${f}: ${m}`)
          .join('\n'),
      );
    }
    throw err;
  }
  await withDatabase(async () => {
    try {
      const user = await createUser(input, SYSTEM);
      console.log(`Created ${user.role} ${user.email} (${user._id.toHexString()})`);
    } catch (err) {
      if (err instanceof ValidationError) {
        fail(
          Object.entries(err.fields)
            .map(([f, m]) => `${f}: ${translator('en')(m)}`)
            .join('\n'),
        );
      }
      throw err;
    }
  });
}

main().then(
  () => process.exit(0),
  (err: unknown) => fail(`user:create failed: ${(err as Error).message}`),
);
