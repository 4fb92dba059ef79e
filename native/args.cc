// Argument validation of the metrics addon; see args.h.
#include "args.h"

#include <algorithm>
#include <cmath>
#include <thread>

namespace bandster {
namespace {

constexpr double kMaxSafeInteger = 9007199254740991.0;  // Number.MAX_SAFE_INTEGER
constexpr unsigned kMaxThreads = 256;
constexpr unsigned kDefaultThresholds = 101;
constexpr unsigned kMaxThresholds = 65536;

[[noreturn]] void throwError(Napi::Error error, const std::string& argument, const char* code, int64_t index) {
  Napi::Object object = error.Value();
  object.Set("code", code);
  object.Set("argument", argument);
  if (index >= 0) object.Set("index", static_cast<double>(index));
  throw error;
}

Napi::Value optionField(Napi::Env env, Napi::Value options, const char* field) {
  if (options.IsUndefined()) return env.Undefined();
  if (!options.IsObject()) throwTypeError(env, "options", "options must be an object");
  return options.As<Napi::Object>().Get(field);
}

template <typename T>
ArrayView<T> readTypedArray(Napi::Env env, Napi::Value value, const std::string& name, napi_typedarray_type type,
                            const char* typeName) {
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != type) {
    throwTypeError(env, name, name + " must be a " + typeName);
  }
  Napi::TypedArrayOf<T> array = value.As<Napi::TypedArrayOf<T>>();
  return ArrayView<T>{array.Data(), array.ElementLength()};
}

}  // namespace

void throwTypeError(Napi::Env env, const std::string& argument, const std::string& message) {
  throwError(Napi::TypeError::New(env, message), argument, "ERR_INVALID_ARG_TYPE", -1);
}

void throwRangeError(Napi::Env env, const std::string& argument, const std::string& message, int64_t index) {
  throwError(Napi::RangeError::New(env, message), argument, "ERR_OUT_OF_RANGE", index);
}

Napi::Error dataErrorToJs(Napi::Env env, const DataError& error, unsigned classes) {
  const std::string argument = error.argument;
  const std::string at = argument + "[" + std::to_string(error.index) + "]";
  const std::string message = error.kind == DataError::Kind::NotANumber
                                  ? at + " is NaN"
                                  : at + " = " + std::to_string(error.value) + " is not a class index (classes = " +
                                        std::to_string(classes) + ")";
  Napi::Error js = Napi::RangeError::New(env, message);
  js.Value().Set("code", "ERR_OUT_OF_RANGE");
  js.Value().Set("argument", argument);
  js.Value().Set("index", static_cast<double>(error.index));
  return js;
}

double readInteger(Napi::Env env, Napi::Value value, const std::string& name, double min, double max,
                   const std::string& rangeText) {
  if (!value.IsNumber()) throwTypeError(env, name, name + " must be a number");
  const double number = value.As<Napi::Number>().DoubleValue();
  if (!(std::isfinite(number) && std::floor(number) == number && number >= min && number <= max)) {
    throwRangeError(env, name, name + " must be an integer " + rangeText);
  }
  return number;
}

double readFiniteNumber(Napi::Env env, Napi::Value value, const std::string& name) {
  if (!value.IsNumber()) throwTypeError(env, name, name + " must be a number");
  const double number = value.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(number)) throwRangeError(env, name, name + " must be a finite number");
  return number;
}

PixelShape readPixelShape(Napi::Env env, Napi::Value value) {
  if (!value.IsObject()) throwTypeError(env, "shape", "shape must be an object {images, height, width, classes}");
  Napi::Object object = value.As<Napi::Object>();
  PixelShape shape;
  shape.images = static_cast<size_t>(readInteger(env, object.Get("images"), "shape.images", 0, kMaxSafeInteger, ">= 0"));
  shape.height = static_cast<size_t>(readInteger(env, object.Get("height"), "shape.height", 1, kMaxSafeInteger, ">= 1"));
  shape.width = static_cast<size_t>(readInteger(env, object.Get("width"), "shape.width", 1, kMaxSafeInteger, ">= 1"));
  shape.classes = static_cast<unsigned>(
      readInteger(env, object.Get("classes"), "shape.classes", 1, kMaxClasses, "in [1, 255]"));
  uint64_t values = 0;
  if (__builtin_mul_overflow(uint64_t{shape.images}, uint64_t{shape.height}, &values) ||
      __builtin_mul_overflow(values, uint64_t{shape.width}, &values) ||
      __builtin_mul_overflow(values, uint64_t{shape.classes}, &values) || values > uint64_t{9007199254740991}) {
    throwRangeError(env, "shape", "shape describes more than 2^53 - 1 values (images*height*width*classes)");
  }
  return shape;
}

ArrayView<uint8_t> readUint8Array(Napi::Env env, Napi::Value value, const std::string& name) {
  return readTypedArray<uint8_t>(env, value, name, napi_uint8_array, "Uint8Array");
}

ArrayView<float> readFloat32Array(Napi::Env env, Napi::Value value, const std::string& name) {
  return readTypedArray<float>(env, value, name, napi_float32_array, "Float32Array");
}

ArrayView<double> readFloat64Array(Napi::Env env, Napi::Value value, const std::string& name) {
  return readTypedArray<double>(env, value, name, napi_float64_array, "Float64Array");
}

void requireLength(Napi::Env env, const std::string& name, size_t length, uint64_t expected, const char* product) {
  if (length != expected) {
    throwRangeError(env, name,
                    name + " has " + std::to_string(length) + " elements; the shape needs " + std::to_string(expected) +
                        " (" + product + ")");
  }
}

unsigned readThreads(Napi::Env env, Napi::Value options) {
  Napi::Value threads = optionField(env, options, "threads");
  if (threads.IsUndefined()) return std::max(1u, std::thread::hardware_concurrency());
  return static_cast<unsigned>(readInteger(env, threads, "options.threads", 1, kMaxThreads, "in [1, 256]"));
}

unsigned readThresholdCount(Napi::Env env, Napi::Value options) {
  Napi::Value thresholds = optionField(env, options, "thresholds");
  if (thresholds.IsUndefined()) return kDefaultThresholds;
  return static_cast<unsigned>(
      readInteger(env, thresholds, "options.thresholds", 2, kMaxThresholds, "in [2, 65536]"));
}

}  // namespace bandster
