/**
 * bandster/service: `bandster serve` as a library — a JSON API over HTTP for many ask/tell
 * studies, each a normal bandster log directory, with a live dashboard per study. Kept out of the
 * main entry point so that importing `bandster` does not load Fastify.
 */
export { checkListenAddress, isLoopback } from './access.js';
export { createHttpApp, HTTP_APP_DEFAULTS } from './http-app.js';
export type { ErrorBody, HttpAppOptions } from './http-app.js';
export { SERVICE_PRESET_NAMES, SERVICE_PRESETS } from './presets.js';
export type { ServicePreset, ServicePresetName } from './presets.js';
export { ServiceError } from './service-error.js';
export type { ServiceErrorCode } from './service-error.js';
export { Study } from './study.js';
export type { AskAnswer, StudyStatus } from './study.js';
export { StudyRegistry } from './study-registry.js';
export { DEFAULT_ASK_WAIT_MS } from './study-routes.js';
export { isStudyName, STUDY_NAME_PATTERN } from './study-name.js';
export type { StudyRecord, StudySpec } from './study-spec.js';
export { createStudyServer } from './study-server.js';
export type { StudyServer, StudyServerOptions } from './study-server.js';
export { RunFollower } from '../dashboard/run-follower.js';
export { createDashboardServer } from '../dashboard/dashboard-server.js';
export type { DashboardServer, DashboardServerOptions } from '../dashboard/dashboard-server.js';
export type { DashboardEvent, DashboardSnapshot, DashboardSource } from '../dashboard/dashboard-data.js';
export { RunLock, RunLockError, RUN_LOCK_FILE } from '../storage/run-lock.js';
export type { RunLockErrorCode, RunLockOptions, RunLockOwner } from '../storage/run-lock.js';
