"""The ARM kuser helper page at 0xffff0000 (Documentation/arch/arm/kernel_user_helpers.rst).

Linux maps its "vectors" page read+exec into every ARM process; the last 160
bytes hold small helpers that user code calls at fixed addresses.  We write
them as the real A32 machine code the kernel installs on an ARMv7 SMP system
with a hardware TLS register (arch/arm/kernel/entry-armv.S, CONFIG_CPU_32v6K,
CONFIG_SMP, CONFIG_ARM_THUMB, after kuser_init() copied the `mrc` over the
software-TLS `ldr` at 0xffff0fe0).  The rest of the page is filled with the
kernel's poison word 0xe7fddef1 (undefined in both ARM and Thumb).

    0xffff0f60  __kuser_cmpxchg64(r0=&old64, r1=&new64, r2=ptr)
                -> r0 = 0 and C set if *ptr was old64 (now new64), else r0 != 0, C clear
    0xffff0fa0  __kuser_memory_barrier()
    0xffff0fc0  __kuser_cmpxchg(r0=old, r1=new, r2=ptr)
                -> r0 = 0 and C set on success, r0 != 0 and C clear if *ptr != old
                   (clobbers r3, ip and the flags)
    0xffff0fe0  __kuser_get_tls() -> r0 = TPIDRURO
    0xffff0ffc  __kuser_helper_version: 5 (= (0x1000 - 0xf60) / 32, as the kernel
                computes it; 5 is also what qemu-arm reports)

Each table row is (guest address, word, assembly); tests/test_loader.py
re-assembles the assembly with keystone and checks the words.

Usage::

    from usermode.loader.kuser import install_kuser_page, KUSER_HELPERS
    install_kuser_page(proc.mem)      # maps 0xffff0000 r-x and writes the helpers
"""
from __future__ import annotations

import struct

from .errors import LoaderError
from .layout import KUSER_PAGE

KUSER_POISON = 0xE7FDDEF1        # kernel's undefined-instruction fill word
KUSER_HELPER_VERSION = 5
KUSER_CMPXCHG64 = 0xFFFF0F60
KUSER_MEMORY_BARRIER = 0xFFFF0FA0
KUSER_CMPXCHG = 0xFFFF0FC0
KUSER_GET_TLS = 0xFFFF0FE0
KUSER_VERSION_ADDR = 0xFFFF0FFC

# (address, word, assembly); ".word" rows are data or padding.
KUSER_HELPERS = [
    # __kuser_cmpxchg64 (two 32-byte slots)
    (0xFFFF0F60, 0xE92D00F0, "stmfd sp!, {r4, r5, r6, r7}"),
    (0xFFFF0F64, 0xE1C040D0, "ldrd r4, r5, [r0]"),            # old value
    (0xFFFF0F68, 0xE1C160D0, "ldrd r6, r7, [r1]"),            # new value
    (0xFFFF0F6C, 0xF57FF05B, "dmb ish"),
    (0xFFFF0F70, 0xE1B20F9F, "ldrexd r0, r1, [r2]"),          # 1: current value
    (0xFFFF0F74, 0xE0303004, "eors r3, r0, r4"),
    (0xFFFF0F78, 0x00313005, "eorseq r3, r1, r5"),
    (0xFFFF0F7C, 0x01A23F96, "strexdeq r3, r6, r7, [r2]"),
    (0xFFFF0F80, 0x03330001, "teqeq r3, #1"),                 # store failed?
    (0xFFFF0F84, 0x0AFFFFF9, "beq 0xffff0f70"),               # then retry
    (0xFFFF0F88, 0xF57FF05B, "dmb ish"),
    (0xFFFF0F8C, 0xE2730000, "rsbs r0, r3, #0"),              # r0 and C flag
    (0xFFFF0F90, 0xE8BD00F0, "ldmfd sp!, {r4, r5, r6, r7}"),
    (0xFFFF0F94, 0xE12FFF1E, "bx lr"),
    (0xFFFF0F98, KUSER_POISON, ".word 0xe7fddef1"),
    (0xFFFF0F9C, KUSER_POISON, ".word 0xe7fddef1"),
    # __kuser_memory_barrier
    (0xFFFF0FA0, 0xF57FF05B, "dmb ish"),
    (0xFFFF0FA4, 0xE12FFF1E, "bx lr"),
    (0xFFFF0FA8, KUSER_POISON, ".word 0xe7fddef1"),
    (0xFFFF0FAC, KUSER_POISON, ".word 0xe7fddef1"),
    (0xFFFF0FB0, KUSER_POISON, ".word 0xe7fddef1"),
    (0xFFFF0FB4, KUSER_POISON, ".word 0xe7fddef1"),
    (0xFFFF0FB8, KUSER_POISON, ".word 0xe7fddef1"),
    (0xFFFF0FBC, KUSER_POISON, ".word 0xe7fddef1"),
    # __kuser_cmpxchg
    (0xFFFF0FC0, 0xF57FF05B, "dmb ish"),
    (0xFFFF0FC4, 0xE1923F9F, "ldrex r3, [r2]"),               # 1:
    (0xFFFF0FC8, 0xE0533000, "subs r3, r3, r0"),              # compare with old
    (0xFFFF0FCC, 0x01823F91, "strexeq r3, r1, [r2]"),         # store new if equal
    (0xFFFF0FD0, 0x03330001, "teqeq r3, #1"),                 # store failed?
    (0xFFFF0FD4, 0x0AFFFFFA, "beq 0xffff0fc4"),               # then retry
    (0xFFFF0FD8, 0xE2730000, "rsbs r0, r3, #0"),              # r0 and C flag
    (0xFFFF0FDC, 0xEAFFFFEF, "b 0xffff0fa0"),                 # barrier, return
    # __kuser_get_tls (hardware TLS register)
    (0xFFFF0FE0, 0xEE1D0F70, "mrc p15, 0, r0, c13, c0, 3"),
    (0xFFFF0FE4, 0xE12FFF1E, "bx lr"),
    (0xFFFF0FE8, 0xEE1D0F70, "mrc p15, 0, r0, c13, c0, 3"),   # kernel's template copy
    (0xFFFF0FEC, KUSER_POISON, ".word 0xe7fddef1"),
    (0xFFFF0FF0, 0x00000000, ".word 0"),                      # software TLS slot
    (0xFFFF0FF4, 0x00000000, ".word 0"),
    (0xFFFF0FF8, 0x00000000, ".word 0"),
    # __kuser_helper_version
    (0xFFFF0FFC, KUSER_HELPER_VERSION, ".word 5"),
]

PAGE_SIZE = 4096


def kuser_page_bytes() -> bytes:
    """The 4 KiB content of the page at KUSER_PAGE."""
    words = [KUSER_POISON] * (PAGE_SIZE // 4)
    for addr, word, _asm in KUSER_HELPERS:
        words[(addr - KUSER_PAGE) // 4] = word
    return struct.pack(f"<{len(words)}I", *words)


def install_kuser_page(mem) -> None:
    """Map the kuser page read+exec at 0xffff0000 and fill it."""
    from ..memory import MAP_ANONYMOUS, MAP_FIXED_NOREPLACE, MAP_PRIVATE, PROT_EXEC, \
        PROT_READ, PROT_WRITE
    r = mem.mmap(KUSER_PAGE, PAGE_SIZE, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE)
    if r != KUSER_PAGE:
        raise LoaderError(f"program segments overlap the kuser helper page at {KUSER_PAGE:#x}")
    mem.write(KUSER_PAGE, kuser_page_bytes())
    mem.mprotect(KUSER_PAGE, PAGE_SIZE, PROT_READ | PROT_EXEC)
