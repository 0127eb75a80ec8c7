/* pyqemu native runtime: guest memory region, code buffer, translation-block
 * table, dispatcher loop and fault handler.  ISA-neutral.
 *
 * This text is both compiled (runtime.c includes it) and given to cffi's cdef
 * (build.py strips the preprocessor lines), so it holds only plain declarations.
 */

/* Common head of every guest CPU-state struct; the ISA's own fields follow
 * at offset CPU_HEADER_SIZE (64).  Generated code addresses all of it via
 * the env pointer held in a fixed host register. */
typedef struct CPUHeader {
    uint64_t pc;          /*  0: guest pc of the next block to run            */
    uint64_t tb_flags;    /*  8: mode bits that select a translation (Thumb..) */
    uint32_t exception;   /* 16: EXCP_* when cpu_exec returned EXIT_EXCEPTION  */
    uint32_t running;     /* 20: nonzero while executing translated code       */
    uint64_t exc_arg;     /* 24: guest fault address / exception argument      */
    uint64_t host_pc;     /* 32: host pc at a fault in translated code         */
    uint64_t guest_base;  /* 40: host address of guest address 0               */
    int16_t fault_signo;  /* 48: host signal of a fault (SIGSEGV, SIGBUS)      */
    int16_t fault_code;   /* 50: its si_code (SEGV_MAPERR, SEGV_ACCERR...)     */
    uint32_t exit_request;/* 52: nonzero: leave translated code at the next
                                 block entry (set by the host signal handler) */
    uint64_t exc_arg2;    /* 56: second argument (undefined encoding; for a
                                 fault: 1 if it was a write)                  */
} CPUHeader;

typedef struct TB {
    uint64_t pc;               /* guest pc                                    */
    uint64_t flags;            /* tb_flags it was translated for              */
    uint64_t guest_end;        /* guest address one past its last byte        */
    uint8_t *tc;               /* host code                                   */
    uint32_t tc_size;
    uint32_t jmp_insn[2];      /* offset in tc of the patchable jmp rel32 (the
                                  E9 byte), or 0xffffffff if the exit is absent */
    uint32_t jmp_reset[2];     /* offset in tc of that exit's unchained path   */
    struct TB *jmp_dest[2];    /* block each exit is chained to, or NULL       */
    uintptr_t jmp_first;       /* the exits chained to this block: a list of
                                  (TB *) | n through each source's jmp_next[n] */
    uintptr_t jmp_next[2];     /* the next entry of jmp_dest[n]'s list, or 0    */
    struct TB *hash_next;
    struct TB *all_next;
    uint32_t invalid;
    uint32_t id;
    uint32_t cflags;           /* TB_CF_* (set before rt_tb_commit)           */
    uint32_t hot;              /* countdown of a quick block's entries (TB_CF_QUICK):
                                  its code leaves with EXIT_HOT when it reaches 0 */
} TB;

/* Guest memory region */
uint8_t *rt_reserve_guest(uint64_t size);
uint8_t *rt_guest_base(void);
uint64_t rt_guest_size(void);

/* Code buffer */
int rt_code_init(uint64_t size);
uint8_t *rt_code_ptr(void);          /* where the next committed block goes   */
uint64_t rt_code_free(void);
uint8_t *rt_code_start(void);
uint64_t rt_code_used(void);
uint8_t *rt_install_stub(const uint8_t *code, uint32_t len);  /* prologue etc. */
void rt_set_entry(uint8_t *prologue, uint8_t *epilogue_ret0);

/* Translation blocks */
TB *rt_tb_alloc(uint64_t pc, uint64_t flags);
int rt_tb_commit(TB *tb, const uint8_t *code, uint32_t len,
                 uint32_t jmp_insn0, uint32_t jmp_reset0,
                 uint32_t jmp_insn1, uint32_t jmp_reset1, uint64_t guest_end);
int64_t rt_tb_install_cached(const uint8_t *body, uint32_t blen, uint64_t so_base,
                             uint64_t epilogue);  /* tcache.py's records: see runtime.c */
TB *rt_tb_lookup(uint64_t pc, uint64_t flags);
TB *rt_tb_find_host_pc(uint64_t host_pc);
int rt_tb_invalidate_range(uint64_t start, uint64_t end);
void rt_tb_flush(void);
uint32_t rt_tb_count(void);
uint32_t rt_tb_hash_bits(void);      /* log2 of the hash table's buckets (it grows) */
void rt_set_chaining(int on);
/* Translation tiers: a block translated quickly (TB_CF_QUICK) counts its
 * entries down from the threshold in TB.hot; at 0 its code returns EXIT_HOT
 * and the engine translates it again, optimized, then retires the quick one
 * (unchained and never found again; its code stays until the next flush). */
void rt_set_hot_threshold(uint32_t n);
void rt_tb_retire(TB *tb);

/* Dispatcher: runs guest code until something needs Python.  Returns one of
 * RT_EXIT_* (below) */
int rt_cpu_exec(CPUHeader *env);

/* Exclusive section (engine.py: a flush while other threads run): request,
 * make the others leave (their exit_request), wait until none is inside
 * rt_cpu_exec (new entries wait), do the work, end. */
void rt_exclusive_request(void);
void rt_exclusive_wait(void);
void rt_exclusive_end(void);

/* Called by generated code for indirect jumps: host address to continue at. */
uint8_t *rt_helper_lookup_tb(CPUHeader *env);

/* Host helpers.  rt_syscall is a raw host system call (-errno on failure);
 * for the numbers marked with rt_set_blocking_syscalls it is a "safe"
 * system call: if a host signal was recorded (env->exit_request) before the
 * call entered the kernel, or the kernel restarts it after our handler ran,
 * it returns -RT_ERESTARTSYS instead, and the engine restarts the guest's
 * system call after delivering the signal (qemu's safe_syscall). */
long rt_syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6);
void rt_set_blocking_syscalls(const uint16_t *nrs, int n);
int rt_install_fault_handler(void);
void rt_restore_default_signal(int sig);

/* Host signal plumbing (usermode/signals/host.py).  Every handled host
 * signal is recorded, with its siginfo, in a queue that rt_sig_drain
 * empties; recording sets cur_env->exit_request.  mode: RT_SIG_DFL,
 * RT_SIG_IGN or RT_SIG_CATCH; flags: host SA_RESTART/SA_NOCLDSTOP/
 * SA_NOCLDWAIT to mirror.  SIGSEGV and SIGBUS keep the fault handler, which
 * treats a signal sent by kill (si_code <= 0) as asynchronous per mode. */
int rt_sig_set_action(int sig, int mode, unsigned long flags);
int rt_sig_get_action(int sig);          /* host disposition: 0 DFL, 1 IGN, 2 handler */
int rt_sig_drain(uint8_t *out, int max); /* copies up to max 128-byte siginfos */
uint32_t rt_sig_dropped(void);

/* Guest threads (usermode/threads.py): each host thread running guest code
 * calls rt_thread_init first (its own queue of caught host signals) and
 * rt_thread_exit last (blocks host signals, frees the queue). */
int rt_thread_init(void);
void rt_thread_exit(void);
uint32_t rt_atomic_cmpxchg32(uint64_t host_addr, uint32_t old, uint32_t new_);

/* Self-modifying code: guest pages holding translated code are write-
 * protected on the host (when the guest may write them); a write there
 * unprotects the page and invalidates its blocks.  The page table is the
 * guest's (usermode/memory.py: one byte of PROT bits per 4 KiB page). */
void rt_set_page_table(uint8_t *pages, uint64_t npages);
int rt_code_protect(uint64_t start, uint64_t end);
int rt_code_unprotect(uint64_t start, uint64_t end, int whole_pages_only);
uint32_t rt_code_protected_pages(void);
int rt_code_unprotect_near(const uint32_t *addrs, int n, uint32_t window);

/* Where the code generator's block frame keeps the FP state (x86/fp.py):
 * [rsp + off] host MXCSR, [rsp + off + 4] env offset of the guest MXCSR
 * slot (0: not loaded); the slot holds MXCSR ^ mxcsr_xor.  A fault that
 * leaves a block by siglongjmp stores the guest MXCSR there itself. */
void rt_set_fp_frame(int32_t off, uint32_t mxcsr_xor);

/* Lookup of C helpers callable from generated code, by name. */
void *rt_helper_addr(const char *name);

/* Statistics */
uint64_t rt_stat_lookups(void);
uint64_t rt_stat_chains(void);
