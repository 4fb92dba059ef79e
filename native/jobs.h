// The pixel jobs behind the exported kernels. Each factory validates its arguments (throwing a
// TypeError/RangeError that names the argument) before any pixel is read.
#pragma once

#include <napi.h>

#include <memory>

#include "job.h"

namespace bandster {

enum class HistogramOutput { Counts, Hardness };
enum class PredictionInput { Labels, Probabilities };

// (labels, shape): class counts per image and in total, or the hardness of each image.
std::unique_ptr<PixelJob> makeClassHistogramJob(const Napi::CallbackInfo& info, HistogramOutput output);
// (trueLabels, predictedLabels | probabilities, shape): confusion matrices per image and in total.
std::unique_ptr<PixelJob> makeConfusionJob(const Napi::CallbackInfo& info, PredictionInput input);
// (trueLabels, probabilities, shape, options): precision-recall curves of every class.
std::unique_ptr<PixelJob> makePrecisionRecallJob(const Napi::CallbackInfo& info);

}  // namespace bandster
