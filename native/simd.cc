// Run-time choice of the kernels' SIMD path; see simd.h.
#include "simd.h"

#include <atomic>
#include <cstdlib>

namespace bandster {
namespace {

bool cpuHas(SimdPath path) {
#if BANDSTER_X86_SIMD
  // libgcc's (and compiler-rt's) CPU model also checks, through XGETBV, that the operating system saves
  // the AVX and AVX-512 registers, so a CPU with AVX-512 under an OS without it reads as lacking it.
  __builtin_cpu_init();
  switch (path) {
    case SimdPath::Scalar: return true;
    case SimdPath::Avx2: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("popcnt");
    case SimdPath::Avx512:
      return cpuHas(SimdPath::Avx2) && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
             __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vpopcntdq");
  }
  return false;
#else
  return path == SimdPath::Scalar;
#endif
}

std::atomic<unsigned> active{static_cast<unsigned>(SimdPath::Scalar)};

}  // namespace

const char* simdPathName(SimdPath path) {
  switch (path) {
    case SimdPath::Scalar: return "scalar";
    case SimdPath::Avx2: return "avx2";
    case SimdPath::Avx512: return "avx512";
  }
  return "unknown";
}

std::optional<SimdPath> parseSimdPath(const std::string& name) {
  for (unsigned i = 0; i < kSimdPathCount; ++i) {
    const auto path = static_cast<SimdPath>(i);
    if (name == simdPathName(path)) return path;
  }
  return std::nullopt;
}

bool simdPathCompiled(SimdPath path) { return path == SimdPath::Scalar || BANDSTER_X86_SIMD; }

bool simdPathSupported(SimdPath path) { return simdPathCompiled(path) && cpuHas(path); }

std::string simdPathUnsupportedReason(SimdPath path) {
  if (!simdPathCompiled(path)) return std::string("this build has no ") + simdPathName(path) + " kernels (x86-64 with GCC or clang only)";
  if (path == SimdPath::Avx2) return "this CPU lacks AVX2, BMI2 or POPCNT";
  if (path == SimdPath::Avx512) return "this CPU (or its operating system) lacks AVX-512 F, BW, VL, DQ or VPOPCNTDQ";
  return "";
}

SimdPath bestSimdPath() {
  for (unsigned i = kSimdPathCount; i-- > 0;) {
    if (simdPathSupported(static_cast<SimdPath>(i))) return static_cast<SimdPath>(i);
  }
  return SimdPath::Scalar;
}

const kernels::PixelKernels& pixelKernels(SimdPath path) {
#if BANDSTER_X86_SIMD
  if (path == SimdPath::Avx512) return kernels::kAvx512Kernels;
  if (path == SimdPath::Avx2) return kernels::kAvx2Kernels;
#endif
  (void)path;
  return kernels::kScalarKernels;
}

SimdPath activeSimdPath() { return static_cast<SimdPath>(active.load(std::memory_order_relaxed)); }

void setActiveSimdPath(SimdPath path) { active.store(static_cast<unsigned>(path), std::memory_order_relaxed); }

std::optional<SimdPath> simdPathFromEnvironment(std::string* error) {
  const SimdPath best = bestSimdPath();
  const char* value = std::getenv("BANDSTER_SIMD");
  if (value == nullptr || *value == '\0') return best;
  const std::optional<SimdPath> cap = parseSimdPath(value);
  if (!cap) {
    *error = std::string("BANDSTER_SIMD=") + value + " names no SIMD path (scalar, avx2 or avx512)";
    return std::nullopt;
  }
  return static_cast<unsigned>(*cap) < static_cast<unsigned>(best) ? *cap : best;
}

}  // namespace bandster
