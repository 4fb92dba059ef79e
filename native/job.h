// A pixel job: a kernel over a batch of images that runs either on the calling thread (sync variants)
// or inside a Napi::AsyncWorker spread over std::threads by contiguous ranges of images (async variants).
#pragma once

#include <napi.h>

#include <memory>
#include <vector>

#include "common.h"

namespace bandster {

class PixelJob {
 public:
  PixelJob(size_t images, unsigned classes) : images_(images), classes_(classes) {}
  virtual ~PixelJob() = default;
  PixelJob(const PixelJob&) = delete;
  PixelJob& operator=(const PixelJob&) = delete;

  size_t images() const { return images_; }
  unsigned classes() const { return classes_; }

  // Allocates the state of `slots` threads. Runs before `run`, on whichever thread runs the job.
  virtual void prepare(unsigned slots) = 0;
  // Processes images [begin, end) with the state of `slot`; returns the first data error, if any.
  // Must not call Node-API: it runs on worker threads.
  virtual DataError run(size_t begin, size_t end, unsigned slot) = 0;
  // Merges the slots into the JS result (main thread).
  virtual Napi::Value result(Napi::Env env) = 0;

  // Keeps an input array alive while a worker reads its memory (the arrays are not copied).
  void keepAlive(Napi::Value value);

 private:
  size_t images_;
  unsigned classes_;
  std::vector<Napi::ObjectReference> inputs_;
};

// Runs the job on min(threads, images) threads (at least one, the calling one) and returns the first
// data error in image order, so the error does not depend on the number of threads.
DataError runJob(PixelJob& job, unsigned threads);

// Sync variant: runs on the calling thread and returns the result, or throws.
Napi::Value runJobNow(Napi::Env env, std::unique_ptr<PixelJob> job);
// Async variant: a Promise of the result; the job runs on libuv's pool and `threads` - 1 more threads.
Napi::Value runJobAsync(Napi::Env env, std::unique_ptr<PixelJob> job, unsigned threads);

}  // namespace bandster
