"""The execution engine: translate on demand, run natively, serve exits.

Python is entered only when the native dispatcher (runtime.c: rt_cpu_exec)
returns: a block is missing (translate it), a system call, an exception, or
a host signal to hand to the guest (the runtime's handler set exit_request).
Steady-state execution (block to block, chained or looked up) stays native.

Two translation tiers: a block is first translated quickly (no optimizer)
with code that counts its entries; when it has been entered PYQEMU_HOT times
(10000 by default) it returns EXIT_HOT and `translate_hot` translates it
again, optimized, and retires the quick one.

Exceptions become guest signals with the CPU state of the faulting
instruction (pc and tb_flags recovered from the block's insn map; registers
are in memory at every instruction boundary): SIGSEGV/SIGBUS for faults,
SIGILL for undefined instructions, SIGTRAP for BKPT.  A write to a page
holding translated code (write-protected on the host) invalidates that
code; if the running block itself was hit, the writing instruction is run
again alone (EXCP_SMC).  A host system call that a signal made restartable
returns -512 (ERESTARTSYS): the guest's SVC is then run again after the
handler.

Threads (usermode/threads.py): every guest thread has its own Engine
(``for_thread``: own CPU state and signal state, shared code generator and
block map) running ``run_thread`` on its own host thread; translation,
invalidation and flushes hold TB_LOCK, and a flush is an exclusive section.

Usage::

    engine = Engine(proc)           # proc: a loaded usermode.process.GuestProcess
    status = engine.run()           # returns the guest's exit status, or kills
                                    # this process by the guest's fatal signal
"""
from __future__ import annotations

import _bisect as bisect      # the C functions: the bisect module costs start-up time
import os
try:                        # the C lock RLock() returns, without importing
    from _thread import RLock   # threading (~5 ms of start-up)
except ImportError:         # pragma: no cover - not CPython
    from threading import RLock
TYPE_CHECKING = False           # typing only for annotations: importing it costs start-up time
if TYPE_CHECKING:
    from typing import Dict, List, Optional, Tuple

from . import _runtime, tcache
from .cpustate import (EXCP_BREAK, EXCP_EXEC_FAULT, EXCP_FAULT, EXCP_UNDEF)
from .ir import EXIT_EXCEPTION, EXIT_HALT, EXIT_HOT, EXIT_SYSCALL
from .optimize_entry import enabled as optimizer_enabled
from ..memory import PAGE_VALID, PROT_EXEC, PROT_READ, GuestFault
from ..process import GuestExit
from ..signals import signals_of
from ..signals.deliver import die_by_signal  # noqa: F401  (callers used it from here)
from ..signals.siginfo import make_guest
from ..signals.tables import (FSR_OF_SI_CODE, FSR_WNR, ILL_ILLOPC, SEGV_ACCERR, SEGV_MAPERR,
                              SIGILL, SIGSEGV, SIGTRAP, TRAP_BRKPT, TRAP_DATA_ABORT,
                              TRAP_UNDEF)

ffi, lib = _runtime.ffi, _runtime.lib

RT_NEED_TRANSLATE = 16
RT_EXIT_INTERRUPT = 17          # runtime.c: exit_request was set (a host signal)
RT_CACHED_FULL = -1             # runtime.c: rt_tb_install_cached found the code buffer full
EXCP_SMC = 32                   # runtime.c: the running block wrote to its own page
TB_CF_SINGLE = 1
TB_CF_QUICK = 2                 # runtime.h: a quick block (first tier), counts its entries
# PYQEMU_HOT: entries of a quick block before it is translated again,
# optimized (0: no quick tier, every block is optimized at once)
HOT_THRESHOLD_DEFAULT = 10000
# PYQEMU_CODE_BUFFER_KB: a smaller code buffer (tests of the flush path)
CODE_BUFFER_SIZE = int(os.environ.get("PYQEMU_CODE_BUFFER_KB", 256 << 10)) << 10

RESTART_R0 = (-512) & 0xFFFFFFFF    # rt_syscall's -ERESTARTSYS, as the guest's r0
FORK_NRS = (2, 120, 190)            # fork, clone, vfork: the child gets r0 = 0
FSR_LNX_PF = 1 << 31                # arch/arm: "prefetch abort" marker in error_code
# guest syscall arguments that point this far into a write-protected code page
# make it writable again before the host kernel writes there
SYSCALL_BUFFER_WINDOW = 64 << 10

_runtime_ready = False
_epilogue_addr = 0              # the stub's epilogue, where untaken exits return
# Held while translating, committing, invalidating or flushing: the code
# generator, the code buffer and `blocks` are shared by all guest threads.
# Lookups (in C) take no lock.
TB_LOCK = RLock()
# the process's code generator ("codegen"), made on first use; "flushes": how
# many times the code buffer was flushed (every TB pointer freed)
_state: Dict[str, object] = {"flushes": 0}


def hot_threshold() -> int:
    """Entries of a quick block before it is optimized (PYQEMU_HOT; 0 when
    there is no quick tier: PYQEMU_HOT=0, or the optimizer is off)."""
    if not optimizer_enabled():
        return 0
    v = os.environ.get("PYQEMU_HOT", "")
    try:
        n = int(v) if v else HOT_THRESHOLD_DEFAULT
    except ValueError:
        n = HOT_THRESHOLD_DEFAULT
    return min(max(n, 0), 0xFFFFFFFF)


class Frontend:
    """What the engine needs from a guest ISA (see frontend_for)."""

    def __init__(self, arch: str):
        if arch != "arm":
            raise ValueError(f"no front end for {arch}")
        self.arch = arch
        from .arm.runtime_config import configure_runtime
        configure_runtime()             # before any code runs, cached or not

    def translate_block(self, *args, **kw):
        # imported on first use: a run served by the translation cache never decodes
        from .arm import translate as arm_translate
        self.translate_block = arm_translate.translate_block
        return arm_translate.translate_block(*args, **kw)

    def disassemble(self, code: bytes, addr: int, thumb: bool) -> List[Tuple[int, str, str]]:
        import capstone
        md = capstone.Cs(capstone.CS_ARCH_ARM,
                         capstone.CS_MODE_THUMB if thumb else capstone.CS_MODE_ARM)
        return [(i.address, i.mnemonic, i.op_str) for i in md.disasm(code, addr)]


def _init_runtime() -> None:
    """Allocate the code buffer and install the entry/exit stub at its start
    (its code comes from the translation cache when warm: no code generator)."""
    global _runtime_ready, _epilogue_addr
    if _runtime_ready:
        return
    if lib.rt_code_init(CODE_BUFFER_SIZE) < 0:
        raise MemoryError("cannot allocate the code buffer")
    code_addr = int(ffi.cast("uintptr_t", lib.rt_code_ptr()))
    tc = tcache.get()
    stub = tc.stub() if tc is not None else None
    if stub is None:
        from .x86.codegen import gen_stub
        s = gen_stub(code_addr)
        if tc is not None:
            tc.store_stub(s)
        stub = (s.code, s.prologue, s.ret0, s.epilogue)
    code, prologue, ret0, epilogue = stub
    p = lib.rt_install_stub(code, len(code))
    base = int(ffi.cast("uintptr_t", p))
    assert base == code_addr
    lib.rt_set_entry(ffi.cast("uint8_t *", base + prologue),
                     ffi.cast("uint8_t *", base + ret0))
    _epilogue_addr = base + epilogue
    lib.rt_install_fault_handler()
    _runtime_ready = True


def _set_hot_threshold() -> bool:
    """Give the runtime the quick tier's threshold; whether there is a quick tier."""
    n = hot_threshold()
    lib.rt_set_hot_threshold(n)
    return n > 0


class Engine:
    def __init__(self, proc, frontend: Optional[Frontend] = None):
        self.proc = proc
        self.mem = proc.mem
        self.cpu = proc.cpu
        self.frontend = frontend or Frontend(proc.arch)
        _init_runtime()
        self.env = self.cpu.ptr
        # host code start -> (TB pointer, insn_map, tb_flags per insn) for fault
        # mapping and logs; a block from the translation cache: (None, its record
        # body, None) until needed
        self.blocks: Dict[int, Tuple[object, List[Tuple[int, int]], List[int]]] = {}
        self.signals = signals_of(proc)
        self.log_items = set(proc.options.log_items)
        self.log = proc.log
        self.max_insns = 1 if proc.options.singlestep else None
        self.ntranslated = 0
        self.nhot = 0                   # quick blocks translated again, optimized
        # blocks are taken from the translation cache here, before any decoding,
        # unless a log wants the IR or the guest code (the front end then serves them)
        self.tcache = None if self.log_items or self.max_insns else tcache.get()
        # translation tiers: new blocks are quick (translated without the
        # optimizer, counting their entries), hot ones are translated again
        self.tiered = not self.max_insns and _set_hot_threshold()
        proc.engine = self

    @property
    def codegen(self):
        """The code generator, created on first use (a warm run may need none)."""
        cg = _state.get("codegen")
        if cg is None:
            from .x86.codegen import CodeGen
            cg = _state["codegen"] = CodeGen()
            cg.set_epilogue(_epilogue_addr)
        return cg

    # ---- translation --------------------------------------------------------------
    def _read_code(self, addr: int, n: int) -> bytes:
        if not self.mem.check(addr, n, PROT_EXEC | PROT_READ):
            raise GuestFault(addr)
        return self.mem.read(addr, n)

    def translate(self, pc: int, flags: int, single: bool = False) -> None:
        """Translate and commit the block at (pc, flags); `single`: one insn
        only, allowed to write to its own page (see EXCP_SMC)."""
        with TB_LOCK:
            if not single and lib.rt_tb_lookup(pc, flags) != ffi.NULL:
                return                  # another thread got there first
            self._translate(pc, flags, single)

    def _translate(self, pc: int, flags: int, single: bool, hot: bool = False) -> None:
        """Translate (pc, flags): a quick block (see `tiered`) unless single
        or hot (translated again because its quick block became hot)."""
        tc = self.tcache
        kw = {}
        if tc is not None and not single:
            body = tc.lookup_body(pc, flags, self._read_code, optimized_only=hot)
            if body is not None and self._commit_cached(tc, body):
                return
            kw["lookup"] = False
        if hot:
            kw["lookup"] = False        # (the front end's own lookup may find a quick one)
        quick = self.tiered and not single and not hot
        max_insns = 1 if single else self.max_insns
        if max_insns:
            kw["max_insns"] = max_insns
        blk = self.frontend.translate_block(self._read_code, pc, flags, **kw)
        self.ntranslated += len(blk.insns)
        if blk.insns:
            lib.rt_code_protect(pc, blk.end)         # writes there now invalidate it
        codegen = self.codegen
        for attempt in range(2):
            tb = lib.rt_tb_alloc(pc, flags)
            code_addr = int(ffi.cast("uintptr_t", lib.rt_code_ptr()))
            res = codegen.gen_block(blk.ir.ops, blk.ir.ntemps, code_addr,
                                    int(ffi.cast("uintptr_t", tb)), quick)
            tb.cflags = (TB_CF_SINGLE if single else 0) | (TB_CF_QUICK if res.quick else 0)
            ji = [0xFFFFFFFF if x is None else x for x in res.jmp_insn]
            jr = [0 if x is None else x for x in res.jmp_reset]
            if lib.rt_tb_commit(tb, res.code, len(res.code), ji[0], jr[0], ji[1], jr[1],
                                blk.end) == 0:
                break
            # code buffer full: start afresh
            self.flush()
        else:
            raise MemoryError("translated block does not fit the code buffer")
        insn_flags = getattr(blk, "insn_flags", None) or [flags] * len(res.insn_map)
        self.blocks[code_addr] = (tb, res.insn_map, insn_flags)
        if self.log_items:
            self._log_block(blk, res, code_addr)

    def _commit_cached(self, tc, body: bytes) -> bool:
        """Install a checked record body of the persistent translation cache
        (the runtime copies, relocates and commits it); False if it cannot be."""
        for attempt in range(2):
            addr = lib.rt_tb_install_cached(body, len(body), tc.so_base, _epilogue_addr)
            if addr > 0:
                self.ntranslated += tcache.insns_of(body)
                self.blocks[addr] = (None, body, None)      # insn map: unpacked if needed
                return True
            if addr != RT_CACHED_FULL:
                return False
            self.flush()
        raise MemoryError("translated block does not fit the code buffer")

    def translate_hot(self) -> None:
        """EXIT_HOT: the quick block at (env.pc, env.tb_flags) was entered
        often enough: translate it again, optimized, and retire the quick one."""
        pc, flags = self.env.pc, self.env.tb_flags
        with TB_LOCK:
            old = lib.rt_tb_lookup(pc, flags)
            if old == ffi.NULL or not old.cflags & TB_CF_QUICK:
                return                  # gone, or another thread got there first
            flushes = _state["flushes"]
            self._translate(pc, flags, False, hot=True)
            self.nhot += 1
            if _state["flushes"] == flushes:        # else old was freed by the flush
                lib.rt_tb_retire(old)

    def flush(self) -> None:
        """Forget every translation and reuse the code buffer from its start,
        with every other guest thread out of translated code (an exclusive
        section: they wait at rt_cpu_exec's entry until it ends)."""
        from ..threads import other_envs
        with TB_LOCK:
            lib.rt_exclusive_request()
            for env in other_envs(self.proc):
                env.exit_request = 1
            lib.rt_exclusive_wait()
            try:
                lib.rt_tb_flush()
                _state["flushes"] += 1
                lib.rt_code_unprotect(0, 1 << 32, 1)
                self.blocks.clear()
            finally:
                lib.rt_exclusive_end()

    def invalidate(self, start: int, end: int) -> None:
        """Forget the code translated from [start, end) (cacheflush, and after
        mmap/munmap/mprotect, which also reset the host protection there)."""
        with TB_LOCK:
            lib.rt_tb_invalidate_range(start, end)
            lib.rt_code_unprotect(start, end, 1)

    # ---- threads -----------------------------------------------------------------
    def for_thread(self, tproc) -> "Engine":
        """The engine of a new guest thread (usermode/threads.py): its own CPU
        state and signal state; code generator and block map shared."""
        e = Engine.__new__(Engine)
        e.__dict__.update(self.__dict__)
        e.proc, e.cpu, e.env = tproc, tproc.cpu, tproc.cpu.ptr
        e.signals = signals_of(tproc)
        e.ntranslated = e.nhot = 0
        tproc.engine = e
        return e

    def run_thread(self) -> None:
        """A guest thread's loop (ThreadExit / GuestExit end it)."""
        self.signals.start_thread()
        self.signals.process()
        self._loop()

    # ---- exits -------------------------------------------------------------------
    def run(self) -> int:
        self.signals.start()
        self.signals.process()
        try:
            self._loop()
        except GuestExit as e:
            return e.status

    def _loop(self) -> None:
        env = self.env
        while True:
            r = lib.rt_cpu_exec(env)
            if r == RT_NEED_TRANSLATE:
                self.translate(env.pc, env.tb_flags)
            elif r == EXIT_SYSCALL:
                self.syscall()
            elif r == EXIT_EXCEPTION:
                self.handle_exception()
            elif r == RT_EXIT_INTERRUPT:
                self.signals.process()
            elif r == EXIT_HOT:
                self.translate_hot()
            elif r == EXIT_HALT:
                continue
            else:
                raise RuntimeError(f"dispatcher returned {r}")

    def syscall(self) -> None:
        """SVC: the system call, its restart if a signal cut it short before it
        began (the SVC runs again after the handler), then pending signals."""
        from ..syscalls import do_syscall
        cpu, env, sg = self.cpu, self.env, self.signals
        r0, nr = cpu.get("r", 0), cpu.get("r", 7)
        if lib.rt_code_protected_pages():
            args = ffi.new("uint32_t[6]", [cpu.get("r", i) for i in range(6)])
            lib.rt_code_unprotect_near(args, 6, SYSCALL_BUFFER_WINDOW)
        do_syscall(self.proc)
        result = cpu.get("r", 0)
        if sg.no_restart:
            sg.no_restart = False                       # sigreturn: r0 is restored state
        elif result == RESTART_R0:
            cpu.set("r", 0, r0)
            cpu.set("pc", cpu.get("pc") - (2 if env.tb_flags & 1 else 4))
        elif result == 0 and nr in FORK_NRS:
            sg.after_fork_child()
        if env.exit_request or sg.pending:
            sg.process()

    # ---- faults ------------------------------------------------------------------
    def _block_of_host(self, host_pc: int):
        tb = lib.rt_tb_find_host_pc(host_pc)
        if tb == ffi.NULL:
            return None, None
        return tb, self.blocks.get(int(ffi.cast("uintptr_t", tb.tc)))

    def guest_state_of_host(self, host_pc: int) -> Optional[Tuple[int, int]]:
        """(guest pc, tb_flags) of the instruction whose code holds host_pc."""
        tb, entry = self._block_of_host(host_pc)
        if tb is None:
            return None
        if entry is None or not entry[1]:
            return int(tb.pc), int(tb.flags)
        insn_map, insn_flags = entry[1], entry[2]
        if insn_flags is None:                      # a cached block's record body
            e = tcache.Entry.unpack(insn_map)
            insn_map, insn_flags = e.insn_map, e.insn_flags
        off = host_pc - int(ffi.cast("uintptr_t", tb.tc))
        i = max(bisect.bisect_right([h for h, _ in insn_map], off) - 1, 0)
        return insn_map[i][1], insn_flags[i] if i < len(insn_flags) else int(tb.flags)

    def guest_pc_of_host(self, host_pc: int) -> Optional[int]:
        st = self.guest_state_of_host(host_pc)
        return None if st is None else st[0]

    def _to_faulting_insn(self) -> None:
        st = self.guest_state_of_host(self.env.host_pc)
        if st is not None:
            self.env.pc, self.env.tb_flags = st

    def _access_code(self, addr: int) -> int:
        return SEGV_ACCERR if self.mem.prot_of(addr) & PAGE_VALID else SEGV_MAPERR

    def handle_exception(self) -> None:
        """A guest exception: the signal it raises, delivered at once."""
        env, sg = self.env, self.signals
        excp = env.exception
        if excp == EXCP_SMC:
            self._to_faulting_insn()
            self.translate(env.pc, env.tb_flags, single=True)
            return
        if excp == EXCP_FAULT:
            self._to_faulting_insn()
            addr = env.exc_arg & 0xFFFFFFFF
            sig = env.fault_signo or SIGSEGV
            code = self._access_code(addr) if sig == SIGSEGV else env.fault_code
            fsr = FSR_OF_SI_CODE.get(code, 0) | (FSR_WNR if env.exc_arg2 & 1 else 0)
            sg.force(sig, make_guest(sig, 0, code, addr=addr), (TRAP_DATA_ABORT, fsr, addr))
        elif excp == EXCP_EXEC_FAULT:
            addr = env.exc_arg & 0xFFFFFFFF
            code = self._access_code(addr)
            sg.force(SIGSEGV, make_guest(SIGSEGV, 0, code, addr=addr),
                     (TRAP_DATA_ABORT, FSR_OF_SI_CODE[code] | FSR_LNX_PF, addr))
        elif excp == EXCP_UNDEF:
            pc = env.pc & 0xFFFFFFFF
            sg.force(SIGILL, make_guest(SIGILL, 0, ILL_ILLOPC, addr=pc),
                     (TRAP_UNDEF, 0, sg.fault[2]), _undef_text(env))
        elif excp == EXCP_BREAK:
            pc = env.pc & 0xFFFFFFFF
            sg.force(SIGTRAP, make_guest(SIGTRAP, 0, TRAP_BRKPT, addr=pc))
        else:
            raise RuntimeError(f"unknown exception {excp}")
        sg.process()

    # ---- logging -----------------------------------------------------------------
    def _log_block(self, blk, res, code_addr: int) -> None:
        out = self.log
        if "in_asm" in self.log_items:
            out.write("----------------\nIN: \n")
            thumb = bool(blk.flags & 1)
            codes = []
            for pc, enc, size in blk.insns:
                raw = enc.to_bytes(4, "big") if size == 4 and thumb else None
                codes.append((raw[:2][::-1] + raw[2:][::-1]) if raw else enc.to_bytes(size, "little"))
            # the block's instructions in one pass, as qemu does, so that capstone
            # follows an IT block and prints the conditions it gives
            dis = {}
            if blk.insns and all(blk.insns[i][0] + blk.insns[i][2] == blk.insns[i + 1][0]
                                 for i in range(len(blk.insns) - 1)):
                dis = {a: (m, o) for a, m, o in
                       self.frontend.disassemble(b"".join(codes), blk.insns[0][0], thumb)}
            for (pc, enc, size), code in zip(blk.insns, codes):
                if pc not in dis:
                    dis.update((a, (m, o)) for a, m, o in self.frontend.disassemble(code, pc, thumb))
                # qemu's layout (disas/capstone.c): the encoding in a column as
                # wide as the longest one, then "%-8s %s" mnemonic and operands
                text = f"{dis[pc][0]:<8} {dis[pc][1]}" if pc in dis else "<undefined>"
                hexenc = (f"{enc >> 16:04x} {enc & 0xFFFF:04x}" if thumb and size == 4
                          else f"{enc:0{size * 2}x}")
                out.write(f"0x{pc:08x}:  {hexenc:<{9 if thumb else 8}}  {text}\n")
            out.write("\n")
        if "op" in self.log_items:
            out.write(f"OP:\n{blk.ir.dump()}\n\n")
        if "out_asm" in self.log_items:
            out.write(f"OUT: [size={len(res.code)}]\n")
            for line in self.codegen.disassemble(res.code, code_addr):
                out.write(f"  {line}\n")
            out.write("\n")
        out.flush()


def _undef_text(env) -> str:
    thumb = env.tb_flags & 1
    enc = env.exc_arg2
    width = 4 if (not thumb or enc > 0xFFFF) else 2
    text = (f"{enc >> 16:04x} {enc & 0xFFFF:04x}" if thumb and width == 4
            else f"{enc:0{width * 2}x}")
    kind = "T32" if width == 4 and thumb else "T16" if thumb else "A32"
    return f"undefined instruction {text} ({kind}) at pc {env.pc:#010x}"
