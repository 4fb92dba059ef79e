// Reading and validating JavaScript arguments. Every error names its argument (error.argument) and
// carries Node's codes (ERR_INVALID_ARG_TYPE / ERR_OUT_OF_RANGE); the TypeScript twin
// (src/metrics/twin/validate.ts) throws the same errors with the same messages, in the same order.
#pragma once

#include <napi.h>

#include <cstdint>
#include <string>

#include "common.h"

namespace bandster {

template <typename T>
struct ArrayView {
  const T* data;
  size_t length;
};

[[noreturn]] void throwTypeError(Napi::Env env, const std::string& argument, const std::string& message);
[[noreturn]] void throwRangeError(Napi::Env env, const std::string& argument, const std::string& message,
                                  int64_t index = -1);
// The JS error for a DataError found by a kernel (RangeError with argument and index).
Napi::Error dataErrorToJs(Napi::Env env, const DataError& error, unsigned classes);

// {images, height, width, classes}: integers, images >= 0, height and width >= 1, classes in [1, 255],
// and images*height*width*classes <= 2^53 - 1.
PixelShape readPixelShape(Napi::Env env, Napi::Value value);
// An integer argument in [min, max]; `rangeText` is how the message states the range.
double readInteger(Napi::Env env, Napi::Value value, const std::string& name, double min, double max,
                   const std::string& rangeText);
double readFiniteNumber(Napi::Env env, Napi::Value value, const std::string& name);

ArrayView<uint8_t> readUint8Array(Napi::Env env, Napi::Value value, const std::string& name);
ArrayView<float> readFloat32Array(Napi::Env env, Napi::Value value, const std::string& name);
ArrayView<double> readFloat64Array(Napi::Env env, Napi::Value value, const std::string& name);
// RangeError unless length == expected; `product` names the factors, e.g. "images*height*width".
void requireLength(Napi::Env env, const std::string& name, size_t length, uint64_t expected, const char* product);

// The options object of the async variants (undefined or an object); reads options.threads.
unsigned readThreads(Napi::Env env, Napi::Value options);
// Reads options.thresholds of the precision-recall curve (number of thresholds, default 101).
unsigned readThresholdCount(Napi::Env env, Napi::Value options);

}  // namespace bandster
