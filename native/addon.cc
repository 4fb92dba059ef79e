// The metrics addon's exports. Pixel kernels come in a sync variant (runs on the calling thread, for
// small inputs) and an async one (a Promise; images spread over std::threads off the event loop).
#include <napi.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>
#include <string>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "args.h"
#include "jobs.h"
#include "kernels.h"
#include "simd.h"

namespace bandster {
namespace {

Napi::Value ClassHistogram(const Napi::CallbackInfo& info) {
  return runJobNow(info.Env(), makeClassHistogramJob(info, HistogramOutput::Counts));
}
Napi::Value ClassHistogramAsync(const Napi::CallbackInfo& info) {
  auto job = makeClassHistogramJob(info, HistogramOutput::Counts);
  return runJobAsync(info.Env(), std::move(job), readThreads(info.Env(), info[2]));
}
Napi::Value HardnessPerImage(const Napi::CallbackInfo& info) {
  return runJobNow(info.Env(), makeClassHistogramJob(info, HistogramOutput::Hardness));
}
Napi::Value HardnessPerImageAsync(const Napi::CallbackInfo& info) {
  auto job = makeClassHistogramJob(info, HistogramOutput::Hardness);
  return runJobAsync(info.Env(), std::move(job), readThreads(info.Env(), info[2]));
}
Napi::Value ConfusionMatrix(const Napi::CallbackInfo& info) {
  return runJobNow(info.Env(), makeConfusionJob(info, PredictionInput::Labels));
}
Napi::Value ConfusionMatrixAsync(const Napi::CallbackInfo& info) {
  auto job = makeConfusionJob(info, PredictionInput::Labels);
  return runJobAsync(info.Env(), std::move(job), readThreads(info.Env(), info[3]));
}
Napi::Value ConfusionMatrixFromProbabilities(const Napi::CallbackInfo& info) {
  return runJobNow(info.Env(), makeConfusionJob(info, PredictionInput::Probabilities));
}
Napi::Value ConfusionMatrixFromProbabilitiesAsync(const Napi::CallbackInfo& info) {
  auto job = makeConfusionJob(info, PredictionInput::Probabilities);
  return runJobAsync(info.Env(), std::move(job), readThreads(info.Env(), info[3]));
}
Napi::Value PrecisionRecallCurve(const Napi::CallbackInfo& info) {
  return runJobNow(info.Env(), makePrecisionRecallJob(info));
}
Napi::Value PrecisionRecallCurveAsync(const Napi::CallbackInfo& info) {
  auto job = makePrecisionRecallJob(info);
  return runJobAsync(info.Env(), std::move(job), readThreads(info.Env(), info[3]));
}

unsigned readClasses(Napi::Env env, Napi::Value value) {
  return static_cast<unsigned>(readInteger(env, value, "classes", 1, kMaxClasses, "in [1, 255]"));
}

// Every entry of a confusion matrix is a count: finite and >= 0.
void requireCounts(Napi::Env env, const ArrayView<double>& matrix, const std::string& name) {
  for (size_t i = 0; i < matrix.length; ++i) {
    if (!(matrix.data[i] >= 0.0 && matrix.data[i] <= 1.7976931348623157e308)) {
      throwRangeError(env, name, name + "[" + std::to_string(i) + "] must be a finite number >= 0", static_cast<int64_t>(i));
    }
  }
}

// (confusion, classes) -> {precision, recall, f1, iou, meanIou, pixelAccuracy}
Napi::Value ScoreConfusion(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const ArrayView<double> matrix = readFloat64Array(env, info[0], "confusion");
  const unsigned classes = readClasses(env, info[1]);
  const size_t cells = size_t{classes} * classes;
  if (matrix.length != cells) {
    throwRangeError(env, "confusion", "confusion has " + std::to_string(matrix.length) + " elements; classes*classes = " +
                                          std::to_string(cells));
  }
  requireCounts(env, matrix, "confusion");
  Napi::Float64Array precision = Napi::Float64Array::New(env, classes);
  Napi::Float64Array recall = Napi::Float64Array::New(env, classes);
  Napi::Float64Array f1 = Napi::Float64Array::New(env, classes);
  Napi::Float64Array iou = Napi::Float64Array::New(env, classes);
  const kernels::ConfusionScores scores =
      kernels::scoreConfusion(matrix.data, classes, precision.Data(), recall.Data(), f1.Data(), iou.Data());
  Napi::Object object = Napi::Object::New(env);
  object.Set("precision", precision);
  object.Set("recall", recall);
  object.Set("f1", f1);
  object.Set("iou", iou);
  object.Set("meanIou", scores.meanIou);
  object.Set("pixelAccuracy", scores.pixelAccuracy);
  return object;
}

// (confusionPerImage, classes) -> Float64Array of trace/total per image
Napi::Value PixelAccuracyPerImage(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const ArrayView<double> matrices = readFloat64Array(env, info[0], "confusionPerImage");
  const unsigned classes = readClasses(env, info[1]);
  const size_t cells = size_t{classes} * classes;
  if (matrices.length % cells != 0) {
    throwRangeError(env, "confusionPerImage", "confusionPerImage has " + std::to_string(matrices.length) +
                                                  " elements, not a multiple of classes*classes = " + std::to_string(cells));
  }
  requireCounts(env, matrices, "confusionPerImage");
  const size_t images = matrices.length / cells;
  Napi::Float64Array accuracy = Napi::Float64Array::New(env, images);
  for (size_t image = 0; image < images; ++image) accuracy[image] = kernels::pixelAccuracy(matrices.data + image * cells, classes);
  return accuracy;
}

// (hardness, accuracy, count, threshold) -> Uint32Array: the `count` most accurate images among those
// with hardness <= threshold, most accurate first (ties: lower index first).
Napi::Value SelectMostAccurateHardImages(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const ArrayView<double> hardness = readFloat64Array(env, info[0], "hardness");
  const ArrayView<double> accuracy = readFloat64Array(env, info[1], "accuracy");
  if (accuracy.length != hardness.length) {
    throwRangeError(env, "accuracy", "accuracy has " + std::to_string(accuracy.length) + " elements; hardness has " +
                                         std::to_string(hardness.length));
  }
  const double count = readInteger(env, info[2], "count", 0, 9007199254740991.0, ">= 0");
  const double threshold = readFiniteNumber(env, info[3], "threshold");
  for (size_t i = 0; i < hardness.length; ++i) {
    if (std::isnan(hardness.data[i])) throwRangeError(env, "hardness", "hardness[" + std::to_string(i) + "] is NaN", i);
    if (std::isnan(accuracy.data[i])) throwRangeError(env, "accuracy", "accuracy[" + std::to_string(i) + "] is NaN", i);
  }
  std::vector<uint32_t> hard;
  for (size_t i = 0; i < hardness.length; ++i) {
    if (hardness.data[i] <= threshold) hard.push_back(static_cast<uint32_t>(i));
  }
  const size_t selected = std::min(hard.size(), static_cast<size_t>(count));
  const auto moreAccurate = [&accuracy](uint32_t a, uint32_t b) {
    return accuracy.data[a] != accuracy.data[b] ? accuracy.data[a] > accuracy.data[b] : a < b;
  };
  std::partial_sort(hard.begin(), hard.begin() + selected, hard.end(), moreAccurate);
  Napi::Uint32Array indices = Napi::Uint32Array::New(env, selected);
  std::copy(hard.begin(), hard.begin() + selected, indices.Data());
  return indices;
}

// simd.paths() -> [{name, supported, reason}] for every path this build has, fastest last.
Napi::Value SimdPaths(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Array paths = Napi::Array::New(env);
  for (unsigned i = 0; i < kSimdPathCount; ++i) {
    const auto path = static_cast<SimdPath>(i);
    if (!simdPathCompiled(path)) continue;
    Napi::Object entry = Napi::Object::New(env);
    entry.Set("name", simdPathName(path));
    const bool supported = simdPathSupported(path);
    entry.Set("supported", supported);
    if (!supported) entry.Set("reason", simdPathUnsupportedReason(path));
    paths.Set(paths.Length(), entry);
  }
  return paths;
}

Napi::Value SimdActive(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), simdPathName(activeSimdPath())); }

// simd.use(name): the path of the jobs made from now on (jobs already made keep theirs).
Napi::Value SimdUse(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString()) throwTypeError(env, "path", "path must be a string");
  const std::string name = info[0].As<Napi::String>().Utf8Value();
  const std::optional<SimdPath> path = parseSimdPath(name);
  if (!path || !simdPathCompiled(*path)) throwRangeError(env, "path", "path must be one of this build's SIMD paths (got " + name + ")");
  if (!simdPathSupported(*path)) throwRangeError(env, "path", "cannot use the " + name + " path: " + simdPathUnsupportedReason(*path));
  setActiveSimdPath(*path);
  return env.Undefined();
}

// sumUint8(array) / sumFloat32(array): read every value once and add them up, with the active path;
// the benchmark's streaming-read limit (bench/metrics.ts).
Napi::Value SumUint8(const Napi::CallbackInfo& info) {
  const ArrayView<uint8_t> values = readUint8Array(info.Env(), info[0], "values");
  return Napi::Number::New(info.Env(), pixelKernels(activeSimdPath()).sumBytes(values.data, values.length));
}
Napi::Value SumFloat32(const Napi::CallbackInfo& info) {
  const ArrayView<float> values = readFloat32Array(info.Env(), info[0], "values");
  return Napi::Number::New(info.Env(), pixelKernels(activeSimdPath()).sumFloats(values.data, values.length));
}

// Gives the C heap's free pages back to the system (glibc's malloc_trim, every arena): a training
// backend's freed buffers otherwise stay in the process's RSS, which a memory budget measures. Not a
// metrics kernel, but the addon is the project's one native module. False where there is no glibc.
Napi::Value TrimHeap(const Napi::CallbackInfo& info) {
#if defined(__GLIBC__)
  return Napi::Boolean::New(info.Env(), malloc_trim(0) != 0);
#else
  return Napi::Boolean::New(info.Env(), false);
#endif
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  std::string simdError;
  const std::optional<SimdPath> path = simdPathFromEnvironment(&simdError);
  if (!path) throw Napi::Error::New(env, simdError);
  setActiveSimdPath(*path);
  exports.Set("classHistogram", Napi::Function::New(env, ClassHistogram, "classHistogram"));
  exports.Set("classHistogramAsync", Napi::Function::New(env, ClassHistogramAsync, "classHistogramAsync"));
  exports.Set("hardnessPerImage", Napi::Function::New(env, HardnessPerImage, "hardnessPerImage"));
  exports.Set("hardnessPerImageAsync", Napi::Function::New(env, HardnessPerImageAsync, "hardnessPerImageAsync"));
  exports.Set("confusionMatrix", Napi::Function::New(env, ConfusionMatrix, "confusionMatrix"));
  exports.Set("confusionMatrixAsync", Napi::Function::New(env, ConfusionMatrixAsync, "confusionMatrixAsync"));
  exports.Set("confusionMatrixFromProbabilities",
              Napi::Function::New(env, ConfusionMatrixFromProbabilities, "confusionMatrixFromProbabilities"));
  exports.Set("confusionMatrixFromProbabilitiesAsync",
              Napi::Function::New(env, ConfusionMatrixFromProbabilitiesAsync, "confusionMatrixFromProbabilitiesAsync"));
  exports.Set("precisionRecallCurve", Napi::Function::New(env, PrecisionRecallCurve, "precisionRecallCurve"));
  exports.Set("precisionRecallCurveAsync", Napi::Function::New(env, PrecisionRecallCurveAsync, "precisionRecallCurveAsync"));
  exports.Set("scoreConfusion", Napi::Function::New(env, ScoreConfusion, "scoreConfusion"));
  exports.Set("pixelAccuracyPerImage", Napi::Function::New(env, PixelAccuracyPerImage, "pixelAccuracyPerImage"));
  exports.Set("selectMostAccurateHardImages",
              Napi::Function::New(env, SelectMostAccurateHardImages, "selectMostAccurateHardImages"));
  Napi::Object simd = Napi::Object::New(env);
  simd.Set("paths", Napi::Function::New(env, SimdPaths, "paths"));
  simd.Set("active", Napi::Function::New(env, SimdActive, "active"));
  simd.Set("use", Napi::Function::New(env, SimdUse, "use"));
  exports.Set("simd", simd);
  exports.Set("sumUint8", Napi::Function::New(env, SumUint8, "sumUint8"));
  exports.Set("sumFloat32", Napi::Function::New(env, SumFloat32, "sumFloat32"));
  exports.Set("trimHeap", Napi::Function::New(env, TrimHeap, "trimHeap"));
  return exports;
}

}  // namespace
}  // namespace bandster

Napi::Object InitMetrics(Napi::Env env, Napi::Object exports) { return bandster::Init(env, exports); }

NODE_API_MODULE(bandster_metrics, InitMetrics)
