import type { Backend } from '../../backends/backend.js';

const MB = 2 ** 20;

/** What a trial's memory was, as its `info.memory` records it (MB). */
export interface TrialMemory {
  /** The process's resident set size when the trial started. */
  readonly start_rss_mb: number;
  /**
   * The process's resident set size at most during the trial, sampled every `intervalMs` and after
   * every training and validation step. In a thread pool it is the whole process's: the other
   * threads' trials are in it.
   */
  readonly peak_rss_mb: number;
  /** What the backend said it held, at most (its tensors or state buffers: Backend.memory().bytes). */
  readonly backend_peak_mb: number;
  /** The backend's own heap at the end, where it has one (tfjs-wasm's WebAssembly memory, which never shrinks). */
  readonly backend_heap_mb?: number;
}

/**
 * Samples the process's RSS and the backend's own figure during one trial. The timer keeps sampling
 * while a backend runs off the JavaScript thread (ONNX Runtime); `sample()` after each step catches
 * what happens between timer ticks on a backend that computes on this thread (tfjs).
 */
export class MemoryMeter {
  private readonly startRss: number;
  private peakRss: number;
  private peakBackend: number;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly backend: Backend,
    intervalMs = 50,
  ) {
    this.startRss = process.memoryUsage.rss();
    this.peakRss = this.startRss;
    this.peakBackend = backend.memory().bytes;
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  sample(): void {
    this.peakRss = Math.max(this.peakRss, process.memoryUsage.rss());
    this.peakBackend = Math.max(this.peakBackend, this.backend.memory().bytes);
  }

  /** Stops sampling; what was measured. */
  stop(): TrialMemory {
    clearInterval(this.timer);
    this.sample();
    const heap = this.backend.memory().heapBytes;
    const round = (bytes: number) => Math.round((bytes / MB) * 10) / 10;
    return {
      start_rss_mb: round(this.startRss),
      peak_rss_mb: round(this.peakRss),
      backend_peak_mb: round(this.peakBackend),
      ...(heap === undefined ? {} : { backend_heap_mb: round(heap) }),
    };
  }
}
