// Shared definitions of the metrics addon: shapes, data errors found while reading pixels,
// and the SIMD/dispatch macros used by the kernels.
#pragma once

#include <cstddef>
#include <cstdint>

namespace bandster {

// The labels of the accepted class range are 0..classes-1; a uint8 label caps classes at 255.
constexpr unsigned kMaxClasses = 255;

// A batch of N images of H x W pixels, each labelled with one of `classes` classes.
struct PixelShape {
  size_t images = 0;
  size_t height = 0;
  size_t width = 0;
  unsigned classes = 0;
  size_t pixelsPerImage() const { return height * width; }
  size_t pixels() const { return images * height * width; }
};

// A problem in the data itself (not the arguments' types or lengths), found by a kernel while it
// reads pixels: possibly on a worker thread, so it is turned into a JS error later, on the main one.
struct DataError {
  enum class Kind { None, LabelOutOfRange, NotANumber };
  Kind kind = Kind::None;
  const char* argument = nullptr;  // the argument's name, e.g. "trueLabels"
  uint64_t index = 0;              // the flat element index inside that argument
  unsigned value = 0;              // the offending label (LabelOutOfRange)
  bool failed() const { return kind != Kind::None; }
};

}  // namespace bandster

// Functions that benefit from wider vectors are compiled for x86-64-v4 (AVX-512), v3 (AVX2) and the baseline
// and picked at load time (GNU ifunc), so one build runs on any x86-64 CPU.
#if defined(__x86_64__) && defined(__linux__) && defined(__GNUC__) && !defined(__clang__)
#define BANDSTER_VECTOR_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define BANDSTER_VECTOR_CLONES
#endif
