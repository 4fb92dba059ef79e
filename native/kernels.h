// Pixel kernels over raw pointers: no Node-API here, so that they run on any thread.
// Every function assumes its arguments were validated by the caller (lengths, label range, no NaN)
// unless it says it checks something itself.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace bandster::kernels {

// The largest of `count` labels (0 when count is 0).
uint8_t maxLabel(const uint8_t* labels, size_t count);

// Whether any of `count` floats is NaN.
bool anyNaN(const float* values, size_t count);

// Adds the number of pixels of each class to counts[0..classes) and returns how many labels were
// counted: fewer than `pixels` means some label is >= classes (the caller then looks for it).
uint64_t countClasses(const uint8_t* labels, size_t pixels, unsigned classes, uint64_t* counts);

// Counts (true class, predicted class) pairs into a classes x classes matrix, row = true class.
// Several interleaved copies of the matrix ("ways") break the dependency between increments of the
// same cell by consecutive pixels, which is what limits a single-histogram loop on large uniform regions.
class PairCounter {
 public:
  explicit PairCounter(unsigned classes);
  // Pairs of true and predicted labels, both < classes; at most kMaxPixelsPerCall pixels.
  void addLabels(const uint8_t* trueLabels, const uint8_t* predictedLabels, size_t pixels);
  // True labels and per-pixel class scores (pixels x classes, no NaN); the predicted class is the
  // first index of the largest score (numpy/tfjs argmax), computed here without a label array.
  void addArgmax(const uint8_t* trueLabels, const float* scores, size_t pixels);
  // Adds the counts so far to `matrix` (doubles) and `total` (integers), then starts again from zero.
  void take(double* matrix, uint64_t* total);

  static constexpr size_t kMaxPixelsPerCall = size_t{1} << 20;

 private:
  void spillIfNeeded(size_t pixels);
  unsigned classes_;
  unsigned ways_;
  size_t cellsPerWay_;
  uint64_t pending_ = 0;
  std::vector<uint32_t> cells_;     // ways_ x classes x classes, wraps after 2^32 counts
  std::vector<uint64_t> spilled_;   // classes x classes
};

// Score histograms for precision-recall curves: for each class c, the bin of every pixel's score for c
// goes to all[c*bins + bin], and the bin of its true class's score to positives[t*bins + bin].
// bin = floor(clamp(score*(bins-1), 0, bins-1)), so a score is >= threshold k/(bins-1) exactly when its
// bin is >= k (the product of a float and an integer below 2^29 is exact in double).
void accumulateScoreHistograms(const uint8_t* trueLabels, const float* scores, size_t pixels,
                               unsigned classes, unsigned bins, uint64_t* all, uint64_t* positives);

// Scores of one classes x classes confusion matrix (row = true class). Division by a zero count gives
// NaN (a class never predicted has no precision); meanIou averages the classes whose IoU is a number.
struct ConfusionScores {
  double meanIou;
  double pixelAccuracy;
};
ConfusionScores scoreConfusion(const double* matrix, unsigned classes, double* precision, double* recall,
                               double* f1, double* iou);

// trace / total of one classes x classes matrix (NaN when it is empty).
double pixelAccuracy(const double* matrix, unsigned classes);

// Sum of squared class frequencies of one image from its class counts.
double hardnessFromCounts(const uint64_t* counts, unsigned classes, uint64_t pixels);

}  // namespace bandster::kernels
