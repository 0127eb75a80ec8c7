/* risu runner for 32-bit ARM Linux (EABI, hard-float): a freestanding static
 * program (no libc) that loads a test image from stdin and runs it.
 *
 * Built once by usermode/risu/arm/runner.py:
 *     arm-linux-gnueabihf-gcc -nostdlib -static -marm -march=armv7-a -mfpu=vfpv3 \
 *         -DRISU_CTRL=... (the layout constants of layout.py) -o runner runner.S
 *
 * The image on stdin is a header {magic 'RISU', nsect, entry, 0} and nsect
 * sections {addr, length, prot, size, data[size]}: each is mapped at its
 * fixed address (MAP_FIXED, length bytes), its first size bytes are read
 * from stdin, then it gets its protection.  The runner jumps
 * to `entry` (bit 0 set: Thumb).  The generated code calls the routines
 * below with a plain branch (B; B.W to the Thumb entry points risu_*_t),
 * so no register but the PC changes (the runner is linked near the code
 * for that, see runner.py): each
 * routine returns with "ldm r0, {r0-pc}" to the next entry of the return
 * table (CTRL slot C_RETTAB indexed by C_CALLIDX), so every register r0-r14
 * and the flags are guest-test state.  r0 is parked in TPIDRURW on entry.
 *
 *   risu_reload   load the next initial state: r0-r14, APSR, FPSCR, D0-D31,
 *                 the scratch window (one record, layout below)
 *   risu_dump     append the current state (one record) to the trace buffer;
 *                 write the buffer to stdout when it is full
 *   risu_finish   write the trace buffer out and exit(0)
 *
 * A record: r0..r14 (15 words), APSR & 0xf80f0000, FPSCR, call index,
 * D0..D31, the scratch window (RISU_MEM_SIZE bytes).  The exclusive monitor
 * is cleared (CLREX) by every routine.
 */
        .syntax unified
        .arm
        .fpu    vfpv3

#define C_TPTR    0     /* next record in the trace buffer */
#define C_TBASE   4     /* trace buffer start */
#define C_TLIMIT  8     /* flush when C_TPTR >= this */
#define C_IPTR    12    /* next initial-state record */
#define C_CALLIDX 16    /* number of routine calls so far */
#define C_RETTAB  20    /* return table: one address per call */
#define C_SAVE    24    /* the routines: saved r0 around flush */
#define C_RESTORE 64    /* 16 words: r0..r14, return address (for ldm r0, {r0-pc}) */

#define R_APSR    60
#define R_FPSCR   64
#define R_IDX     68
#define R_D       72
#define R_MEM     (72 + 256)

        .text
        .global _start
_start:
        ldr     r0, =hdr
        mov     r1, #16
        bl      readfull
        ldr     r4, =hdr
        ldr     r0, [r4]
        ldr     r1, =0x55534952           /* "RISU" */
        cmp     r0, r1
        bne     bad
        ldr     r11, [r4, #4]             /* sections left */
1:      cmp     r11, #0
        beq     2f
        ldr     r0, =sect
        mov     r1, #16
        bl      readfull
        ldr     r6, =sect
        ldm     r6, {r8, r9, r10, r12}    /* addr, length, prot, data size */
        add     r6, r9, #0xff0
        add     r6, r6, #0xf
        bic     r6, r6, #0xff0
        bic     r6, r6, #0xf              /* length rounded up to pages */
        mov     r0, r8
        mov     r1, r6
        mov     r2, #3                    /* PROT_READ | PROT_WRITE */
        mov     r3, #0x32                 /* MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED */
        mvn     r4, #0
        mov     r5, #0
        mov     r7, #192                  /* mmap2 */
        svc     #0
        cmp     r0, r8
        bne     bad
        mov     r0, r8
        mov     r1, r12
        bl      readfull
        cmp     r10, #3
        beq     3f
        mov     r0, r8
        mov     r1, r6
        mov     r2, r10
        mov     r7, #125                  /* mprotect */
        svc     #0
        cmp     r0, #0
        bne     bad
3:      sub     r11, r11, #1
        b       1b
2:      ldr     r4, =hdr
        ldr     r0, [r4, #8]
        bx      r0

/* readfull(r0 = buffer, r1 = length): read stdin until length bytes arrived.
 * Clobbers r0-r3, r7. */
readfull:
        mov     r2, r1
        mov     r3, r0
1:      cmp     r2, #0
        bxeq    lr
        mov     r0, #0
        mov     r1, r3
        mov     r7, #3                    /* read */
        svc     #0
        cmp     r0, #0
        ble     bad
        add     r3, r3, r0
        sub     r2, r2, r0
        b       1b

bad:    mov     r0, #99
        mov     r7, #248                  /* exit_group */
        svc     #0

        .ltorg

/* flush: write [C_TBASE, C_TPTR) to stdout, C_TPTR = C_TBASE.
 * Called from the routines (the stack pointer is test state: no stack);
 * clobbers r0-r7 and the flags. */
flush:
        ldr     r4, =RISU_CTRL
        ldr     r5, [r4, #C_TBASE]
        ldr     r6, [r4, #C_TPTR]
1:      subs    r2, r6, r5
        beq     2f
        mov     r0, #1
        mov     r1, r5
        mov     r7, #4                    /* write */
        svc     #0
        cmp     r0, #0
        ble     bad
        add     r5, r5, r0
        b       1b
2:      ldr     r1, [r4, #C_TBASE]
        str     r1, [r4, #C_TPTR]
        bx      lr

/* set r0 = address of the next return: rettab[callidx++]; stores it in
 * C_RESTORE+60.  Uses r2, r3, r4; r4 = RISU_CTRL on return. */
next_return:
        ldr     r4, =RISU_CTRL
        ldr     r2, [r4, #C_CALLIDX]
        add     r3, r2, #1
        str     r3, [r4, #C_CALLIDX]
        ldr     r3, [r4, #C_RETTAB]
        ldr     r3, [r3, r2, lsl #2]
        str     r3, [r4, #(C_RESTORE + 60)]
        mov     r0, r2
        bx      lr

        .ltorg

        .global risu_dump
        .balign 64
risu_dump:
        mcr     p15, 0, r0, c13, c0, 2    /* TPIDRURW = r0 */
        ldr     r0, =RISU_CTRL
        ldr     r0, [r0, #C_TPTR]
        add     r0, r0, #4
        stmia   r0, {r1-r14}
        sub     r0, r0, #4
        mrc     p15, 0, r1, c13, c0, 2
        str     r1, [r0]
        mrs     r1, APSR
        bic     r1, r1, #0x07f00000
        bic     r1, r1, #0x0000ff00
        bic     r1, r1, #0x000000ff
        str     r1, [r0, #R_APSR]
        vmrs    r1, fpscr
        str     r1, [r0, #R_FPSCR]
        mov     r5, r0
        bl      next_return
        str     r0, [r5, #R_IDX]
        mov     r0, r5
        add     r1, r0, #R_D
        vstmia  r1!, {d0-d15}
        vstmia  r1!, {d16-d31}
        ldr     r2, =RISU_MEM
        .rept   RISU_MEM_SIZE / 32
        ldmia   r2!, {r3-r10}
        stmia   r1!, {r3-r10}
        .endr
        ldr     r4, =RISU_CTRL
        str     r1, [r4, #C_TPTR]
        ldr     r3, [r4, #C_TLIMIT]
        cmp     r1, r3
        str     r0, [r4, #C_SAVE]
        blhs    flush
        ldr     r4, =RISU_CTRL
        ldr     r0, [r4, #C_SAVE]
        /* restore: r0..r14 from the record, then the flags, then jump */
        add     r1, r4, #C_RESTORE
        ldmia   r0!, {r2, r3, r5-r10}     /* r0..r7 */
        stmia   r1!, {r2, r3, r5-r10}
        ldmia   r0!, {r2, r3, r5-r9}      /* r8..r14 */
        stmia   r1!, {r2, r3, r5-r9}
        ldr     r1, [r0]                  /* r0 now points at the APSR word */
        msr     APSR_nzcvqg, r1
        clrex
        add     r0, r4, #C_RESTORE
        ldm     r0, {r0-r12, sp, lr, pc}

        .ltorg

        .global risu_reload
        .balign 64
risu_reload:
        mcr     p15, 0, r0, c13, c0, 2
        bl      next_return               /* clobbers lr: it is reloaded */
        ldr     r1, [r4, #C_IPTR]
        add     r2, r1, #RISU_RECORD
        str     r2, [r4, #C_IPTR]
        add     r2, r1, #R_MEM
        ldr     r3, =RISU_MEM
        .rept   RISU_MEM_SIZE / 32
        ldmia   r2!, {r5-r12}
        stmia   r3!, {r5-r12}
        .endr
        add     r2, r1, #R_D
        vldmia  r2!, {d0-d15}
        vldmia  r2!, {d16-d31}
        ldr     r2, [r1, #R_FPSCR]
        vmsr    fpscr, r2
        add     r0, r4, #C_RESTORE
        ldmia   r1!, {r2, r3, r5-r10}
        stmia   r0!, {r2, r3, r5-r10}
        ldmia   r1!, {r2, r3, r5-r9}
        stmia   r0!, {r2, r3, r5-r9}
        ldr     r2, [r1]
        msr     APSR_nzcvqg, r2
        clrex
        add     r0, r4, #C_RESTORE
        ldm     r0, {r0-r12, sp, lr, pc}

        .ltorg

        .global risu_finish
        .balign 64
risu_finish:
        bl      flush
        mov     r0, #0
        mov     r7, #248                  /* exit_group */
        svc     #0

/* Thumb entry points: the generated Thumb code reaches them with B.W (a
 * direct branch, cheap to translate); they switch to the ARM routines. */
        .thumb
        .balign 4
        .global risu_reload_t
        .thumb_func
risu_reload_t:
        ldr.w   pc, [pc, #0]
        .word   risu_reload
        .global risu_dump_t
        .thumb_func
risu_dump_t:
        ldr.w   pc, [pc, #0]
        .word   risu_dump
        .global risu_finish_t
        .thumb_func
risu_finish_t:
        ldr.w   pc, [pc, #0]
        .word   risu_finish

        .bss
        .balign 4
hdr:    .space  16
sect:   .space  16
