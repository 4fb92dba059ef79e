// Permutation tables of the SIMD argmax kernels; see transpose-tables.h.
#include "transpose-tables.h"

namespace bandster::kernels {
namespace {

// Static storage (144 KiB in all), filled by the first caller; C++ guarantees the initialisation of a
// function-local static runs once even when threads race to it.
TransposeTable16 tables16[17];
TransposeTable8 tables8[9];

bool fillTables16() {
  for (unsigned classes = 2; classes <= 16; ++classes) {
    TransposeTable16& table = tables16[classes];
    for (unsigned c = 0; c < classes; ++c) {
      for (unsigned j = 0; j < 16; ++j) {
        const unsigned flat = j * classes + c;
        table.index[c][flat / 32][j] = static_cast<int32_t>(flat % 32);
        table.mask[c][flat / 32] = static_cast<uint16_t>(table.mask[c][flat / 32] | (1u << j));
      }
    }
  }
  return true;
}

bool fillTables8() {
  for (unsigned classes = 2; classes <= 8; ++classes) {
    TransposeTable8& table = tables8[classes];
    for (unsigned c = 0; c < classes; ++c) {
      for (unsigned j = 0; j < 8; ++j) {
        const unsigned flat = j * classes + c;
        table.index[c][flat / 8][j] = static_cast<int32_t>(flat % 8);
        table.select[c][flat / 8][j] = -1;
      }
    }
  }
  return true;
}

}  // namespace

const TransposeTable16& transposeTable16(unsigned classes) {
  static const bool filled = fillTables16();
  (void)filled;
  return tables16[classes];
}

const TransposeTable8& transposeTable8(unsigned classes) {
  static const bool filled = fillTables8();
  (void)filled;
  return tables8[classes];
}

}  // namespace bandster::kernels
