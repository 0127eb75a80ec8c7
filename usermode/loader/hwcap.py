"""ARM ELF hardware capabilities (AT_HWCAP / AT_HWCAP2) and the set we advertise.

The bit values are Linux's (arch/arm/include/uapi/asm/hwcap.h).  Advertise a
feature only once the translator implements it: glibc's ifunc resolvers
pick NEON/VFP string routines from these bits.

Usage::

    from usermode.loader.hwcap import HWCAP, HWCAP2, hwcap_names
    hwcap_names(HWCAP)      # ['swp', 'half', 'thumb', ...]
"""

# ---- every bit Linux defines (name -> value) -------------------------------
HWCAP_BITS = {
    "swp": 1 << 0,
    "half": 1 << 1,
    "thumb": 1 << 2,
    "26bit": 1 << 3,
    "fastmult": 1 << 4,
    "fpa": 1 << 5,
    "vfp": 1 << 6,
    "edsp": 1 << 7,
    "java": 1 << 8,
    "iwmmxt": 1 << 9,
    "crunch": 1 << 10,
    "thumbee": 1 << 11,
    "neon": 1 << 12,
    "vfpv3": 1 << 13,
    "vfpv3d16": 1 << 14,
    "tls": 1 << 15,
    "vfpv4": 1 << 16,
    "idiva": 1 << 17,
    "idivt": 1 << 18,
    "vfpd32": 1 << 19,
    "lpae": 1 << 20,
    "evtstrm": 1 << 21,
    "fphp": 1 << 22,
    "asimdhp": 1 << 23,
    "asimddp": 1 << 24,
    "asimdfhm": 1 << 25,
    "asimdbf16": 1 << 26,
    "i8mm": 1 << 27,
}

HWCAP2_BITS = {
    "aes": 1 << 0,
    "pmull": 1 << 1,
    "sha1": 1 << 2,
    "sha2": 1 << 3,
    "crc32": 1 << 4,
    "sb": 1 << 5,
    "ssbs": 1 << 6,
}

# ---- what pyqemu advertises: the one place to change ------------------------
# Not: lpae.  vfp*: VFPv4 with 32 D registers (docs/FLOATING_POINT.md).  neon:
# Advanced SIMD, which also makes glibc armhf's ifuncs pick __memcpy_neon and
# __memchr_neon (tests/guest_neon/neon_string.c).  idiva/idivt: SDIV/UDIV in A32
# and T32 (trans_mul.py).  tls: TPIDRURO (MRC p15) and the kuser get_tls helper.
ADVERTISED = ["swp", "half", "thumb", "fastmult", "vfp", "edsp", "neon", "vfpv3", "tls", "vfpv4",
              "idiva", "idivt", "vfpd32"]
ADVERTISED2: list = []

HWCAP = 0
for _n in ADVERTISED:
    HWCAP |= HWCAP_BITS[_n]
HWCAP2 = 0
for _n in ADVERTISED2:
    HWCAP2 |= HWCAP2_BITS[_n]


def hwcap_names(value: int, table: dict = HWCAP_BITS) -> list:
    """Names of the bits set in `value` (as in /proc/cpuinfo 'Features')."""
    return [n for n, b in table.items() if value & b]
