"""ARM Linux signal frames (arch/arm/kernel/signal.c), built on the guest
stack from the CPU state and read back by sigreturn / rt_sigreturn.

    struct sigframe    { struct ucontext uc; unsigned long retcode[2]; }   752 bytes
    struct rt_sigframe { siginfo_t info; struct sigframe sig; }            880 bytes

The ucontext holds the sigcontext (trap_no, error_code, oldmask, r0-r15,
cpsr, fault_address), the blocked mask and, in uc_regspace, the VFP block
(magic 0x56465001, size 288: d0-d31, fpscr, fpexc, fpinst, fpinst2) and a
zero end marker.  The offsets are checked against the cross toolchain's
<sys/ucontext.h> by the tests.

Usage::

    from usermode.signals.frame import setup_frame, restore_frame, FrameRequest
    setup_frame(proc, FrameRequest(sig=10, handler=h, flags=f, restorer=r, info=None,
                                   saved_mask=m, fault=(0, 0, 0)))
    ok = restore_frame(proc, rt=True)       # False: a bad frame (the caller forces SIGSEGV)
"""
from __future__ import annotations

import struct
TYPE_CHECKING = False           # typing only for annotations: importing it costs start-up time
if TYPE_CHECKING:
    from typing import Optional, Tuple

from .._record import Record
from ..memory import PROT_READ, PROT_WRITE, GuestFault
from ..translate.arm.cpu import TBFLAG_IT_SHIFT, TBFLAG_THUMB, cpsr_read, cpsr_write_flags
from .altstack import saved_altstack, signal_stack_top
from .siginfo import SIGINFO_SIZE
from .tables import (SA_ONSTACK, SA_RESTORER, SA_SIGINFO, SIGRETURN_CODES, SIGRETURN_PAGE_ADDR,
                     UNBLOCKABLE_MASK)

# ---------------------------------------------------------------- layout
UC_FLAGS, UC_LINK, UC_STACK, UC_MCONTEXT, UC_SIGMASK, UC_REGSPACE = 0, 4, 8, 20, 104, 232
UCONTEXT_SIZE = 744
SC_TRAP_NO, SC_ERROR_CODE, SC_OLDMASK, SC_R0 = 0, 4, 8, 12    # in uc_mcontext
SC_PC, SC_CPSR, SC_FAULT_ADDRESS = 12 + 4 * 15, 12 + 4 * 16, 12 + 4 * 17
SIGFRAME_SIZE = UCONTEXT_SIZE + 8                     # + retcode[2]
RT_SIGFRAME_SIZE = SIGINFO_SIZE + SIGFRAME_SIZE
VFP_MAGIC, VFP_STORAGE_SIZE = 0x56465001, 288
VFP_REGS, VFP_FPSCR, VFP_FPEXC = 8, 8 + 256, 8 + 264      # in the VFP block
UC_FLAGS_SIGFRAME = 0x5AC3C35A                            # "a value trap_no never has"

# CPSR
CPSR_T, CPSR_MODE_MASK, CPSR_USR, CPSR_I = 1 << 5, 0x1F, 0x10, 1 << 7
PSR_F_MASK = 0xFF000000                                   # NZCVQ, IT[1:0], J
CPSR_E = 1 << 9
FPEXC_EN = 1 << 30
FPSCR_LEN_STRIDE = 0x00370000


class FrameRequest(Record):
    _fields = ("sig", "handler", "flags", "restorer", "info", "saved_mask", "fault")

    def __init__(self, sig: int, handler: int, flags: int, restorer: int,
                 info: Optional[bytes],                 # ARM siginfo for SA_SIGINFO frames
                 saved_mask: int,                       # the mask sigreturn restores
                 fault: Tuple[int, int, int]):          # trap_no, error_code, fault address
        self.sig = sig
        self.handler = handler
        self.flags = flags
        self.restorer = restorer
        self.info = info
        self.saved_mask = saved_mask
        self.fault = fault


# ------------------------------------------------------------- FP state
def _fp_consts():
    from ..translate.arm import gen_vfp
    from ..translate.x86 import fp
    return gen_vfp, fp


def fpscr_get(cpu) -> int:
    """FPSCR as VMRS reads it: the stored word | the IEEE flags held in the
    guest MXCSR image (see translate/arm/gen_vfp.py and x86/fp.py)."""
    gen_vfp, fp = _fp_consts()
    mx = cpu.get(gen_vfp.HOST_FP_SLOT.name) ^ fp.MXCSR_DEFAULT
    return cpu.get("fpscr") | (mx & 1) | ((mx >> 1) & 0x1E)


def fpscr_set(cpu, v: int) -> None:
    """FPSCR = v, as VMSR does: the word, flags cleared in the MXCSR image,
    rounding mode copied to it."""
    gen_vfp, fp = _fp_consts()
    v &= gen_vfp.FPSCR_WRITABLE
    cpu.set("fpscr", v)
    rc = {0: 0, 1: 2, 2: 1, 3: 3}[(v >> gen_vfp.FPSCR_RMODE_SHIFT) & 3]
    slot = gen_vfp.HOST_FP_SLOT.name
    mx = (cpu.get(slot) ^ fp.MXCSR_DEFAULT) & ~(fp.MXCSR_FLAGS | fp.MXCSR_RC)
    cpu.set(slot, (mx | rc << 13) ^ fp.MXCSR_DEFAULT)


# ------------------------------------------------------------------ build
def _vfp_block(cpu) -> bytes:
    regs = b"".join(struct.pack("<Q", cpu.get("d", i)) for i in range(32))
    body = struct.pack("<II", VFP_MAGIC, VFP_STORAGE_SIZE) + regs
    body += struct.pack("<II", fpscr_get(cpu), 0)                   # fpscr, padding
    body += struct.pack("<III", FPEXC_EN, 0, 0)                     # fpexc, fpinst, fpinst2
    return body + bytes(VFP_STORAGE_SIZE - len(body))


def _ucontext(cpu, req: FrameRequest, rt: bool, stack: Tuple[int, int, int]) -> bytes:
    uc = bytearray(UCONTEXT_SIZE)
    struct.pack_into("<I", uc, UC_FLAGS, 0 if rt else UC_FLAGS_SIGFRAME)
    struct.pack_into("<IIiI", uc, UC_LINK, 0, *stack)
    trap_no, error_code, address = req.fault
    mc = UC_MCONTEXT
    struct.pack_into("<III", uc, mc, trap_no, error_code, req.saved_mask & 0xFFFFFFFF)
    regs = [cpu.get("r", i) for i in range(15)] + [cpu.get("pc") & 0xFFFFFFFF, cpsr_read(cpu)]
    struct.pack_into("<17I", uc, mc + SC_R0, *regs)
    struct.pack_into("<I", uc, mc + SC_FAULT_ADDRESS, address & 0xFFFFFFFF)
    struct.pack_into("<Q", uc, UC_SIGMASK, req.saved_mask)
    vfp = _vfp_block(cpu)
    uc[UC_REGSPACE:UC_REGSPACE + len(vfp)] = vfp
    return bytes(uc)                    # end marker: the zero word after the VFP block


def setup_frame(proc, req: FrameRequest) -> None:
    """Build the frame for handler `req.handler` and point the CPU at it
    (r0 = sig, r1/r2 = &info/&uc for SA_SIGINFO, sp, lr = the return code,
    pc, CPSR: flags cleared, T from the handler's bit 0, IT cleared).
    Raises GuestFault when the frame cannot be written."""
    cpu, mem = proc.cpu, proc.mem
    rt = bool(req.flags & SA_SIGINFO)
    size = RT_SIGFRAME_SIZE if rt else SIGFRAME_SIZE
    sp = cpu.get("r", 13)
    top = signal_stack_top(proc, sp, bool(req.flags & SA_ONSTACK))
    frame = (top - size) & ~7 & 0xFFFFFFFF
    if top < size or not mem.check(frame, size, PROT_WRITE):
        raise GuestFault(frame, True)
    if rt:
        stack = saved_altstack(proc, sp)
        sf = frame + SIGINFO_SIZE
        mem.write(frame, req.info or bytes(SIGINFO_SIZE))
        mem.write(sf, _ucontext(cpu, req, True, stack))
    else:
        sf = frame
        old = mem.read(sf + UC_LINK, 16)     # the kernel leaves uc_link, uc_stack alone
        mem.write(sf, _ucontext(cpu, req, False, (0, 0, 0)))
        mem.write(sf + UC_LINK, old)
    thumb = req.handler & 1
    if req.flags & SA_RESTORER:
        retcode = req.restorer
    else:
        idx = (thumb << 1) + (3 if rt else 0)
        mem.write(sf + UCONTEXT_SIZE, struct.pack("<II", *SIGRETURN_CODES[idx:idx + 2]))
        retcode = SIGRETURN_PAGE_ADDR + (idx << 2) + thumb
    cpsr = cpsr_read(cpu) & ~PSR_F_MASK & ~CPSR_E
    cpsr_write_flags(cpu, cpsr)
    cpu.set("r", 0, req.sig)
    if rt:
        cpu.set("r", 1, frame)
        cpu.set("r", 2, sf)
    cpu.set("r", 13, frame)
    cpu.set("r", 14, retcode)
    cpu.set("pc", req.handler & (~1 if thumb else ~3) & 0xFFFFFFFF)
    cpu.set("tb_flags", TBFLAG_THUMB if thumb else 0)
    fpscr = fpscr_get(cpu)
    if fpscr & FPSCR_LEN_STRIDE:
        fpscr_set(cpu, fpscr & ~FPSCR_LEN_STRIDE)


# ---------------------------------------------------------------- restore
class Restored(Record):
    _fields = ("mask", "stack")

    def __init__(self, mask: int, stack: Optional[Tuple[int, int, int]]):  # uc_stack (rt frame)
        self.mask = mask
        self.stack = stack


def restore_frame(proc, rt: bool) -> Optional[Restored]:
    """sigreturn / rt_sigreturn: load the CPU state from the frame at sp.
    Returns None for a bad frame (misaligned, unreadable, a CPSR that is not
    user mode, a bad VFP block); the blocked mask is restored even then, as
    the kernel does, and returned in .mask otherwise."""
    cpu, mem = proc.cpu, proc.mem
    sp = cpu.get("r", 13)
    if sp & 7:
        return None
    sf = sp + SIGINFO_SIZE if rt else sp
    try:
        if not mem.check(sp, RT_SIGFRAME_SIZE if rt else SIGFRAME_SIZE, PROT_READ):
            return None
        uc = mem.read(sf, UCONTEXT_SIZE)
    except GuestFault:
        return None
    mask = struct.unpack_from("<Q", uc, UC_SIGMASK)[0] & ~UNBLOCKABLE_MASK
    from ..syscalls.state import state_of
    state_of(proc).sigmask = mask
    regs = struct.unpack_from("<17I", uc, UC_MCONTEXT + SC_R0)
    cpsr = regs[16]
    for i in range(15):
        cpu.set("r", i, regs[i])
    # valid_user_regs(): anything but user mode with IRQs on is a bad frame
    bad = bool(cpsr & CPSR_I) or (cpsr & CPSR_MODE_MASK) != CPSR_USR
    thumb = bool(cpsr & CPSR_T)
    cpsr_write_flags(cpu, cpsr)
    it = ((cpsr >> 25) & 3) | ((cpsr >> 10) & 0x3F) << 2
    cpu.set("tb_flags", (TBFLAG_THUMB if thumb else 0) | (it << TBFLAG_IT_SHIFT))
    cpu.set("pc", regs[15] & (~1 if thumb else ~3) & 0xFFFFFFFF)
    magic, size = struct.unpack_from("<II", uc, UC_REGSPACE)
    if bad or magic != VFP_MAGIC or size != VFP_STORAGE_SIZE:
        return None
    for i in range(32):
        cpu.set("d", i, struct.unpack_from("<Q", uc, UC_REGSPACE + VFP_REGS + 8 * i)[0])
    fpscr_set(cpu, struct.unpack_from("<I", uc, UC_REGSPACE + VFP_FPSCR)[0])
    stack = struct.unpack_from("<IiI", uc, UC_STACK) if rt else None
    return Restored(mask, stack)
