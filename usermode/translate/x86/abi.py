"""The numbers generated code and the native runtime agree on, importable
without the code generator (a run served by the translation cache loads no
encoder): the stub's frame and the guest's MXCSR encoding.

Usage::

    from usermode.translate.x86 import abi
    lib.rt_set_fp_frame(abi.FP_FRAME_OFFSET, abi.MXCSR_DEFAULT)
"""
MAX_TEMP_SLOTS = 1024                 # 8-byte temp spill slots at [rsp]
FRAME_SIZE = 8 * MAX_TEMP_SLOTS + 8   # 8 mod 16: rsp 16-aligned after the stub's 6 pushes
FP_FRAME_OFFSET = 8 * MAX_TEMP_SLOTS  # [rsp + this]: host MXCSR, guest FP slot offset
MXCSR_DEFAULT = 0x1F80                # the guest slot holds MXCSR ^ this (0 = default)
MXCSR_FLAGS, MXCSR_RC = 0x3F, 0x6000  # exception flag bits, rounding-control field
