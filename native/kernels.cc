// Pixel kernels of the metrics addon. See kernels.h for the contracts.
#include "kernels.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "common.h"

namespace bandster::kernels {
namespace {

// 64 labels at once; GCC lowers it to one AVX-512 register, two AVX2 or four SSE2 ones per clone.
typedef uint8_t ByteVector __attribute__((vector_size(64)));
constexpr size_t kVectorBytes = 64;
// Byte lanes count up to 255 before they would wrap.
constexpr size_t kVectorsPerFlush = 255;
// With few classes, comparing every label with each class beats a scattered histogram.
constexpr unsigned kMaxClassesByComparison = 16;

// For each class, counts equal bytes lane-wise (a comparison is 0 or -1 per lane, so subtracting it
// counts), over chunks of 255 vectors that stay in L1 while every class takes its turn.
BANDSTER_VECTOR_CLONES
uint64_t countClassesByComparison(const uint8_t* labels, size_t vectors, unsigned classes, uint64_t* counts) {
  uint64_t counted = 0;
  for (size_t start = 0; start < vectors; start += kVectorsPerFlush) {
    const size_t chunk = std::min(kVectorsPerFlush, vectors - start);
    const uint8_t* base = labels + start * kVectorBytes;
    for (unsigned c = 0; c < classes; ++c) {
      const ByteVector wanted = ByteVector{} + static_cast<uint8_t>(c);
      ByteVector lanes = {};
      for (size_t i = 0; i < chunk; ++i) {
        ByteVector block;
        std::memcpy(&block, base + i * kVectorBytes, kVectorBytes);
        lanes -= (ByteVector)(block == wanted);
      }
      uint64_t sum = 0;
      for (size_t lane = 0; lane < kVectorBytes; ++lane) sum += lanes[lane];
      counts[c] += sum;
      counted += sum;
    }
  }
  return counted;
}

// Four interleaved 256-bin histograms; any byte is a valid bin, so nothing is checked per pixel.
uint64_t countClassesScattered(const uint8_t* labels, size_t pixels, unsigned classes, uint64_t* counts) {
  constexpr size_t kChunk = size_t{1} << 30;  // keeps uint32 bins from wrapping
  uint64_t counted = 0;
  std::vector<uint32_t> bins(4 * 256);
  for (size_t start = 0; start < pixels; start += kChunk) {
    const size_t length = std::min(kChunk, pixels - start);
    const uint8_t* chunk = labels + start;
    std::fill(bins.begin(), bins.end(), 0);
    uint32_t* b = bins.data();
    size_t i = 0;
    for (; i + 4 <= length; i += 4) {
      ++b[chunk[i]];
      ++b[256 + chunk[i + 1]];
      ++b[512 + chunk[i + 2]];
      ++b[768 + chunk[i + 3]];
    }
    for (; i < length; ++i) ++b[chunk[i]];
    for (unsigned c = 0; c < classes; ++c) {
      const uint64_t sum = uint64_t{b[c]} + b[256 + c] + b[512 + c] + b[768 + c];
      counts[c] += sum;
      counted += sum;
    }
  }
  return counted;
}

// Branch-free argmax: the index is updated through a mask, not a select, because GCC turns the pair of
// selects on one float comparison into a branch, and random scores make that branch mispredict half
// the time (203 vs 457 Mpixel/s for 6 classes). Strict `>`: the first maximum wins, as in numpy and tfjs.
inline unsigned argmaxAny(const float* scores, unsigned classes) {
  float best = scores[0];
  unsigned index = 0;
  for (unsigned c = 1; c < classes; ++c) {
    const float score = scores[c];
    const unsigned greater = 0u - static_cast<unsigned>(score > best);
    index = (index & ~greater) | (c & greater);
    best = score > best ? score : best;  // maxss
  }
  return index;
}

template <unsigned kClasses>
inline unsigned argmaxFixed(const float* scores) {
  return argmaxAny(scores, kClasses);
}

template <unsigned kClasses>
void countArgmaxFixed(const uint8_t* truth, const float* scores, size_t pixels, uint32_t* cells, size_t stride) {
  uint32_t* way0 = cells;
  uint32_t* way1 = cells + stride;
  uint32_t* way2 = cells + 2 * stride;
  uint32_t* way3 = cells + 3 * stride;
  size_t i = 0;
  for (; i + 4 <= pixels; i += 4) {
    const float* s = scores + i * kClasses;
    ++way0[truth[i] * kClasses + argmaxFixed<kClasses>(s)];
    ++way1[truth[i + 1] * kClasses + argmaxFixed<kClasses>(s + kClasses)];
    ++way2[truth[i + 2] * kClasses + argmaxFixed<kClasses>(s + 2 * kClasses)];
    ++way3[truth[i + 3] * kClasses + argmaxFixed<kClasses>(s + 3 * kClasses)];
  }
  for (; i < pixels; ++i) ++way0[truth[i] * kClasses + argmaxFixed<kClasses>(scores + i * kClasses)];
}

void countArgmaxAny(const uint8_t* truth, const float* scores, size_t pixels, unsigned classes, uint32_t* cells) {
  for (size_t i = 0; i < pixels; ++i) ++cells[truth[i] * classes + argmaxAny(scores + i * classes, classes)];
}

template <unsigned kWays>
void countLabelPairs(const uint8_t* truth, const uint8_t* predicted, size_t pixels, unsigned classes, uint32_t* cells,
                     size_t stride) {
  size_t i = 0;
  for (; i + kWays <= pixels; i += kWays) {
    for (unsigned way = 0; way < kWays; ++way) ++cells[way * stride + truth[i + way] * classes + predicted[i + way]];
  }
  for (; i < pixels; ++i) ++cells[truth[i] * classes + predicted[i]];
}

}  // namespace

BANDSTER_VECTOR_CLONES
uint8_t maxLabel(const uint8_t* labels, size_t count) {
  uint8_t largest = 0;
  for (size_t i = 0; i < count; ++i) largest = labels[i] > largest ? labels[i] : largest;
  return largest;
}

BANDSTER_VECTOR_CLONES
bool anyNaN(const float* values, size_t count) {
  int unordered = 0;
  for (size_t i = 0; i < count; ++i) unordered |= values[i] != values[i];
  return unordered != 0;
}

uint64_t countClasses(const uint8_t* labels, size_t pixels, unsigned classes, uint64_t* counts) {
  if (classes > kMaxClassesByComparison) return countClassesScattered(labels, pixels, classes, counts);
  const size_t vectors = pixels / kVectorBytes;
  uint64_t counted = countClassesByComparison(labels, vectors, classes, counts);
  const size_t done = vectors * kVectorBytes;
  return counted + countClassesScattered(labels + done, pixels - done, classes, counts);
}

PairCounter::PairCounter(unsigned classes)
    : classes_(classes),
      // As many ways as keep the matrices within 16 KiB of L1 (8 ways: 2,721 vs 2,191 Mpixel/s with
      // 4 ways for 6 classes on Zen 5); one way for many classes.
      ways_(classes <= 22 ? 8 : classes <= 32 ? 4 : 1),
      cellsPerWay_(size_t{classes} * classes),
      cells_(ways_ * cellsPerWay_),
      spilled_(cellsPerWay_) {}

void PairCounter::spillIfNeeded(size_t pixels) {
  pending_ += pixels;
  if (pending_ < (uint64_t{1} << 31)) return;
  for (unsigned w = 0; w < ways_; ++w) {
    for (size_t cell = 0; cell < cellsPerWay_; ++cell) spilled_[cell] += cells_[w * cellsPerWay_ + cell];
  }
  std::fill(cells_.begin(), cells_.end(), 0);
  pending_ = 0;
}

void PairCounter::addLabels(const uint8_t* truth, const uint8_t* predicted, size_t pixels) {
  switch (ways_) {
    case 8: countLabelPairs<8>(truth, predicted, pixels, classes_, cells_.data(), cellsPerWay_); break;
    case 4: countLabelPairs<4>(truth, predicted, pixels, classes_, cells_.data(), cellsPerWay_); break;
    default: countLabelPairs<1>(truth, predicted, pixels, classes_, cells_.data(), cellsPerWay_); break;
  }
  spillIfNeeded(pixels);
}

void PairCounter::addArgmax(const uint8_t* truth, const float* scores, size_t pixels) {
  uint32_t* cells = cells_.data();
  const size_t stride = cellsPerWay_;
  switch (ways_ >= 4 ? classes_ : 0) {
    case 1: {  // one class: every pixel is predicted as class 0
      cells[0] += static_cast<uint32_t>(pixels);
      break;
    }
    case 2: countArgmaxFixed<2>(truth, scores, pixels, cells, stride); break;
    case 3: countArgmaxFixed<3>(truth, scores, pixels, cells, stride); break;
    case 4: countArgmaxFixed<4>(truth, scores, pixels, cells, stride); break;
    case 5: countArgmaxFixed<5>(truth, scores, pixels, cells, stride); break;
    case 6: countArgmaxFixed<6>(truth, scores, pixels, cells, stride); break;
    case 7: countArgmaxFixed<7>(truth, scores, pixels, cells, stride); break;
    case 8: countArgmaxFixed<8>(truth, scores, pixels, cells, stride); break;
    default: countArgmaxAny(truth, scores, pixels, classes_, cells); break;
  }
  spillIfNeeded(pixels);
}

void PairCounter::take(double* matrix, uint64_t* total) {
  for (size_t cell = 0; cell < cellsPerWay_; ++cell) {
    uint64_t sum = spilled_[cell];
    for (unsigned w = 0; w < ways_; ++w) sum += cells_[w * cellsPerWay_ + cell];
    matrix[cell] += static_cast<double>(sum);
    total[cell] += sum;
  }
  std::fill(cells_.begin(), cells_.end(), 0);
  std::fill(spilled_.begin(), spilled_.end(), 0);
  pending_ = 0;
}

void accumulateScoreHistograms(const uint8_t* truth, const float* scores, size_t pixels, unsigned classes,
                               unsigned bins, uint64_t* all, uint64_t* positives) {
  const double top = static_cast<double>(bins - 1);
  const auto binOf = [top](float score) {
    double scaled = static_cast<double>(score) * top;
    scaled = scaled > 0.0 ? scaled : 0.0;
    scaled = scaled < top ? scaled : top;
    return static_cast<size_t>(scaled);
  };
  for (size_t i = 0; i < pixels; ++i) {
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
