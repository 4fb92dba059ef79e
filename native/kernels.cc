// The kernels without SIMD variants: precision-recall histograms and the scores of confusion matrices.
// See kernels.h for the contracts; the per-pixel SIMD kernels are in kernels-{scalar,avx2,avx512}.cc.
#include "kernels.h"

#include <cmath>

namespace bandster::kernels {

void accumulateScoreHistograms(const uint8_t* truth, const float* scores, size_t pixels, unsigned classes,
                               unsigned bins, unsigned ways, uint64_t* all, uint64_t* positives) {
  const double top = static_cast<double>(bins - 1);
  const auto binOf = [top](float score) {
    double scaled = static_cast<double>(score) * top;
    scaled = scaled > 0.0 ? scaled : 0.0;
    scaled = scaled < top ? scaled : top;
    return static_cast<size_t>(scaled);
  };
  const size_t cells = size_t{classes} * bins;
  // Pixel i goes to copy i % ways: most scores of a class fall into a few bins, and consecutive
  // increments of one counter wait for each other through memory.
  size_t i = 0;
  if (ways == 4) {
    for (; i + 4 <= pixels; i += 4) {
      for (unsigned way = 0; way < 4; ++way) {
        const float* s = scores + (i + way) * classes;
        uint64_t* wayAll = all + way * cells;
        for (unsigned c = 0; c < classes; ++c) ++wayAll[c * size_t{bins} + binOf(s[c])];
        const unsigned t = truth[i + way];
        ++positives[way * cells + t * size_t{bins} + binOf(s[t])];
      }
    }
  }
  for (; i < pixels; ++i) {
    const float* s = scores + i * classes;
    for (unsigned c = 0; c < classes; ++c) ++all[c * size_t{bins} + binOf(s[c])];
    const unsigned t = truth[i];
    ++positives[t * size_t{bins} + binOf(s[t])];
  }
}

ConfusionScores scoreConfusion(const double* matrix, unsigned classes, double* precision, double* recall,
                               double* f1, double* iou) {
  // The TypeScript twin (src/metrics/twin/scores.ts) sums in the same order, so results are bit-identical.
  double iouSum = 0.0;
  unsigned iouCount = 0;
  double trace = 0.0;
  double total = 0.0;
  for (unsigned c = 0; c < classes; ++c) {
    const double truePositives = matrix[c * classes + c];
    double predicted = 0.0;
    double actual = 0.0;
    for (unsigned k = 0; k < classes; ++k) {
      predicted += matrix[k * classes + c];
      actual += matrix[c * classes + k];
    }
    precision[c] = truePositives / predicted;
    recall[c] = truePositives / actual;
    f1[c] = (2.0 * truePositives) / (predicted + actual);
    iou[c] = truePositives / (predicted + actual - truePositives);
    if (!std::isnan(iou[c])) {
      iouSum += iou[c];
      ++iouCount;
    }
  }
  for (size_t cell = 0; cell < size_t{classes} * classes; ++cell) total += matrix[cell];
  for (unsigned c = 0; c < classes; ++c) trace += matrix[c * classes + c];
  return ConfusionScores{iouCount == 0 ? std::nan("") : iouSum / iouCount, trace / total};
}

double pixelAccuracy(const double* matrix, unsigned classes) {
  double trace = 0.0;
  double total = 0.0;
  for (size_t cell = 0; cell < size_t{classes} * classes; ++cell) total += matrix[cell];
  for (unsigned c = 0; c < classes; ++c) trace += matrix[c * classes + c];
  return trace / total;
}

double hardnessFromCounts(const uint64_t* counts, unsigned classes, uint64_t pixels) {
  double sum = 0.0;
  for (unsigned c = 0; c < classes; ++c) {
    const double frequency = static_cast<double>(counts[c]) / static_cast<double>(pixels);
    sum += frequency * frequency;
  }
  return sum;
}

}  // namespace bandster::kernels
