import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import Joi from 'joi';
import { rootDir } from '../lib/paths.js';

export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];

export interface Config {
  env: 'development' | 'production' | 'test';
  isProduction: boolean;
  host: string;
  port: number;
  appUrl: string;
  mongodbUri: string | undefined;
  ferretdb: { postgresqlUrl: string | undefined; port: number };
  dataDir: string;
  sessionSecret: string;
  defaultLocale: Locale;
  defaultTimeZone: string;
  logLevel: string;
  trustProxy: number;
  smtp: { url: string; from: string } | undefined;
  /** Imports with more data rows than this run as a background job. */
  importBackgroundRows: number;
}

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

const schema = Joi.object({
  NODE_ENV: Joi.string().valid('development', 'production', 'test').default('development'),
  HOST: Joi.string().hostname().default('0.0.0.0'),
  PORT: Joi.number().integer().min(0).max(65535).default(3000),
  APP_URL: Joi.string().uri({ scheme: ['http', 'https'] }),
  MONGODB_URI: Joi.string().uri({ scheme: ['mongodb', 'mongodb+srv'] }),
  FERRETDB_POSTGRESQL_URL: Joi.string().uri({ scheme: ['postgres', 'postgresql'] }),
  FERRETDB_PORT: Joi.number().integer().min(1).max(65535).default(27027),
  DATA_DIR: Joi.string().default('data'),
  SESSION_SECRET: Joi.string()
    .min(32)
    .when('NODE_ENV', {
      is: 'production',
      then: Joi.required().messages({ 'any.required': 'SESSION_SECRET is required in production' }),
    }),
  DEFAULT_LOCALE: Joi.string()
    .valid(...LOCALES)
    .default('en'),
  DEFAULT_TIMEZONE: Joi.string()
    .custom((v: string, helpers) => (isTimeZone(v) ? v : helpers.error('any.invalid')))
    .messages({ 'any.invalid': '"DEFAULT_TIMEZONE" must be an IANA time zone such as Asia/Shanghai' })
    .default('Asia/Shanghai'),
  LOG_LEVEL: Joi.string().valid('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'),
  TRUST_PROXY: Joi.number().integer().min(0).max(10),
  SMTP_URL: Joi.string().uri({ scheme: ['smtp', 'smtps'] }),
  SMTP_FROM: Joi.string().email({ tlds: false }).when('SMTP_URL', { is: Joi.exist(), then: Joi.required() }),
  IMPORT_BACKGROUND_ROWS: Joi.number().integer().min(1).default(5000),
})
  // Everything else in the environment (PATH, HOME, …) is not ours to judge.
  .unknown(true);

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

/** Validates the environment; throws ConfigError with one readable line. */
export function loadConfig(env: Env, readSecret: (dataDir: string) => string = localSecret): Config {
  // Empty strings in .env files mean "unset", as in most tooling.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const { error, value } = schema.validate(cleaned, { abortEarly: true, convert: true });
  if (error) throw new ConfigError(`Invalid configuration: ${error.message}`);
  const v = value as Record<string, string | number | undefined>;
  const envName = v.NODE_ENV as Config['env'];
  const isProduction = envName === 'production';
  const dataDir = isAbsolute(String(v.DATA_DIR)) ? String(v.DATA_DIR) : join(rootDir, String(v.DATA_DIR));
  const port = Number(v.PORT);
  return Object.freeze({
    env: envName,
    isProduction,
    host: String(v.HOST),
    port,
    appUrl: v.APP_URL ? String(v.APP_URL).replace(/\/+$/, '') : `http://localhost:${port}`,
    mongodbUri: v.MONGODB_URI as string | undefined,
    ferretdb: Object.freeze({
      postgresqlUrl: v.FERRETDB_POSTGRESQL_URL as string | undefined,
      port: Number(v.FERRETDB_PORT),
    }),
    dataDir,
    sessionSecret: (v.SESSION_SECRET as string | undefined) ?? readSecret(dataDir),
    defaultLocale: v.DEFAULT_LOCALE as Locale,
    defaultTimeZone: String(v.DEFAULT_TIMEZONE),
    logLevel: (v.LOG_LEVEL as string | undefined) ?? (envName === 'test' ? 'silent' : 'info'),
    trustProxy: v.TRUST_PROXY !== undefined ? Number(v.TRUST_PROXY) : isProduction ? 1 : 0,
    smtp: v.SMTP_URL ? Object.freeze({ url: String(v.SMTP_URL), from: String(v.SMTP_FROM) }) : undefined,
    importBackgroundRows: Number(v.IMPORT_BACKGROUND_ROWS),
  });
}

/** Local runs get a random secret kept under the data folder, so sessions survive restarts. */
function localSecret(dataDir: string): string {
  const file = join(dataDir, 'session-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  try {
    writeFileSync(file, secret + '\n', { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
    return secret;
  } catch (err) {
    // Another process created it first: use theirs.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8').trim();
    throw err;
  }
}

function fromProcess(): Config {
  // A local .env fills in what the real environment leaves unset (never in tests).
  const envFile = join(rootDir, '.env');
  if (process.env.NODE_ENV !== 'test' && existsSync(envFile)) process.loadEnvFile(envFile);
  try {
    return loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}

export const config: Config = fromProcess();
