export { createJobQueue, type EnqueueOptions, type JobQueue, type JobQueueOptions, type JobRow } from './queue.ts';
export { createJobRunner, JobInterrupted, PermanentJobError, type JobContext, type JobHandler, type JobLog, type JobRunner, type JobRunnerOptions } from './runner.ts';
