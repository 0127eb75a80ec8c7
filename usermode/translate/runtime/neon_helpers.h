/* cffi declarations of neon_helpers.c (the reference implementation of the
 * IR's vector ops); build.py appends them to runtime.h's.  Plain declarations. */
uint64_t neon_vop(void *env, uint32_t opc, uint32_t d, uint32_t a, uint32_t b, uint32_t imm);
void neon_configure(uint32_t fpscr_offset, uint32_t sat_mask, uint32_t idc_mask);
void *neon_helper_addr(const char *name);
int neon_op_count(void);
const char *neon_op_name(int i);
