import type { JobDefiner } from './lib/jobs.js';
import { defineAuthJobs } from './modules/auth/index.js';
import { defineExportJobs } from './modules/exports/index.js';
import { defineFollowUpJobs } from './modules/interactions/index.js';

/** Every feature's job definitions; server.ts starts them on one Agenda instance. */
export const JOB_DEFINERS: JobDefiner[] = [defineAuthJobs, defineFollowUpJobs, defineExportJobs];
