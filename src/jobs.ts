import type { JobDefiner } from './lib/jobs.js';
import { defineAgreementJobs } from './modules/agreements/index.js';
import { defineApiJobs } from './modules/api/index.js';
import { defineAuthJobs } from './modules/auth/index.js';
import { defineCaseJobs } from './modules/cases/index.js';
import { defineExportJobs } from './modules/exports/index.js';
import { defineImportJobs } from './modules/imports/index.js';
import { defineFollowUpJobs } from './modules/interactions/index.js';
import { definePlaqueJobs } from './modules/plaques/index.js';

/** Every feature's job definitions; server.ts starts them on one Agenda instance. */
export const JOB_DEFINERS: JobDefiner[] = [
  defineAuthJobs,
  defineFollowUpJobs,
  defineAgreementJobs,
  definePlaqueJobs,
  defineApiJobs,
  defineCaseJobs,
  defineExportJobs,
  defineImportJobs,
];
