import type { Agenda } from 'agenda';
import type { Recurring } from '../../lib/jobs.js';
import { JOB_UNDO_IMPORT, runUndoJob } from './batches.service.js';
import { JOB_RUN_IMPORT, JOB_SWEEP_IMPORTS, runImportJob, sweepImports } from './import-jobs.service.js';

export function defineImportJobs(agenda: Agenda): Recurring[] {
  agenda.define(JOB_RUN_IMPORT, async (job: { attrs: { data?: { id?: unknown } } }) => {
    const id = job.attrs.data?.id;
    if (typeof id === 'string') await runImportJob(id);
  });
  agenda.define(JOB_UNDO_IMPORT, async (job: { attrs: { data?: { id?: unknown } } }) => {
    const id = job.attrs.data?.id;
    if (typeof id === 'string') await runUndoJob(id);
  });
  agenda.define(JOB_SWEEP_IMPORTS, async () => {
    await sweepImports(new Date());
  });
  return [{ name: JOB_SWEEP_IMPORTS, interval: '5 minutes' }];
}
