/* libffi for Swift: its ffi_type_* descriptors are C globals and FFI_DEFAULT_ABI an enum alias,
 * which Swift imports awkwardly, so they are reached through these accessors. */
#ifndef MEMENTO_FFI_SHIM_H
#define MEMENTO_FFI_SHIM_H

#include <ffi.h>

static inline ffi_type *memento_ffi_void(void) { return &ffi_type_void; }
static inline ffi_type *memento_ffi_sint8(void) { return &ffi_type_sint8; }
static inline ffi_type *memento_ffi_sint16(void) { return &ffi_type_sint16; }
static inline ffi_type *memento_ffi_sint32(void) { return &ffi_type_sint32; }
static inline ffi_type *memento_ffi_sint64(void) { return &ffi_type_sint64; }
static inline ffi_type *memento_ffi_uint8(void) { return &ffi_type_uint8; }
static inline ffi_type *memento_ffi_uint16(void) { return &ffi_type_uint16; }
static inline ffi_type *memento_ffi_uint32(void) { return &ffi_type_uint32; }
static inline ffi_type *memento_ffi_uint64(void) { return &ffi_type_uint64; }
static inline ffi_type *memento_ffi_float(void) { return &ffi_type_float; }
static inline ffi_type *memento_ffi_double(void) { return &ffi_type_double; }
static inline ffi_type *memento_ffi_pointer(void) { return &ffi_type_pointer; }

/* ffi_prep_cif with the platform's default calling convention; FFI_OK (0) on success. */
static inline int memento_ffi_prep(ffi_cif *cif, unsigned int count, ffi_type *result, ffi_type **arguments) {
  return (int)ffi_prep_cif(cif, FFI_DEFAULT_ABI, count, result, arguments);
}

#endif
