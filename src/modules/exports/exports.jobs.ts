import type { Agenda } from 'agenda';
import type { Recurring } from '../../lib/jobs.js';
import { JOB_RUN_EXPORT, JOB_SWEEP_EXPORTS, runExportJob, sweepExports } from './export-jobs.service.js';

export function defineExportJobs(agenda: Agenda): Recurring[] {
  agenda.define(JOB_RUN_EXPORT, async (job: { attrs: { data?: { id?: unknown } } }) => {
    const id = job.attrs.data?.id;
    if (typeof id === 'string') await runExportJob(id);
  });
  agenda.define(JOB_SWEEP_EXPORTS, async () => {
    await sweepExports(new Date());
  });
  return [{ name: JOB_SWEEP_EXPORTS, interval: '5 minutes' }];
}
