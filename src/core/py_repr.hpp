#pragma once
// Python's spelling of numbers, for messages and configs that must read as Keras's do.
#include <string>

namespace keras {

// Python's repr(float): the shortest digits that round-trip, fixed notation for exponents in [-4, 16), otherwise
// d.ddde+XX ("0.1", "100.0", "0.0001", "1e-05", "1.5e+16", "nan", "-inf"). std::to_chars alone picks the shorter of
// the two notations, which is not Python's choice ("1e-04" for 0.0001, "1e+05" for 100000.0).
std::string py_float(double v);

}  // namespace keras
