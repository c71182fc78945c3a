// Mock of seastar/core/coroutine.hh.
#pragma once
#include <seastar/core/future.hh>
