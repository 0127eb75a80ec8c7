/* cffi declarations of fp_helpers.c (the floating-point slow paths); build.py
 * appends them to runtime.h's.  Plain declarations only. */
uint64_t fp_arm_slow(void *env, uint32_t opc, uint64_t a, uint64_t b, uint64_t c);
void fp_arm_configure(uint32_t fpscr_offset);
int fp_host_features(void);
void *fp_helper_addr(const char *name);
