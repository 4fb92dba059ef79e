// Run-time choice of the SIMD path of the pixel kernels (kernels.h). The best path the CPU supports is
// taken at load time, capped by the environment variable BANDSTER_SIMD (scalar | avx2 | avx512), the
// way OpenBLAS's OPENBLAS_CORETYPE or numpy's NPY_DISABLE_CPU_FEATURES cap theirs; tests switch paths
// with setActiveSimdPath to compare every path with the scalar one on the same inputs.
#pragma once

#include <optional>
#include <string>

#include "kernels.h"

namespace bandster {

enum class SimdPath : unsigned { Scalar = 0, Avx2 = 1, Avx512 = 2 };
constexpr unsigned kSimdPathCount = 3;

const char* simdPathName(SimdPath path);
std::optional<SimdPath> parseSimdPath(const std::string& name);
// Whether this binary has the path's kernels (x86-64 builds with GCC or clang have all three).
bool simdPathCompiled(SimdPath path);
// Whether the path is compiled and this CPU (and its operating system) can run it.
bool simdPathSupported(SimdPath path);
// Why an unsupported path cannot run here, e.g. "this CPU lacks AVX-512 (F, BW, VL, DQ)".
std::string simdPathUnsupportedReason(SimdPath path);
// The fastest supported path.
SimdPath bestSimdPath();

const kernels::PixelKernels& pixelKernels(SimdPath path);

// The path new jobs use (each job keeps the path it started with). Set once at load from
// BANDSTER_SIMD (see simdPathFromEnvironment), changed by tests through the addon's `simd.use`.
SimdPath activeSimdPath();
void setActiveSimdPath(SimdPath path);
// The best supported path not above BANDSTER_SIMD; an error message when the variable names no path.
std::optional<SimdPath> simdPathFromEnvironment(std::string* error);

}  // namespace bandster
