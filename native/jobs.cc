// Pixel jobs: class histograms, hardness, confusion matrices and precision-recall histograms.
#include "jobs.h"

#include <algorithm>
#include <cstring>

#include "args.h"
#include "kernels.h"
#include "simd.h"

namespace bandster {
namespace {

// Pixels whose scores are validated and then histogrammed at once (precision-recall): small enough that
// the second pass reads from L1/L2.
constexpr size_t kScoreBlockPixels = 2048;
// Pixels whose argmax goes to a buffer that the pair counter then reads (16 KiB, in L1): a multiple of
// every kernel's step (16 pixels of argmax, 512 of AVX-512 pair masks), so no block leaves a scalar tail.
constexpr size_t kArgmaxBlockPixels = 16384;

Napi::Float64Array toFloat64Array(Napi::Env env, const double* values, size_t length) {
  Napi::Float64Array array = Napi::Float64Array::New(env, length);
  if (length > 0) std::memcpy(array.Data(), values, length * sizeof(double));
  return array;
}

DataError labelError(const char* argument, uint64_t index, unsigned value) {
  DataError error;
  error.kind = DataError::Kind::LabelOutOfRange;
  error.argument = argument;
  error.index = index;
  error.value = value;
  return error;
}

DataError nanError(const char* argument, uint64_t index) {
  DataError error;
  error.kind = DataError::Kind::NotANumber;
  error.argument = argument;
  error.index = index;
  return error;
}

class ClassHistogramJob final : public PixelJob {
 public:
  ClassHistogramJob(const uint8_t* labels, const PixelShape& shape, HistogramOutput output)
      : PixelJob(shape.images, shape.classes),
        kernels_(pixelKernels(activeSimdPath())),
        labels_(labels),
        shape_(shape),
        output_(output) {}

  void prepare(unsigned slots) override {
    perImage_.assign(shape_.images * shape_.classes, 0.0);
    hardness_.assign(output_ == HistogramOutput::Hardness ? shape_.images : 0, 0.0);
    totals_.assign(slots, std::vector<uint64_t>(shape_.classes, 0));
  }

  DataError run(size_t begin, size_t end, unsigned slot) override {
    const size_t pixels = shape_.pixelsPerImage();
    const unsigned classes = shape_.classes;
    std::vector<uint64_t> counts(classes);
    for (size_t image = begin; image < end; ++image) {
      const uint8_t* labels = labels_ + image * pixels;
      std::fill(counts.begin(), counts.end(), 0);
      if (kernels_.countClasses(labels, pixels, classes, counts.data()) != pixels) {
        const size_t bad = static_cast<size_t>(std::find_if(labels, labels + pixels, [classes](uint8_t label) {
                                                 return label >= classes;
                                               }) - labels);
        return labelError("labels", image * pixels + bad, labels[bad]);
      }
      for (unsigned c = 0; c < classes; ++c) {
        perImage_[image * classes + c] = static_cast<double>(counts[c]);
        totals_[slot][c] += counts[c];
      }
      if (output_ == HistogramOutput::Hardness) hardness_[image] = kernels::hardnessFromCounts(counts.data(), classes, pixels);
    }
    return DataError{};
  }

  Napi::Value result(Napi::Env env) override {
    if (output_ == HistogramOutput::Hardness) return toFloat64Array(env, hardness_.data(), hardness_.size());
    std::vector<double> total(shape_.classes, 0.0);
    for (unsigned c = 0; c < shape_.classes; ++c) {
      uint64_t sum = 0;
      for (const auto& slot : totals_) sum += slot[c];
      total[c] = static_cast<double>(sum);
    }
    Napi::Object object = Napi::Object::New(env);
    object.Set("perImage", toFloat64Array(env, perImage_.data(), perImage_.size()));
    object.Set("total", toFloat64Array(env, total.data(), total.size()));
    return object;
  }

 private:
  const kernels::PixelKernels& kernels_;  // the SIMD path active when the job was made
  const uint8_t* labels_;
  PixelShape shape_;
  HistogramOutput output_;
  std::vector<double> perImage_;
  std::vector<double> hardness_;
  std::vector<std::vector<uint64_t>> totals_;
};

class ConfusionJob final : public PixelJob {
 public:
  ConfusionJob(const uint8_t* truth, const uint8_t* predicted, const float* scores, const PixelShape& shape)
      : PixelJob(shape.images, shape.classes),
        kernels_(pixelKernels(activeSimdPath())),
        truth_(truth),
        predicted_(predicted),
        scores_(scores),
        shape_(shape) {}

  void prepare(unsigned slots) override {
    const size_t cells = size_t{shape_.classes} * shape_.classes;
    perImage_.assign(shape_.images * cells, 0.0);
    totals_.assign(slots, std::vector<uint64_t>(cells, 0));
    imageCells_.assign(slots, std::vector<uint64_t>(cells, 0));
    argmax_.assign(scores_ != nullptr ? slots : 0, std::vector<uint8_t>(kArgmaxBlockPixels));
  }

  DataError run(size_t begin, size_t end, unsigned slot) override {
    const size_t pixels = shape_.pixelsPerImage();
    const unsigned classes = shape_.classes;
    const size_t cells = size_t{classes} * classes;
    uint64_t* imageCells = imageCells_[slot].data();
    for (size_t image = begin; image < end; ++image) {
      std::fill(imageCells, imageCells + cells, 0);
      if (scores_ == nullptr) {
        // One call per image: the kernel validates and counts block by block itself.
        const size_t first = image * pixels;
        if (!kernels_.countPairs(truth_ + first, predicted_ + first, pixels, classes, imageCells)) return findError(first, pixels);
      } else {
        // The argmax of a block goes to an L1-sized buffer that the pair counter then reads.
        uint8_t* argmax = argmax_[slot].data();
        for (size_t offset = 0; offset < pixels; offset += kArgmaxBlockPixels) {
          const size_t first = image * pixels + offset;
          const size_t length = std::min(kArgmaxBlockPixels, pixels - offset);
          if (!kernels_.argmaxClasses(scores_ + first * classes, length, classes, argmax) ||
              !kernels_.countPairs(truth_ + first, argmax, length, classes, imageCells)) {
            return findError(first, length);
          }
        }
      }
      for (size_t cell = 0; cell < cells; ++cell) {
        perImage_[image * cells + cell] = static_cast<double>(imageCells[cell]);
        totals_[slot][cell] += imageCells[cell];
      }
    }
    return DataError{};
  }

  Napi::Value result(Napi::Env env) override {
    const size_t cells = size_t{shape_.classes} * shape_.classes;
    std::vector<double> total(cells, 0.0);
    for (size_t cell = 0; cell < cells; ++cell) {
      uint64_t sum = 0;
      for (const auto& slot : totals_) sum += slot[cell];
      total[cell] = static_cast<double>(sum);
    }
    Napi::Object object = Napi::Object::New(env);
    object.Set("perImage", toFloat64Array(env, perImage_.data(), perImage_.size()));
    object.Set("total", toFloat64Array(env, total.data(), total.size()));
    return object;
  }

 private:
  // The first bad pixel of a block known to hold one, checked in the twin's order: the true label,
  // then the prediction (each score in class order, or the predicted label).
  DataError findError(size_t first, size_t length) const {
    const unsigned classes = shape_.classes;
    for (size_t pixel = first; pixel < first + length; ++pixel) {
      if (truth_[pixel] >= classes) return labelError("trueLabels", pixel, truth_[pixel]);
      if (scores_ != nullptr) {
        for (unsigned c = 0; c < classes; ++c) {
          const float score = scores_[pixel * classes + c];
          if (score != score) return nanError("probabilities", pixel * classes + c);
        }
      } else if (predicted_[pixel] >= classes) {
        return labelError("predictedLabels", pixel, predicted_[pixel]);
      }
    }
    return DataError{};  // unreachable when the block failed its check
  }

  const kernels::PixelKernels& kernels_;  // the SIMD path active when the job was made
  const uint8_t* truth_;
  const uint8_t* predicted_;
  const float* scores_;
  PixelShape shape_;
  std::vector<double> perImage_;
  std::vector<std::vector<uint64_t>> totals_;      // per slot
  std::vector<std::vector<uint64_t>> imageCells_;  // per slot: the matrix of the image being counted
  std::vector<std::vector<uint8_t>> argmax_;       // per slot: predicted labels of one block
};

class PrecisionRecallJob final : public PixelJob {
 public:
  PrecisionRecallJob(const uint8_t* truth, const float* scores, const PixelShape& shape, unsigned thresholds)
      : PixelJob(shape.images, shape.classes),
        kernels_(pixelKernels(activeSimdPath())),
        truth_(truth),
        scores_(scores),
        shape_(shape),
        bins_(thresholds) {}

  void prepare(unsigned slots) override {
    const size_t cells = size_t{shape_.classes} * bins_;
    // Four copies of the histograms while they stay small (6 classes x 101 bins: 19 KiB each).
    ways_ = cells <= 2048 ? 4 : 1;
    all_.assign(slots, std::vector<uint64_t>(ways_ * cells, 0));
    positives_.assign(slots, std::vector<uint64_t>(ways_ * cells, 0));
  }

  DataError run(size_t begin, size_t end, unsigned slot) override {
    const size_t pixels = shape_.pixelsPerImage();
    const unsigned classes = shape_.classes;
    for (size_t first = begin * pixels; first < end * pixels; first += kScoreBlockPixels) {
      const size_t length = std::min(kScoreBlockPixels, end * pixels - first);
      const uint8_t* truth = truth_ + first;
      const float* scores = scores_ + first * classes;
      if (kernels_.maxLabel(truth, length) >= classes || kernels_.anyNaN(scores, length * classes)) {
        for (size_t pixel = first; pixel < first + length; ++pixel) {
          if (truth_[pixel] >= classes) return labelError("trueLabels", pixel, truth_[pixel]);
          for (unsigned c = 0; c < classes; ++c) {
            if (scores_[pixel * classes + c] != scores_[pixel * classes + c]) return nanError("probabilities", pixel * classes + c);
          }
        }
      }
      kernels::accumulateScoreHistograms(truth, scores, length, classes, bins_, ways_, all_[slot].data(), positives_[slot].data());
    }
    return DataError{};
  }

  Napi::Value result(Napi::Env env) override {
    const unsigned classes = shape_.classes;
    const size_t bins = bins_;
    std::vector<double> thresholds(bins), positives(classes), truePositives(classes * bins),
        falsePositives(classes * bins), precision(classes * bins), recall(classes * bins);
    for (size_t k = 0; k < bins; ++k) thresholds[k] = static_cast<double>(k) / static_cast<double>(bins - 1);
    for (unsigned c = 0; c < classes; ++c) {
      // Counts at threshold k are suffix sums over the bins >= k.
      uint64_t tp = 0;
      uint64_t fp = 0;
      for (size_t k = bins; k-- > 0;) {
        const size_t cell = c * bins + k;
        uint64_t all = 0;
        uint64_t positive = 0;
        for (size_t slot = 0; slot < all_.size(); ++slot) {
          for (unsigned way = 0; way < ways_; ++way) {
            all += all_[slot][way * classes * bins + cell];
            positive += positives_[slot][way * classes * bins + cell];
          }
        }
        tp += positive;
        fp += all - positive;
        truePositives[cell] = static_cast<double>(tp);
        falsePositives[cell] = static_cast<double>(fp);
      }
      positives[c] = truePositives[c * bins];  // every score is >= threshold 0
      for (size_t k = 0; k < bins; ++k) {
        const size_t cell = c * bins + k;
        precision[cell] = truePositives[cell] / (truePositives[cell] + falsePositives[cell]);
        recall[cell] = truePositives[cell] / positives[c];
      }
    }
    Napi::Object object = Napi::Object::New(env);
    object.Set("thresholds", toFloat64Array(env, thresholds.data(), bins));
    object.Set("positives", toFloat64Array(env, positives.data(), classes));
    object.Set("truePositives", toFloat64Array(env, truePositives.data(), truePositives.size()));
    object.Set("falsePositives", toFloat64Array(env, falsePositives.data(), falsePositives.size()));
    object.Set("precision", toFloat64Array(env, precision.data(), precision.size()));
    object.Set("recall", toFloat64Array(env, recall.data(), recall.size()));
    return object;
  }

 private:
  const kernels::PixelKernels& kernels_;  // the SIMD path active when the job was made
  const uint8_t* truth_;
  const float* scores_;
  PixelShape shape_;
  unsigned bins_;
  unsigned ways_ = 1;
  std::vector<std::vector<uint64_t>> all_;        // per slot: ways_ copies of classes x bins
  std::vector<std::vector<uint64_t>> positives_;  // per slot: ways_ copies of classes x bins
};

}  // namespace

std::unique_ptr<PixelJob> makeClassHistogramJob(const Napi::CallbackInfo& info, HistogramOutput output) {
  Napi::Env env = info.Env();
  const ArrayView<uint8_t> labels = readUint8Array(env, info[0], "labels");
  const PixelShape shape = readPixelShape(env, info[1]);
  requireLength(env, "labels", labels.length, shape.pixels(), "images*height*width");
  auto job = std::make_unique<ClassHistogramJob>(labels.data, shape, output);
  job->keepAlive(info[0]);
  return job;
}

std::unique_ptr<PixelJob> makeConfusionJob(const Napi::CallbackInfo& info, PredictionInput input) {
  Napi::Env env = info.Env();
  const ArrayView<uint8_t> truth = readUint8Array(env, info[0], "trueLabels");
  std::unique_ptr<PixelJob> job;
  if (input == PredictionInput::Labels) {
    const ArrayView<uint8_t> predicted = readUint8Array(env, info[1], "predictedLabels");
    const PixelShape shape = readPixelShape(env, info[2]);
    requireLength(env, "trueLabels", truth.length, shape.pixels(), "images*height*width");
    requireLength(env, "predictedLabels", predicted.length, shape.pixels(), "images*height*width");
    job = std::make_unique<ConfusionJob>(truth.data, predicted.data, nullptr, shape);
  } else {
    const ArrayView<float> scores = readFloat32Array(env, info[1], "probabilities");
    const PixelShape shape = readPixelShape(env, info[2]);
    requireLength(env, "trueLabels", truth.length, shape.pixels(), "images*height*width");
    requireLength(env, "probabilities", scores.length, shape.pixels() * shape.classes, "images*height*width*classes");
    job = std::make_unique<ConfusionJob>(truth.data, nullptr, scores.data, shape);
  }
  job->keepAlive(info[0]);
  job->keepAlive(info[1]);
  return job;
}

std::unique_ptr<PixelJob> makePrecisionRecallJob(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const ArrayView<uint8_t> truth = readUint8Array(env, info[0], "trueLabels");
  const ArrayView<float> scores = readFloat32Array(env, info[1], "probabilities");
  const PixelShape shape = readPixelShape(env, info[2]);
  requireLength(env, "trueLabels", truth.length, shape.pixels(), "images*height*width");
  requireLength(env, "probabilities", scores.length, shape.pixels() * shape.classes, "images*height*width*classes");
  const unsigned thresholds = readThresholdCount(env, info[3]);
  auto job = std::make_unique<PrecisionRecallJob>(truth.data, scores.data, shape, thresholds);
  job->keepAlive(info[0]);
  job->keepAlive(info[1]);
  return job;
}

}  // namespace bandster
