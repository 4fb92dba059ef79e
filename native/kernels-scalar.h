// The scalar kernels by name, for the SIMD variants' tails and for the cases they leave to scalar code
// (many classes). Contracts: kernels.h, PixelKernels.
#pragma once

#include "kernels.h"

namespace bandster::kernels::scalar {

uint8_t maxLabel(const uint8_t* labels, size_t count);
bool anyNaN(const float* values, size_t count);
uint64_t countClasses(const uint8_t* labels, size_t pixels, unsigned classes, uint64_t* counts);
bool countPairs(const uint8_t* trueLabels, const uint8_t* predictedLabels, size_t pixels, unsigned classes, uint64_t* cells);
bool argmaxClasses(const float* scores, size_t pixels, unsigned classes, uint8_t* predicted);
double sumBytes(const uint8_t* values, size_t count);
double sumFloats(const float* values, size_t count);

}  // namespace bandster::kernels::scalar
