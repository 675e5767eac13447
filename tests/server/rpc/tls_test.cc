// Being written (rpc section).
#include "gtest/gtest.h"
