// Shared definitions of the metrics addon: shapes and data errors found while reading pixels.
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
