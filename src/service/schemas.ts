import { OPTIMIZER_NAMES } from '../optimizers/optimizer.js';
import { SERVICE_PRESET_NAMES } from './presets.js';
import { STUDY_NAME_PATTERN } from './study-name.js';

/**
 * JSON schemas of the API's requests, checked by Fastify (Ajv) before a handler runs: wrong types,
 * missing and unknown fields are a 400 naming the field. Bounds keep every number in a range the
 * search accepts, and lengths keep one request small.
 */
const MAX_ID_PART = 2 ** 31 - 1;
const WEEK_MS = 7 * 24 * 3600 * 1000;

export const NAME_PARAMS = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string', pattern: STUDY_NAME_PATTERN } },
} as const;

export const CREATE_STUDY_BODY = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', pattern: STUDY_NAME_PATTERN },
    space: { type: 'object' },
    preset: { type: 'string', enum: SERVICE_PRESET_NAMES },
    optimizer: { type: 'string', enum: OPTIMIZER_NAMES },
    minBudget: { type: 'number', exclusiveMinimum: 0, maximum: 1e12 },
    maxBudget: { type: 'number', exclusiveMinimum: 0, maximum: 1e12 },
    eta: { type: 'number', exclusiveMinimum: 1, maximum: 1000 },
    nIterations: { type: 'integer', minimum: 0, maximum: 100_000 },
    asynchronous: { type: 'boolean' },
    seed: { type: 'integer', minimum: 0, maximum: MAX_ID_PART },
    model: { type: 'object' },
    leaseTimeoutMs: { type: 'number', exclusiveMinimum: 0, maximum: WEEK_MS },
    warmStartFrom: { type: 'array', maxItems: 16, items: { type: 'string', pattern: STUDY_NAME_PATTERN } },
  },
} as const;

/** A job's identity as ask answered it: the configuration id and the budget. */
const JOB_IDENTITY = {
  configId: { type: 'array', minItems: 3, maxItems: 3, items: { type: 'integer', minimum: 0, maximum: MAX_ID_PART } },
  budget: { type: 'number', exclusiveMinimum: 0, maximum: 1e12 },
} as const;

/** A lease's length in ms (at most a week). */
const LEASE_MS = { type: 'number', exclusiveMinimum: 0, maximum: WEEK_MS } as const;

export const ASK_BODY = {
  type: ['object', 'null'],
  additionalProperties: false,
  properties: {
    /** How long to wait for a job when the scheduler waits for results. */
    waitMs: { type: 'integer', minimum: 0, maximum: 60_000 },
    leaseMs: LEASE_MS,
  },
} as const;

export const TELL_BODY = {
  type: 'object',
  additionalProperties: false,
  required: ['configId', 'budget'],
  properties: {
    ...JOB_IDENTITY,
    /** A number; JSON has no NaN or Infinity, so those come as strings (a non-finite loss is a recorded failure). */
    loss: { anyOf: [{ type: 'number' }, { type: 'null' }, { type: 'string', enum: ['NaN', 'Infinity', '-Infinity'] }] },
    info: { type: 'object' },
    error: { type: 'string', maxLength: 65_536 },
  },
} as const;

/** A heartbeat: the job's identity as ask answered it (`attempt` optional), and optionally a new lease length. */
export const HEARTBEAT_BODY = {
  type: 'object',
  additionalProperties: false,
  required: ['configId', 'budget'],
  properties: {
    ...JOB_IDENTITY,
    attempt: { type: 'integer', minimum: 0, maximum: MAX_ID_PART },
    leaseMs: LEASE_MS,
  },
} as const;

export const RUNS_QUERY = {
  type: 'object',
  additionalProperties: false,
  properties: { since: { type: 'string', pattern: '^[0-9]{1,9}$' }, token: { type: 'string', maxLength: 1024 } },
} as const;

export const TOKEN_QUERY = {
  type: 'object',
  properties: { token: { type: 'string', maxLength: 1024 } },
} as const;
