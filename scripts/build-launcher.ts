// Builds the embedded FerretDB launcher into .cache/ferretdb (npm run db:build; CI runs it up front).
import { buildLauncher, LauncherUnavailableError } from '../src/lib/db/ferretdb.js';
import { NO_DATABASE_MESSAGE } from '../src/lib/db/resolve.js';

const started = Date.now();
try {
  const bin = buildLauncher((msg) => console.log(msg));
  console.log(`FerretDB launcher ready: ${bin} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
} catch (err) {
  if (err instanceof LauncherUnavailableError) {
    console.error(`${err.message}\n${NO_DATABASE_MESSAGE}`);
    process.exit(1);
  }
  throw err;
}
