// The AVX-512 (F, BW, VL, DQ) variant of the per-pixel kernels; contracts in kernels.h.
//
// Every function here carries BANDSTER_AVX512 (a target attribute) instead of the file being compiled
// with -mavx512*: templates from the standard library instantiated here would otherwise be compiled
// for AVX-512 too, and the linker could pick that copy for the scalar path, which then crashes on
// older CPUs. simd.cc calls these functions only when the CPU has AVX-512.
#include "kernels.h"

#if BANDSTER_X86_SIMD
// GCC 12's AVX-512 headers warn that their own _mm512_undefined_* values are uninitialised when
// inlined (GCC bug 105593, fixed in GCC 13); the warning says nothing about this file.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>

#include <cstring>

#include "kernels-scalar.h"
#include "transpose-tables.h"

#define BANDSTER_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vpopcntdq,avx2,bmi2,popcnt")))

namespace bandster::kernels::avx512 {
namespace {

constexpr size_t kVectorBytes = 64;
// A byte lane counts up to 255 before it must be flushed into the 64-bit totals.
constexpr size_t kVectorsPerFlush = 255;
// Pairs are counted by bit masks while the C^2 popcounts cost less than a scattered histogram; with
// more classes, by the scalar kernel.
constexpr unsigned kMaxMaskClasses = 12;
// How far ahead the argmax prefetches scores: with the hardware prefetcher alone the core waits on
// memory while it permutes (6 classes on Zen 5: 0.95 Gpixel/s without, 1.26 with 16 KiB ahead, 1.45
// the streaming-read limit).
constexpr size_t kPrefetchBytes = 16384;

BANDSTER_AVX512 inline uint64_t sumOfByteLanes(__m512i lanes) {
  return static_cast<uint64_t>(_mm512_reduce_add_epi64(_mm512_sad_epu8(lanes, _mm512_setzero_si512())));
}

// Adds to out[k] the number of bytes equal to first + k, k < kCodes, among vectors * 64 bytes
// (vectors <= 255). Per code and 64 bytes: a compare into a mask, the mask as bytes (0 or -1) and a
// subtraction, the counts kept in byte lanes of registers until the end. (A merge-masked add would be
// one instruction less, but GCC 12 then copies every accumulator each iteration: 23 vs 29 Gpixel/s.)
template <unsigned kCodes>
BANDSTER_AVX512 void countCodes(const uint8_t* bytes, size_t vectors, unsigned first, uint64_t* out) {
  __m512i wanted[kCodes];
  __m512i lanes[kCodes];
  for (unsigned k = 0; k < kCodes; ++k) {
    wanted[k] = _mm512_set1_epi8(static_cast<char>(first + k));
    lanes[k] = _mm512_setzero_si512();
  }
  for (size_t v = 0; v < vectors; ++v) {
    const __m512i block = _mm512_loadu_si512(bytes + v * kVectorBytes);
    for (unsigned k = 0; k < kCodes; ++k) lanes[k] = _mm512_sub_epi8(lanes[k], _mm512_movm_epi8(_mm512_cmpeq_epi8_mask(block, wanted[k])));
  }
  for (unsigned k = 0; k < kCodes; ++k) out[k] += sumOfByteLanes(lanes[k]);
}

using CountCodes = void (*)(const uint8_t*, size_t, unsigned, uint64_t*);
template <unsigned... kCounts>
constexpr CountCodes kCountCodes[] = {nullptr, countCodes<kCounts>...};
constexpr const CountCodes* kCountCodesByNumber = kCountCodes<1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16>;

BANDSTER_AVX512 uint8_t maxLabel(const uint8_t* labels, size_t count) {
  __m512i largest = _mm512_setzero_si512();
  size_t i = 0;
  for (; i + kVectorBytes <= count; i += kVectorBytes) largest = _mm512_max_epu8(largest, _mm512_loadu_si512(labels + i));
  // The tail through a masked load, which reads no byte past the end.
  const __mmask64 tail = _bzhi_u64(~uint64_t{0}, static_cast<unsigned>(count - i));
  largest = _mm512_max_epu8(largest, _mm512_maskz_loadu_epi8(tail, labels + i));
  const __m256i half = _mm256_max_epu8(_mm512_castsi512_si256(largest), _mm512_extracti64x4_epi64(largest, 1));
  __m128i quarter = _mm_max_epu8(_mm256_castsi256_si128(half), _mm256_extracti128_si256(half, 1));
  quarter = _mm_max_epu8(quarter, _mm_srli_si128(quarter, 8));
  quarter = _mm_max_epu8(quarter, _mm_srli_si128(quarter, 4));
  quarter = _mm_max_epu8(quarter, _mm_srli_si128(quarter, 2));
  quarter = _mm_max_epu8(quarter, _mm_srli_si128(quarter, 1));
  return static_cast<uint8_t>(_mm_cvtsi128_si32(quarter));
}

BANDSTER_AVX512 bool anyNaN(const float* values, size_t count) {
  __mmask16 unordered = 0;
  size_t i = 0;
  for (; i + 16 <= count; i += 16) {
    const __m512 block = _mm512_loadu_ps(values + i);
    unordered |= _mm512_cmp_ps_mask(block, block, _CMP_UNORD_Q);
  }
  const __mmask16 tail = static_cast<__mmask16>(_bzhi_u32(0xFFFFu, static_cast<unsigned>(count - i)));
  const __m512 block = _mm512_maskz_loadu_ps(tail, values + i);
  unordered |= _mm512_cmp_ps_mask(block, block, _CMP_UNORD_Q);
  return unordered != 0;
}

BANDSTER_AVX512 uint64_t countClasses(const uint8_t* labels, size_t pixels, unsigned classes, uint64_t* counts) {
  if (classes > 16) return scalar::countClasses(labels, pixels, classes, counts);
  const size_t vectors = pixels / kVectorBytes;
  uint64_t sums[16] = {};
  for (size_t start = 0; start < vectors; start += kVectorsPerFlush) {
    const size_t chunk = vectors - start < kVectorsPerFlush ? vectors - start : kVectorsPerFlush;
    kCountCodesByNumber[classes](labels + start * kVectorBytes, chunk, 0, sums);
  }
  uint64_t counted = 0;
  for (unsigned c = 0; c < classes; ++c) {
    counts[c] += sums[c];
    counted += sums[c];
  }
  const size_t done = vectors * kVectorBytes;
  return counted + scalar::countClasses(labels + done, pixels - done, classes, counts);
}

// Pairs by bit masks, 512 pixels at a time: for each class c, one 64-bit mask per 64 pixels says which
// true labels are c, another which predicted labels are; the count of pair (t, p) is then the popcount
// of (true mask t AND predicted mask p), eight masks per VPOPCNTQ. Per 64 pixels that is 2C compares
// and mask stores plus 3C^2/8 vector instructions, against 2C^2 for counting pair codes by comparison
// (36 classes pairs for 6 classes: 12 + 13.5 against 72), and it does not depend on the data.
template <unsigned kClasses>
BANDSTER_AVX512 bool countPairsByMasks(const uint8_t* truth, const uint8_t* predicted, size_t pixels, uint64_t* cells) {
  constexpr size_t kGroupVectors = 8;
  constexpr size_t kGroupPixels = kGroupVectors * kVectorBytes;
  alignas(64) uint64_t trueMasks[kClasses][kGroupVectors];
  alignas(64) uint64_t predictedMasks[kClasses][kGroupVectors];
  __m512i counts[kClasses * kClasses];
  for (unsigned cell = 0; cell < kClasses * kClasses; ++cell) counts[cell] = _mm512_setzero_si512();
  __m512i largest = _mm512_setzero_si512();
  const size_t groups = pixels / kGroupPixels;
  for (size_t g = 0; g < groups; ++g) {
    const uint8_t* t = truth + g * kGroupPixels;
    const uint8_t* p = predicted + g * kGroupPixels;
    for (unsigned v = 0; v < kGroupVectors; ++v) {
      const __m512i trueBlock = _mm512_loadu_si512(t + v * kVectorBytes);
      const __m512i predictedBlock = _mm512_loadu_si512(p + v * kVectorBytes);
      largest = _mm512_max_epu8(largest, _mm512_max_epu8(trueBlock, predictedBlock));
      for (unsigned c = 0; c < kClasses; ++c) {
        const __m512i label = _mm512_set1_epi8(static_cast<char>(c));
        _store_mask64(reinterpret_cast<__mmask64*>(&trueMasks[c][v]), _mm512_cmpeq_epi8_mask(trueBlock, label));
        _store_mask64(reinterpret_cast<__mmask64*>(&predictedMasks[c][v]), _mm512_cmpeq_epi8_mask(predictedBlock, label));
      }
    }
    __m512i predictedRows[kClasses];
    for (unsigned c = 0; c < kClasses; ++c) predictedRows[c] = _mm512_load_si512(predictedMasks[c]);
    for (unsigned tc = 0; tc < kClasses; ++tc) {
      const __m512i trueRow = _mm512_load_si512(trueMasks[tc]);
      for (unsigned pc = 0; pc < kClasses; ++pc) {
        __m512i& count = counts[tc * kClasses + pc];
        count = _mm512_add_epi64(count, _mm512_popcnt_epi64(_mm512_and_si512(trueRow, predictedRows[pc])));
      }
    }
  }
  if (_mm512_cmpgt_epu8_mask(largest, _mm512_set1_epi8(static_cast<char>(kClasses - 1))) != 0) return false;
  for (unsigned cell = 0; cell < kClasses * kClasses; ++cell) cells[cell] += static_cast<uint64_t>(_mm512_reduce_add_epi64(counts[cell]));
  const size_t done = groups * kGroupPixels;
  return scalar::countPairs(truth + done, predicted + done, pixels - done, kClasses, cells);
}

using CountPairs = bool (*)(const uint8_t*, const uint8_t*, size_t, uint64_t*);
template <unsigned... kCounts>
constexpr CountPairs kCountPairs[] = {nullptr, nullptr, countPairsByMasks<kCounts>...};
constexpr const CountPairs* kCountPairsByClasses = kCountPairs<2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12>;

BANDSTER_AVX512 bool countPairs(const uint8_t* truth, const uint8_t* predicted, size_t pixels, unsigned classes, uint64_t* cells) {
  if (classes < 2 || classes > kMaxMaskClasses) return scalar::countPairs(truth, predicted, pixels, classes, cells);
  return kCountPairsByClasses[classes](truth, predicted, pixels, cells);
}

// Argmax over C <= 16 classes, 16 pixels at a time: the C registers holding 16 pixels' scores (pixel-
// major) are transposed class by class with two-source permutes (transpose-tables.h), then each class's
// register is compared with the best so far (strict >: the first maximum wins).
template <unsigned kClasses>
BANDSTER_AVX512 bool argmaxFixed(const float* scores, size_t pixels, uint8_t* predicted) {
  constexpr unsigned kPairs = (kClasses + 1) / 2;
  const TransposeTable16& table = transposeTable16(kClasses);
  __mmask16 unordered = 0;
  size_t i = 0;
  for (; i + 16 <= pixels; i += 16) {
    const float* block = scores + i * kClasses;
    // An address past the array is fine for a prefetch (it never faults), but not as a pointer in C++.
    const auto* ahead = reinterpret_cast<const char*>(reinterpret_cast<uintptr_t>(block) + kPrefetchBytes);
    for (unsigned line = 0; line < kClasses; ++line) _mm_prefetch(ahead + 64 * line, _MM_HINT_T0);
    __m512 rows[kPairs * 2];
    for (unsigned r = 0; r < kClasses; ++r) rows[r] = _mm512_loadu_ps(block + 16 * r);
    if (kClasses % 2 == 1) rows[kClasses] = rows[kClasses - 1];
    // One unordered comparison checks two registers for NaN.
    for (unsigned q = 0; q < kPairs; ++q) unordered |= _mm512_cmp_ps_mask(rows[2 * q], rows[2 * q + 1], _CMP_UNORD_Q);
    __m512 best = _mm512_setzero_ps();
    __m128i index = _mm_setzero_si128();
    for (unsigned c = 0; c < kClasses; ++c) {
      __m512 column = _mm512_permutex2var_ps(rows[0], _mm512_load_si512(table.index[c][0]), rows[1]);
      for (unsigned q = 1; q < kPairs; ++q) {
        const __m512 part = _mm512_permutex2var_ps(rows[2 * q], _mm512_load_si512(table.index[c][q]), rows[2 * q + 1]);
        column = _mm512_mask_mov_ps(column, table.mask[c][q], part);
      }
      if (c == 0) {
        best = column;
      } else {
        const __mmask16 greater = _mm512_cmp_ps_mask(column, best, _CMP_GT_OQ);
        best = _mm512_mask_mov_ps(best, greater, column);
        index = _mm_mask_mov_epi8(index, greater, _mm_set1_epi8(static_cast<char>(c)));
      }
    }
    _mm_storeu_si128(reinterpret_cast<__m128i*>(predicted + i), index);
  }
  const bool tailOk = scalar::argmaxClasses(scores + i * kClasses, pixels - i, kClasses, predicted + i);
  return unordered == 0 && tailOk;
}

using Argmax = bool (*)(const float*, size_t, uint8_t*);
template <unsigned... kCounts>
constexpr Argmax kArgmax[] = {nullptr, nullptr, argmaxFixed<kCounts>...};
constexpr const Argmax* kArgmaxByClasses = kArgmax<2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16>;

BANDSTER_AVX512 bool argmaxClasses(const float* scores, size_t pixels, unsigned classes, uint8_t* predicted) {
  if (classes < 2 || classes > 16) return scalar::argmaxClasses(scores, pixels, classes, predicted);
  return kArgmaxByClasses[classes](scores, pixels, predicted);
}

BANDSTER_AVX512 double sumBytes(const uint8_t* values, size_t count) {
  const __m512i zero = _mm512_setzero_si512();
  __m512i sums[4] = {zero, zero, zero, zero};
  size_t i = 0;
  for (; i + 4 * kVectorBytes <= count; i += 4 * kVectorBytes) {
    for (unsigned k = 0; k < 4; ++k) {
      sums[k] = _mm512_add_epi64(sums[k], _mm512_sad_epu8(_mm512_loadu_si512(values + i + k * kVectorBytes), zero));
    }
  }
  const __m512i total = _mm512_add_epi64(_mm512_add_epi64(sums[0], sums[1]), _mm512_add_epi64(sums[2], sums[3]));
  return static_cast<double>(_mm512_reduce_add_epi64(total)) + scalar::sumBytes(values + i, count - i);
}

BANDSTER_AVX512 double sumFloats(const float* values, size_t count) {
  __m512 sums[4] = {_mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps()};
  size_t i = 0;
  for (; i + 64 <= count; i += 64) {
    for (unsigned k = 0; k < 4; ++k) sums[k] = _mm512_add_ps(sums[k], _mm512_loadu_ps(values + i + 16 * k));
  }
  const __m512 total = _mm512_add_ps(_mm512_add_ps(sums[0], sums[1]), _mm512_add_ps(sums[2], sums[3]));
  return static_cast<double>(_mm512_reduce_add_ps(total)) + scalar::sumFloats(values + i, count - i);
}

}  // namespace
}  // namespace bandster::kernels::avx512

namespace bandster::kernels {
const PixelKernels kAvx512Kernels = {
    "avx512",
    avx512::maxLabel,
    avx512::anyNaN,
    avx512::countClasses,
    avx512::countPairs,
    avx512::argmaxClasses,
    avx512::sumBytes,
    avx512::sumFloats,
};
}  // namespace bandster::kernels
#endif
