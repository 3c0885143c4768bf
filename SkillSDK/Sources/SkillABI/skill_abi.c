/* The ABI is a header; this file only gives the C target something to compile. */
#include "skill_abi.h"
