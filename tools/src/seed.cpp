#include "vigil/tools/seed.hpp"
