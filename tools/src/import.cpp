#include "vigil/tools/import.hpp"
