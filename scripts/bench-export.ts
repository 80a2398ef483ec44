// npm run bench:export [-- --rows N] [--import-rows N]
// Generates N partners (default 100,000) into a fresh database (a throw-away embedded FerretDB,
// or a new database on MONGODB_URI), then measures the partner export over HTTP (CSV and XLSX:
// time to first byte, total time, peak RSS growth of this process, which runs the server) and
// the import of a generated CSV (dry run and apply). Nothing is written to the repository.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

process.env.NODE_ENV ??= 'test';
process.env.SESSION_SECRET ??= 'bench-secret-bench-secret-bench-secret-0123';
process.env.LOG_LEVEL ??= 'silent';

const { parseArgs } = await import('./cli.js');
const args = parseArgs(process.argv.slice(2));
const ROWS = Number(args.rows ?? 100_000);
const IMPORT_ROWS = Number(args['import-rows'] ?? 10_000);
if (!Number.isInteger(ROWS) || ROWS < 1 || !Number.isInteger(IMPORT_ROWS) || IMPORT_ROWS < 1) {
  console.error('usage: npm run bench:export -- [--rows N] [--import-rows N]');
  process.exit(1);
}

const { startLauncher } = await import('../src/lib/db/ferretdb.js');
const { connectDatabase, disconnectDatabase, mongoose } = await import('../src/lib/db/index.js');
const { createApp } = await import('../src/app.js');
const { derivePartnerKeys, PartnerModel, PARTNER_TYPES, ALLIANCE_STATUSES, partnerKeysReady } =
  await import('../src/modules/partners/index.js');
const { createUser } = await import('../src/modules/users/index.js');
const { SYSTEM } = await import('../src/modules/audit/index.js');
const { importPartners } = await import('../src/modules/imports/index.js');
const { BACKGROUND_THRESHOLD, exportDefinition, writeExport } =
  await import('../src/modules/exports/index.js');
const { Writable } = await import('node:stream');
const { translator } = await import('../src/lib/i18n.js');

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
// The issue's bars: an export's peak RSS growth, a 10,000-row import's dry run and apply.
const RSS_BAR = 100 * 1024 * 1024;
const IMPORT_BAR_MS = 15_000;
const failed: string[] = [];
const verdict = (ok: boolean, what: string) => {
  if (!ok) failed.push(what);
  return ok ? 'pass' : 'FAIL';
};
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const COUNTRIES = ['TH', 'VN', 'SG', 'MY', 'ID', 'LA', 'KH', 'CN', 'PH', 'MM'];
const WORDS = [
  'Golden',
  'Dragon',
  'Mekong',
  'Lotus',
  'Silk',
  'Road',
  'River',
  'Pearl',
  'Jade',
  'Sun',
  'Bay',
  'Lion',
];
const LOCAL = ['重庆', '旅游', '集团', 'ท่องเที่ยว', 'Du lịch', '国际', '文化'];

function pick<T>(list: readonly T[], i: number): T {
  return list[i % list.length]!;
}

function partner(i: number, owners: InstanceType<typeof mongoose.Types.ObjectId>[]) {
  const name = `${pick(WORDS, i)} ${pick(WORDS, Math.floor(i / 12))} ${pick(['Travel', 'Tours', 'Hotel', 'Cruises'], i)} ${i}`;
  const fields = {
    name: i % 97 === 0 ? `=${name}` : name,
    nameLocal: `${pick(LOCAL, i)}${pick(LOCAL, i + 3)}${i}`,
    type: pick(PARTNER_TYPES, i),
    country: pick(COUNTRIES, i),
    city: 'City, "quoted"',
    website: `https://partner-${i}.example`,
    email: `info${i}@partner.example`,
    phone: `+66 2 ${String(100000 + i)}`,
    allianceStatus: pick(ALLIANCE_STATUSES, i),
    tags: [pick(['fair', 'vip', 'asean', 'cruise'], i), pick(['2025', '2026'], i)],
    owner: i % 3 === 0 ? null : pick(owners, i),
    lastInteractionAt: null,
    archivedAt: null,
  };
  return { ...fields, ...derivePartnerKeys(fields) };
}

interface Sample {
  ttfbMs: number;
  totalMs: number;
  bytes: number;
  peakRssGrowth: number;
}

/**
 * Runs one export while sampling this process's RSS every 20 ms; `run` reports each chunk it
 * receives (first one: time to first byte).
 */
async function sampled(run: (chunk: (bytes: number) => void) => Promise<void>): Promise<Sample> {
  global.gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const start = performance.now();
  let ttfb = 0;
  let bytes = 0;
  try {
    await run((n) => {
      if (!ttfb) ttfb = performance.now() - start;
      bytes += n;
    });
  } finally {
    clearInterval(timer);
  }
  peak = Math.max(peak, process.memoryUsage().rss);
  return { ttfbMs: ttfb, totalMs: performance.now() - start, bytes, peakRssGrowth: peak - base };
}

/** GETs a URL (the request path: up to BACKGROUND_THRESHOLD rows), discarding the body. */
function measureHttp(url: string, cookie: string): Promise<Sample> {
  return sampled(async (chunk) => {
    const res = await fetch(url, { headers: { cookie }, redirect: 'manual' });
    if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}`);
    const reader = res.body!.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunk(value.length);
    }
  });
}

/**
 * The whole list through writeExport into a discarding stream: what the background job runs for
 * an export over BACKGROUND_THRESHOLD rows (it writes the same bytes into GridFS).
 */
function measureWhole(format: 'csv' | 'xlsx', user: Express.User): Promise<Sample> {
  const def = exportDefinition('partner')!;
  const filters = def.filters.validate({}).value as Record<string, unknown>;
  return sampled(async (chunk) => {
    const sink = new Writable({
      write(data: Buffer, _enc, done) {
        chunk(data.length);
        done();
      },
    });
    await writeExport(def, user, { format, filters, columns: [], headers: 'keys' }, sink);
  });
}

async function signIn(origin: string, email: string, password: string): Promise<string> {
  const page = await fetch(`${origin}/login`);
  const cookie = (page.headers.getSetCookie()[0] ?? '').split(';')[0]!;
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  const res = await fetch(`${origin}/login`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, email, password }),
    redirect: 'manual',
  });
  if (res.status !== 302) throw new Error(`sign-in failed: ${res.status}`);
  return (res.headers.getSetCookie()[0] ?? cookie).split(';')[0]!;
}

/** A created user as the services see a signed-in one (`req.user`). */
function asSignedIn(user: { _id: unknown }): Express.User {
  return {
    ...user,
    _id: new mongoose.Types.ObjectId(String(user._id)),
    desks: [],
    timeZone: 'Asia/Shanghai',
  } as unknown as Express.User;
}

let stopDb: (() => Promise<void>) | undefined;
let sqliteDir: string | undefined;
let server: Server | undefined;
try {
  let uri: string;
  if (process.env.MONGODB_URI) {
    const url = new URL(process.env.MONGODB_URI);
    url.pathname = `/bench_export_${Date.now()}`;
    uri = url.toString();
  } else {
    // FERRETDB_POSTGRESQL_URL: FerretDB over that PostgreSQL database (as `npm run bench`),
    // in a schema of its own that is dropped at the end; else over SQLite in a temporary folder.
    const postgresqlUrl = process.env.FERRETDB_POSTGRESQL_URL || undefined;
    if (!postgresqlUrl) sqliteDir = mkdtempSync(join(tmpdir(), 'alliance-bench-'));
    const port = 27_100 + Math.floor(Math.random() * 800);
    const launcher = await startLauncher({ port, sqliteDir, postgresqlUrl });
    stopDb = launcher.stop;
    uri = `mongodb://127.0.0.1:${port}/bench_export_${Date.now()}`;
  }
  await connectDatabase(uri);
  const password = 'bench password bench password';
  const staff = await createUser(
    { email: 'bench-staff@example.test', name: 'Bench Staff', role: 'staff', password, locale: 'en' },
    SYSTEM,
  );
  const manager = await createUser(
    { email: 'bench-manager@example.test', name: 'Bench Manager', role: 'manager', password, locale: 'en' },
    SYSTEM,
  );
  const owners = [staff._id, manager._id].map((id) => new mongoose.Types.ObjectId(String(id)));
  // As on a fresh install, where the server's start finds no partners to build keys for.
  await partnerKeysReady();

  let t0 = performance.now();
  for (let i = 0; i < ROWS; i += 1000) {
    const docs = [];
    for (let j = i; j < Math.min(ROWS, i + 1000); j += 1) docs.push(partner(j, owners));
    await PartnerModel.insertMany(docs, { ordered: false });
  }
  console.log(`generated ${ROWS.toLocaleString('en')} partners in ${secs(performance.now() - t0)}`);

  server = createServer(createApp());
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const origin = `http://127.0.0.1:${port}`;
  const cookie = await signIn(origin, 'bench-staff@example.test', password);

  const staffUser = asSignedIn(staff);
  // Thailand: a tenth of the rows, so the request streams it (no background job).
  const thai = await PartnerModel.countDocuments({ country: 'TH', archivedAt: null });
  const runs: [string, number, () => Promise<Sample>][] = [];
  for (const format of ['csv', 'xlsx'] as const) {
    runs.push([
      `${format} GET ?country=TH`,
      thai,
      () => measureHttp(`${origin}/partners/export.${format}?country=TH`, cookie),
    ]);
    runs.push([`${format} whole list`, ROWS, () => measureWhole(format, staffUser)]);
  }
  console.log(
    `\nexport of partners (requests up to ${BACKGROUND_THRESHOLD.toLocaleString('en')} rows stream from the in-process server; the whole list runs writeExport as the background job does):`,
  );
  console.log('export                 rows     TTFB      total     size       peak RSS growth (< 100 MB)');
  for (const [name, rows, run] of runs) {
    const s = await run();
    const ok = verdict(s.peakRssGrowth < RSS_BAR, `${name} RSS`);
    console.log(
      `${name.padEnd(22)} ${String(rows).padEnd(8)} ${secs(s.ttfbMs).padEnd(9)} ${secs(s.totalMs).padEnd(9)} ${mb(s.bytes).padEnd(10)} ${mb(s.peakRssGrowth)} ${ok}`,
    );
  }

  // Import: a generated CSV of new partners (half of them with owners), dry run then apply.
  const lines = ['name,name_local,type,country,city,website,email,phone,alliance_status,tags,owner_email'];
  for (let i = 0; i < IMPORT_ROWS; i += 1) {
    lines.push(
      `Imported Partner ${i},导入${i},hotel,TH,Bangkok,https://imported-${i}.example,info${i}@imported.example,+66 1 ${i},member,import;bench,${i % 2 ? 'bench-manager@example.test' : ''}`,
    );
  }
  const csv = Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
  const managerUser = asSignedIn(manager);
  const t = translator('en');
  console.log(
    `\nimport of ${IMPORT_ROWS.toLocaleString('en')} rows (${mb(csv.length)} CSV, importPartners service):`,
  );
  // The same file again, once applied: every row now matches a partner (the round trip).
  const runs2: [string, boolean][] = [
    ['dry run', true],
    ['apply  ', false],
    ['again, dry run (all rows match)', true],
  ];
  for (const [label, dryRun] of runs2) {
    t0 = performance.now();
    const report = await importPartners(
      csv,
      { dryRun, mode: 'skip', fileName: 'bench.csv', type: 'csv', t },
      managerUser,
      SYSTEM,
    );
    const ms = performance.now() - t0;
    const counts = Object.entries(report.counts)
      .filter(([, n]) => n)
      .map(([k, n]) => `${k}=${n}`)
      .join(' ');
    const bar = IMPORT_ROWS <= 10_000 && label !== runs2[2]![0];
    const ok = bar ? ` (< 15 s: ${verdict(ms < IMPORT_BAR_MS, `import ${label.trim()}`)})` : '';
    console.log(`${label} ${secs(ms).padEnd(9)} ${counts}${ok}`);
  }
  console.log(
    `\nnode ${process.version}, database ${process.env.MONGODB_URI ? 'MONGODB_URI' : `embedded FerretDB 1.24 (${process.env.FERRETDB_POSTGRESQL_URL ? 'PostgreSQL' : 'SQLite'})`}`,
  );
  if (process.env.MONGODB_URI || process.env.FERRETDB_POSTGRESQL_URL)
    await mongoose.connection.dropDatabase();
  if (failed.length) {
    console.log(`\nbars not met: ${failed.join(', ')}`);
    process.exitCode = 1;
  }
} finally {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await disconnectDatabase().catch(() => undefined);
  await stopDb?.();
  if (sqliteDir) rmSync(sqliteDir, { recursive: true, force: true });
}
