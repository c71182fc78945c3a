#pragma once
#include "bw_mock_posix.h"
