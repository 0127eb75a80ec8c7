"""ELF auxiliary vector tags (include/uapi/linux/auxvec.h) and helpers.

Usage::

    from usermode.loader.auxv import AT, AT_NAMES, pack_auxv
    AT["AT_PAGESZ"]                 # 6
    AT_NAMES[6]                     # 'AT_PAGESZ'
    pack_auxv({6: 4096})            # little-endian words, AT_NULL-terminated
"""
import struct

AT = {
    "AT_NULL": 0,
    "AT_IGNORE": 1,
    "AT_EXECFD": 2,
    "AT_PHDR": 3,
    "AT_PHENT": 4,
    "AT_PHNUM": 5,
    "AT_PAGESZ": 6,
    "AT_BASE": 7,
    "AT_FLAGS": 8,
    "AT_ENTRY": 9,
    "AT_NOTELF": 10,
    "AT_UID": 11,
    "AT_EUID": 12,
    "AT_GID": 13,
    "AT_EGID": 14,
    "AT_PLATFORM": 15,
    "AT_HWCAP": 16,
    "AT_CLKTCK": 17,
    "AT_SECURE": 23,
    "AT_BASE_PLATFORM": 24,
    "AT_RANDOM": 25,
    "AT_HWCAP2": 26,
    "AT_EXECFN": 31,
    "AT_SYSINFO_EHDR": 33,
    "AT_MINSIGSTKSZ": 51,
}
AT_NAMES = {v: k for k, v in AT.items()}
globals().update(AT)          # AT_PHDR etc. as module constants


def pack_auxv(auxv: dict) -> bytes:
    """The auxiliary vector as the guest sees it (pairs of u32, then AT_NULL)."""
    out = b"".join(struct.pack("<II", k, v & 0xFFFFFFFF) for k, v in auxv.items()
                   if k != 0)
    return out + struct.pack("<II", 0, 0)
