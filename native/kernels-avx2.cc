// The AVX2 variant of the per-pixel kernels; contracts in kernels.h, structure as kernels-avx512.cc
// (see there why every function carries a target attribute instead of the file taking -mavx2).
#include "kernels.h"

#if BANDSTER_X86_SIMD
#include <immintrin.h>

#include "kernels-scalar.h"
#include "transpose-tables.h"

#define BANDSTER_AVX2 __attribute__((target("avx2,bmi,bmi2,popcnt")))

namespace bandster::kernels::avx2 {
namespace {

constexpr size_t kVectorBytes = 32;
constexpr size_t kVectorsPerFlush = 255;
// As in kernels-avx512.cc; half the vector width makes counting by comparison pay for fewer codes.
constexpr unsigned kMaxCompareClasses = 6;
// 16 registers: 6 accumulators, 6 constants, the block and temporaries.
constexpr unsigned kCodesPerPass = 6;
// As in kernels-avx512.cc: the argmax prefetches scores this far ahead.
constexpr size_t kPrefetchBytes = 16384;

BANDSTER_AVX2 inline uint64_t sumOfByteLanes(__m256i lanes) {
  const __m256i sums = _mm256_sad_epu8(lanes, _mm256_setzero_si256());
  const __m128i half = _mm_add_epi64(_mm256_castsi256_si128(sums), _mm256_extracti128_si256(sums, 1));
  return static_cast<uint64_t>(_mm_cvtsi128_si64(half)) + static_cast<uint64_t>(_mm_extract_epi64(half, 1));
}

// Adds to out[k] the number of bytes equal to first + k among vectors * 32 bytes (vectors <= 255): a
// comparison is 0 or -1 per lane, so subtracting it counts.
template <unsigned kCodes>
BANDSTER_AVX2 void countCodes(const uint8_t* bytes, size_t vectors, unsigned first, uint64_t* out) {
  __m256i wanted[kCodes];
  __m256i lanes[kCodes];
  for (unsigned k = 0; k < kCodes; ++k) {
    wanted[k] = _mm256_set1_epi8(static_cast<char>(first + k));
    lanes[k] = _mm256_setzero_si256();
  }
  for (size_t v = 0; v < vectors; ++v) {
    const __m256i block = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bytes + v * kVectorBytes));
    for (unsigned k = 0; k < kCodes; ++k) lanes[k] = _mm256_sub_epi8(lanes[k], _mm256_cmpeq_epi8(block, wanted[k]));
  }
  for (unsigned k = 0; k < kCodes; ++k) out[k] += sumOfByteLanes(lanes[k]);
}

using CountCodes = void (*)(const uint8_t*, size_t, unsigned, uint64_t*);
constexpr CountCodes kCountCodesByNumber[] = {nullptr, countCodes<1>, countCodes<2>, countCodes<3>,
                                              countCodes<4>, countCodes<5>, countCodes<6>};

BANDSTER_AVX2 void countCodeRange(const uint8_t* bytes, size_t vectors, unsigned codes, uint64_t* out) {
  for (unsigned first = 0; first < codes; first += kCodesPerPass) {
    const unsigned count = codes - first < kCodesPerPass ? codes - first : kCodesPerPass;
    kCountCodesByNumber[count](bytes, vectors, first, out + first);
  }
}

BANDSTER_AVX2 uint8_t maxLabel(const uint8_t* labels, size_t count) {
  __m256i largest = _mm256_setzero_si256();
  size_t i = 0;
  for (; i + kVectorBytes <= count; i += kVectorBytes) {
    largest = _mm256_max_epu8(largest, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(labels + i)));
  }
  __m128i quarter = _mm_max_epu8(_mm256_castsi256_si128(largest), _mm256_extracti128_si256(largest, 1));
  quarter = _mm_max_epu8(quarter, _mm_srli_si128(quarter, 8));
  quarter = _mm_max_epu8(quarter, _mm_srli_si128(quarter, 4));
  quarter = _mm_max_epu8(quarter, _mm_srli_si128(quarter, 2));
  quarter = _mm_max_epu8(quarter, _mm_srli_si128(quarter, 1));
  const uint8_t head = static_cast<uint8_t>(_mm_cvtsi128_si32(quarter));
  const uint8_t tail = scalar::maxLabel(labels + i, count - i);
  return head > tail ? head : tail;
}

BANDSTER_AVX2 bool anyNaN(const float* values, size_t count) {
  __m256 unordered = _mm256_setzero_ps();
  size_t i = 0;
  for (; i + 8 <= count; i += 8) {
    const __m256 block = _mm256_loadu_ps(values + i);
    unordered = _mm256_or_ps(unordered, _mm256_cmp_ps(block, block, _CMP_UNORD_Q));
  }
  return _mm256_movemask_ps(unordered) != 0 || scalar::anyNaN(values + i, count - i);
}

BANDSTER_AVX2 uint64_t countClasses(const uint8_t* labels, size_t pixels, unsigned classes, uint64_t* counts) {
  if (classes > 16) return scalar::countClasses(labels, pixels, classes, counts);
  const size_t vectors = pixels / kVectorBytes;
  uint64_t sums[16] = {};
  for (size_t start = 0; start < vectors; start += kVectorsPerFlush) {
    const size_t chunk = vectors - start < kVectorsPerFlush ? vectors - start : kVectorsPerFlush;
    countCodeRange(labels + start * kVectorBytes, chunk, classes, sums);
  }
  uint64_t counted = 0;
  for (unsigned c = 0; c < classes; ++c) {
    counts[c] += sums[c];
    counted += sums[c];
  }
  const size_t done = vectors * kVectorBytes;
  return counted + scalar::countClasses(labels + done, pixels - done, classes, counts);
}

// As in kernels-avx512.cc: codes t*C + p of 255 vectors into an L1 buffer, validated by their maximum,
// then counted by comparison kCodesPerPass codes at a time.
BANDSTER_AVX2 bool countPairs(const uint8_t* truth, const uint8_t* predicted, size_t pixels, unsigned classes, uint64_t* cells) {
  if (classes > kMaxCompareClasses) return scalar::countPairs(truth, predicted, pixels, classes, cells);
  alignas(32) uint8_t codes[kVectorsPerFlush * kVectorBytes];
  alignas(16) uint8_t timesClasses[16];
  for (unsigned t = 0; t < 16; ++t) timesClasses[t] = static_cast<uint8_t>(t * classes);
  const __m256i rowStart = _mm256_broadcastsi128_si256(_mm_load_si128(reinterpret_cast<const __m128i*>(timesClasses)));
  const __m256i limit = _mm256_set1_epi8(static_cast<char>(classes - 1));
  const size_t vectors = pixels / kVectorBytes;
  for (size_t start = 0; start < vectors; start += kVectorsPerFlush) {
    const size_t chunk = vectors - start < kVectorsPerFlush ? vectors - start : kVectorsPerFlush;
    const uint8_t* t = truth + start * kVectorBytes;
    const uint8_t* p = predicted + start * kVectorBytes;
    __m256i largest = _mm256_setzero_si256();
    for (size_t v = 0; v < chunk; ++v) {
      const __m256i trueBlock = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(t + v * kVectorBytes));
      const __m256i predictedBlock = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + v * kVectorBytes));
      largest = _mm256_max_epu8(largest, _mm256_max_epu8(trueBlock, predictedBlock));
      const __m256i code = _mm256_add_epi8(_mm256_shuffle_epi8(rowStart, trueBlock), predictedBlock);
      _mm256_store_si256(reinterpret_cast<__m256i*>(codes + v * kVectorBytes), code);
    }
    // Some byte above classes - 1: max(largest, limit) differs from limit.
    const __m256i over = _mm256_cmpeq_epi8(_mm256_max_epu8(largest, limit), limit);
    if (static_cast<uint32_t>(_mm256_movemask_epi8(over)) != 0xFFFFFFFFu) return false;
    countCodeRange(codes, chunk, classes * classes, cells);
  }
  const size_t done = vectors * kVectorBytes;
  return scalar::countPairs(truth + done, predicted + done, pixels - done, classes, cells);
}

// Argmax over C <= 8 classes, 8 pixels at a time: each class's register is gathered from the C score
// registers by one-source permutes and blends (transpose-tables.h), then compared with the best so far.
template <unsigned kClasses>
BANDSTER_AVX2 bool argmaxFixed(const float* scores, size_t pixels, uint8_t* predicted) {
  const TransposeTable8& table = transposeTable8(kClasses);
  __m256 unordered = _mm256_setzero_ps();
  size_t i = 0;
  for (; i + 8 <= pixels; i += 8) {
    const float* block = scores + i * kClasses;
    // An address past the array is fine for a prefetch (it never faults), but not as a pointer in C++.
    const auto* ahead = reinterpret_cast<const char*>(reinterpret_cast<uintptr_t>(block) + kPrefetchBytes);
    for (unsigned line = 0; line < (kClasses + 1) / 2; ++line) _mm_prefetch(ahead + 64 * line, _MM_HINT_T0);
    __m256 rows[kClasses];
    for (unsigned r = 0; r < kClasses; ++r) {
      rows[r] = _mm256_loadu_ps(block + 8 * r);
      unordered = _mm256_or_ps(unordered, _mm256_cmp_ps(rows[r], rows[r], _CMP_UNORD_Q));
    }
    __m256 best = _mm256_setzero_ps();
    __m256 index = _mm256_setzero_ps();  // class indices as integer bit patterns, moved by blends
    for (unsigned c = 0; c < kClasses; ++c) {
      __m256 column = _mm256_permutevar8x32_ps(rows[0], _mm256_load_si256(reinterpret_cast<const __m256i*>(table.index[c][0])));
      for (unsigned r = 1; r < kClasses; ++r) {
        const __m256 part = _mm256_permutevar8x32_ps(rows[r], _mm256_load_si256(reinterpret_cast<const __m256i*>(table.index[c][r])));
        column = _mm256_blendv_ps(column, part, _mm256_load_ps(reinterpret_cast<const float*>(table.select[c][r])));
      }
      if (c == 0) {
        best = column;
      } else {
        const __m256 greater = _mm256_cmp_ps(column, best, _CMP_GT_OQ);
        best = _mm256_blendv_ps(best, column, greater);
        index = _mm256_blendv_ps(index, _mm256_castsi256_ps(_mm256_set1_epi32(static_cast<int>(c))), greater);
      }
    }
    const __m256i indices = _mm256_castps_si256(index);
    const __m128i words = _mm_packus_epi32(_mm256_castsi256_si128(indices), _mm256_extracti128_si256(indices, 1));
    _mm_storel_epi64(reinterpret_cast<__m128i*>(predicted + i), _mm_packus_epi16(words, words));
  }
  const bool tailOk = scalar::argmaxClasses(scores + i * kClasses, pixels - i, kClasses, predicted + i);
  return _mm256_movemask_ps(unordered) == 0 && tailOk;
}

using Argmax = bool (*)(const float*, size_t, uint8_t*);
constexpr Argmax kArgmaxByClasses[] = {nullptr,          nullptr,          argmaxFixed<2>, argmaxFixed<3>, argmaxFixed<4>,
                                       argmaxFixed<5>, argmaxFixed<6>, argmaxFixed<7>, argmaxFixed<8>};

BANDSTER_AVX2 bool argmaxClasses(const float* scores, size_t pixels, unsigned classes, uint8_t* predicted) {
  if (classes < 2 || classes > 8) return scalar::argmaxClasses(scores, pixels, classes, predicted);
  return kArgmaxByClasses[classes](scores, pixels, predicted);
}

BANDSTER_AVX2 double sumBytes(const uint8_t* values, size_t count) {
  const __m256i zero = _mm256_setzero_si256();
  __m256i sums[4] = {zero, zero, zero, zero};
  size_t i = 0;
  for (; i + 4 * kVectorBytes <= count; i += 4 * kVectorBytes) {
    for (unsigned k = 0; k < 4; ++k) {
      const __m256i block = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(values + i + k * kVectorBytes));
      sums[k] = _mm256_add_epi64(sums[k], _mm256_sad_epu8(block, zero));
    }
  }
  const __m256i total = _mm256_add_epi64(_mm256_add_epi64(sums[0], sums[1]), _mm256_add_epi64(sums[2], sums[3]));
  alignas(32) uint64_t lanes[4];
  _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), total);
  return static_cast<double>(lanes[0] + lanes[1] + lanes[2] + lanes[3]) + scalar::sumBytes(values + i, count - i);
}

BANDSTER_AVX2 double sumFloats(const float* values, size_t count) {
  __m256 sums[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
  size_t i = 0;
  for (; i + 32 <= count; i += 32) {
    for (unsigned k = 0; k < 4; ++k) sums[k] = _mm256_add_ps(sums[k], _mm256_loadu_ps(values + i + 8 * k));
  }
  alignas(32) float lanes[8];
  _mm256_store_ps(lanes, _mm256_add_ps(_mm256_add_ps(sums[0], sums[1]), _mm256_add_ps(sums[2], sums[3])));
  double sum = 0.0;
  for (float lane : lanes) sum += lane;
  return sum + scalar::sumFloats(values + i, count - i);
}

}  // namespace
}  // namespace bandster::kernels::avx2

namespace bandster::kernels {
const PixelKernels kAvx2Kernels = {
    "avx2", avx2::maxLabel, avx2::anyNaN, avx2::countClasses, avx2::countPairs, avx2::argmaxClasses, avx2::sumBytes, avx2::sumFloats,
};
}  // namespace bandster::kernels
#endif
