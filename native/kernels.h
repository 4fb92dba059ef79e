// Pixel kernels over raw pointers: no Node-API here, so that they run on any thread.
// Every function assumes its arguments were validated by the caller (lengths, shapes) unless it says
// it checks something itself.
//
// The kernels that read every pixel come in one variant per instruction set (PixelKernels, one table
// per SIMD path: kernels-scalar.cc, kernels-avx2.cc, kernels-avx512.cc); simd.h picks the table at run
// time from what the CPU supports, so one binary runs on any x86-64 CPU (and elsewhere, scalar only).
// Every variant returns exactly what the scalar one returns: counts are integers, argmax is exact.
#pragma once

#include <cstddef>
#include <cstdint>

namespace bandster::kernels {

// The per-pixel kernels of one SIMD path.
struct PixelKernels {
  // "scalar", "avx2" or "avx512".
  const char* name;
  // The largest of `count` labels (0 when count is 0).
  uint8_t (*maxLabel)(const uint8_t* labels, size_t count);
  // Whether any of `count` floats is NaN.
  bool (*anyNaN)(const float* values, size_t count);
  // Adds the number of pixels of each class to counts[0..classes) and returns how many labels were
  // counted: fewer than `pixels` means some label is >= classes (the caller then looks for it).
  uint64_t (*countClasses)(const uint8_t* labels, size_t pixels, unsigned classes, uint64_t* counts);
  // Adds the number of pixels of each (true, predicted) pair to cells[true * classes + predicted].
  // Returns false when some label is >= classes; the cells are then unspecified (the caller discards them).
  bool (*countPairs)(const uint8_t* trueLabels, const uint8_t* predictedLabels, size_t pixels, unsigned classes,
                     uint64_t* cells);
  // predicted[i] = the first index of the largest of the `classes` scores of pixel i (scores are
  // pixels x classes, classes last), as numpy's and tfjs's argmax. Returns false when some score is NaN;
  // `predicted` is then unspecified.
  bool (*argmaxClasses)(const float* scores, size_t pixels, unsigned classes, uint8_t* predicted);
  // Sums that read each value once and do nothing else: the streaming-read limit the benchmark compares
  // the kernels with (bench/metrics.ts).
  double (*sumBytes)(const uint8_t* values, size_t count);
  double (*sumFloats)(const float* values, size_t count);
};

// The portable path: plain C++ loops (which the compiler may still vectorise for the baseline ISA).
extern const PixelKernels kScalarKernels;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define BANDSTER_X86_SIMD 1
// AVX2 (+ BMI2, POPCNT): x86-64-v3 CPUs, Intel Haswell and AMD Zen 1 on.
extern const PixelKernels kAvx2Kernels;
// AVX-512 F/BW/VL/DQ/VPOPCNTDQ: Intel Ice Lake and AMD Zen 4 on (Skylake-SP and Cascade Lake, which
// lack VPOPCNTDQ, take the AVX2 path).
extern const PixelKernels kAvx512Kernels;
#else
#define BANDSTER_X86_SIMD 0
#endif

// Score histograms for precision-recall curves: for each class c, the bin of every pixel's score for c
// goes to all[c*bins + bin], and the bin of its true class's score to positives[t*bins + bin].
// bin = floor(clamp(score*(bins-1), 0, bins-1)), so a score is >= threshold k/(bins-1) exactly when its
// bin is >= k (the product of a float and an integer below 2^29 is exact in double).
// `all` and `positives` hold `ways` (1 or 4) copies of classes x bins counters each, to be added up.
void accumulateScoreHistograms(const uint8_t* trueLabels, const float* scores, size_t pixels,
                               unsigned classes, unsigned bins, unsigned ways, uint64_t* all, uint64_t* positives);

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
