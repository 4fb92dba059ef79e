/**
 * Argument validation of the TypeScript twin: the same checks, order, error classes and messages as the
 * addon (native/args.cc), so that tests can compare errors as well as results.
 */
import { types } from 'node:util';

import type { MetricsArgumentError, PixelShape } from '../types.js';

const MAX_CLASSES = 255;
const MAX_THREADS = 256;
const DEFAULT_THRESHOLDS = 101;
const MAX_THRESHOLDS = 65536;

function argumentError(kind: 'type' | 'range', argument: string, message: string, index?: number): MetricsArgumentError {
  const error = kind === 'type' ? new TypeError(message) : new RangeError(message);
  const details: Record<string, unknown> = { code: kind === 'type' ? 'ERR_INVALID_ARG_TYPE' : 'ERR_OUT_OF_RANGE', argument };
  if (index !== undefined) details.index = index;
  return Object.assign(error, details) as unknown as MetricsArgumentError;
}

export function typeError(argument: string, message: string): MetricsArgumentError {
  return argumentError('type', argument, message);
}

export function rangeError(argument: string, message: string, index?: number): MetricsArgumentError {
  return argumentError('range', argument, message, index);
}

/** The error of a label >= classes at flat index `index` of `argument`. */
export function labelError(argument: string, index: number, label: number, classes: number): MetricsArgumentError {
  return rangeError(argument, `${argument}[${index}] = ${label} is not a class index (classes = ${classes})`, index);
}

export function nanError(argument: string, index: number): MetricsArgumentError {
  return rangeError(argument, `${argument}[${index}] is NaN`, index);
}

// node-addon-api's Value::IsObject(): any object, functions included, not null.
function isObject(value: unknown): value is Record<string, unknown> {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

export function readInteger(value: unknown, name: string, min: number, max: number, rangeText: string): number {
  if (typeof value !== 'number') throw typeError(name, `${name} must be a number`);
  if (!(Number.isFinite(value) && Math.floor(value) === value && value >= min && value <= max)) {
    throw rangeError(name, `${name} must be an integer ${rangeText}`);
  }
  return value;
}

export function readFiniteNumber(value: unknown, name: string): number {
  if (typeof value !== 'number') throw typeError(name, `${name} must be a number`);
  if (!Number.isFinite(value)) throw rangeError(name, `${name} must be a finite number`);
  return value;
}

export function readClasses(value: unknown): number {
  return readInteger(value, 'classes', 1, MAX_CLASSES, 'in [1, 255]');
}

export function readPixelShape(value: unknown): PixelShape {
  if (!isObject(value)) throw typeError('shape', 'shape must be an object {images, height, width, classes}');
  const images = readInteger(value.images, 'shape.images', 0, Number.MAX_SAFE_INTEGER, '>= 0');
  const height = readInteger(value.height, 'shape.height', 1, Number.MAX_SAFE_INTEGER, '>= 1');
  const width = readInteger(value.width, 'shape.width', 1, Number.MAX_SAFE_INTEGER, '>= 1');
  const classes = readInteger(value.classes, 'shape.classes', 1, MAX_CLASSES, 'in [1, 255]');
  if (images * height * width * classes > Number.MAX_SAFE_INTEGER) {
    throw rangeError('shape', 'shape describes more than 2^53 - 1 values (images*height*width*classes)');
  }
  return { images, height, width, classes };
}

export function readUint8Array(value: unknown, name: string): Uint8Array {
  if (!types.isUint8Array(value)) throw typeError(name, `${name} must be a Uint8Array`);
  return value;
}

export function readFloat32Array(value: unknown, name: string): Float32Array {
  if (!types.isFloat32Array(value)) throw typeError(name, `${name} must be a Float32Array`);
  return value;
}

export function readFloat64Array(value: unknown, name: string): Float64Array {
  if (!types.isFloat64Array(value)) throw typeError(name, `${name} must be a Float64Array`);
  return value;
}

export function requireLength(name: string, length: number, expected: number, product: string): void {
  if (length !== expected) {
    throw rangeError(name, `${name} has ${length} elements; the shape needs ${expected} (${product})`);
  }
}

/** Every entry of a confusion matrix is a count: finite and >= 0. */
export function requireCounts(matrix: Float64Array, name: string): void {
  for (let i = 0; i < matrix.length; i++) {
    if (!(matrix[i] >= 0 && matrix[i] <= Number.MAX_VALUE)) {
      throw rangeError(name, `${name}[${i}] must be a finite number >= 0`, i);
    }
  }
}

function optionField(options: unknown, field: string): unknown {
  if (options === undefined) return undefined;
  if (!isObject(options)) throw typeError('options', 'options must be an object');
  return options[field];
}

/** options.threads of the async variants (validated only: the twin runs on the calling thread). */
export function readThreads(options: unknown): number | undefined {
  const threads = optionField(options, 'threads');
  if (threads === undefined) return undefined;
  return readInteger(threads, 'options.threads', 1, MAX_THREADS, 'in [1, 256]');
}

export function readThresholdCount(options: unknown): number {
  const thresholds = optionField(options, 'thresholds');
  if (thresholds === undefined) return DEFAULT_THRESHOLDS;
  return readInteger(thresholds, 'options.thresholds', 2, MAX_THRESHOLDS, 'in [2, 65536]');
}
