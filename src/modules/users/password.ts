import argon2 from 'argon2';

// OWASP Password Storage Cheat Sheet: argon2id, 19 MiB, 2 iterations, 1 lane.
export const ARGON2_OPTIONS = {
  type: argon2.argon2id,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
} as const;

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;

// The most common passwords that pass the length rule (breach corpora top lists), lower-cased.
const COMMON = new Set([
  '123456789012',
  '1234567890123',
  '12345678901234',
  '123456123456',
  'password1234',
  'password12345',
  'password123456',
  'passwordpassword',
  'qwertyuiop12',
  'qwertyuiopasdf',
  'qwerty123456',
  'iloveyou1234',
  'abcdefghijkl',
  'abc123abc123',
  'adminadmin12',
  'administrator',
  'administrator1',
  'welcome12345',
  'welcome123456',
  'letmein12345',
  'changeme1234',
  '111111111111',
  '000000000000',
  'aaaaaaaaaaaa',
  '1q2w3e4r5t6y',
  '1qaz2wsx3edc',
  'zaq12wsxcde3',
  'qazwsxedcrfv',
  'football1234',
  'baseball1234',
  'sunshine1234',
  'princess1234',
  'superman1234',
  'trustno1trustno1',
  'allianceallianc',
  'alliancecrm123',
  'chongqing123',
  'chongqing1234',
]);

/** Returns a reason when the password is too weak, else null. */
export function passwordProblem(password: string, email?: string): 'common' | null {
  const lower = password.toLowerCase();
  if (COMMON.has(lower)) return 'common';
  if (/^(.)\1+$/.test(password)) return 'common';
  const local = email?.toLowerCase().split('@')[0] ?? '';
  // A password that is mostly the user's own address is guessed first.
  if (local.length >= 4 && lower.includes(local) && lower.length < local.length + 6) return 'common';
  return null;
}

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, ARGON2_OPTIONS);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

// Verifying against this when the e-mail is unknown keeps the response time the same,
// so timing does not reveal which addresses have accounts.
let dummyHash: Promise<string> | undefined;
export function dummyVerify(password: string): Promise<boolean> {
  dummyHash ??= hashPassword('dummy-password-for-timing');
  return dummyHash.then((h) => verifyPassword(h, password));
}
