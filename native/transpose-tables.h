// Permutation tables that turn the scores of a few pixels (pixel-major: pixel j's class c at j*C + c)
// into one register per class, for the SIMD argmax kernels. Plain data, built once per class count on
// first use (thread-safe), so the kernels only load them.
#pragma once

#include <cstdint>

namespace bandster::kernels {

// 16 pixels in C registers of 16 floats (AVX-512), taken in pairs (registers 2q and 2q+1) by a
// two-source permute: lane j of class c's register comes from pair q = (j*C + c) / 32 at index
// (j*C + c) % 32; mask[c][q] has bit j set for the lanes pair q supplies.
struct TransposeTable16 {
  alignas(64) int32_t index[16][8][16];
  uint16_t mask[16][8];
};
// classes in [2, 16].
const TransposeTable16& transposeTable16(unsigned classes);

// 8 pixels in C registers of 8 floats (AVX2), one-source permutes: lane j of class c's register comes
// from register r = (j*C + c) / 8 at index (j*C + c) % 8; select[c][r] is -1 on the lanes r supplies.
struct TransposeTable8 {
  alignas(32) int32_t index[8][8][8];
  alignas(32) int32_t select[8][8][8];
};
// classes in [2, 8].
const TransposeTable8& transposeTable8(unsigned classes);

}  // namespace bandster::kernels
