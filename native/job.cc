// Running pixel jobs synchronously or in an AsyncWorker; see job.h.
#include "job.h"

#include <algorithm>
#include <exception>
#include <thread>

#include "args.h"

namespace bandster {
namespace {

class JobWorker : public Napi::AsyncWorker {
 public:
  JobWorker(Napi::Env env, std::unique_ptr<PixelJob> job, unsigned threads)
      : Napi::AsyncWorker(env, "bandster.metrics"),
        deferred_(Napi::Promise::Deferred::New(env)),
        job_(std::move(job)),
        threads_(threads) {}

  Napi::Promise promise() const { return deferred_.Promise(); }

  void Execute() override {
    try {
      error_ = runJob(*job_, threads_);
    } catch (const std::exception& e) {
      SetError(e.what());
    }
  }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    if (error_.failed()) {
      deferred_.Reject(dataErrorToJs(env, error_, job_->classes()).Value());
      return;
    }
    try {
      deferred_.Resolve(job_->result(env));
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
    }
  }

  void OnError(const Napi::Error& e) override {
    Napi::HandleScope scope(Env());
    deferred_.Reject(e.Value());
  }

 private:
  Napi::Promise::Deferred deferred_;
  std::unique_ptr<PixelJob> job_;
  unsigned threads_;
  DataError error_;
};

}  // namespace

void PixelJob::keepAlive(Napi::Value value) { inputs_.push_back(Napi::Persistent(value.As<Napi::Object>())); }

DataError runJob(PixelJob& job, unsigned threads) {
  const size_t images = job.images();
  const unsigned slots = static_cast<unsigned>(std::max<size_t>(1, std::min<size_t>(threads, images)));
  job.prepare(slots);
  std::vector<DataError> errors(slots);
  // Contiguous ranges: slot s takes images [s*images/slots, (s+1)*images/slots).
  const auto range = [images, slots](unsigned slot) { return images * slot / slots; };
  std::vector<std::thread> helpers;
  helpers.reserve(slots - 1);
  try {
    for (unsigned slot = 1; slot < slots; ++slot) {
      helpers.emplace_back([&job, &errors, &range, slot] { errors[slot] = job.run(range(slot), range(slot + 1), slot); });
    }
  } catch (...) {  // a thread could not start: let the started ones finish before reporting it
    for (std::thread& helper : helpers) helper.join();
    throw;
  }
  errors[0] = job.run(range(0), range(1), 0);
  for (std::thread& helper : helpers) helper.join();
  for (const DataError& error : errors) {
    if (error.failed()) return error;
  }
  return DataError{};
}

Napi::Value runJobNow(Napi::Env env, std::unique_ptr<PixelJob> job) {
  const DataError error = runJob(*job, 1);
  if (error.failed()) throw dataErrorToJs(env, error, job->classes());
  return job->result(env);
}

Napi::Value runJobAsync(Napi::Env env, std::unique_ptr<PixelJob> job, unsigned threads) {
  auto* worker = new JobWorker(env, std::move(job), threads);
  Napi::Promise promise = worker->promise();
  worker->Queue();
  return promise;
}

}  // namespace bandster
