"""The execution engine: translate on demand, run natively, serve exits.

Python is entered only when the native dispatcher (runtime.c: rt_cpu_exec)
returns: a block is missing (translate it), a system call, or an exception.
Steady-state execution (block to block, chained or looked up) stays native.

Usage::

    engine = Engine(proc)           # proc: a loaded usermode.process.GuestProcess
    status = engine.run()           # returns the guest's exit status, or kills
                                    # this process by the guest's fatal signal
"""
from __future__ import annotations

import bisect
import os
import signal
import sys
from typing import Dict, List, Optional, Tuple

from . import _runtime
from .cpustate import (EXCP_BREAK, EXCP_EXEC_FAULT, EXCP_FAULT, EXCP_UNDEF)
from .ir import EXIT_EXCEPTION, EXIT_HALT, EXIT_SYSCALL
from ..memory import PROT_EXEC, PROT_READ, GuestFault
from ..process import GuestExit

ffi, lib = _runtime.ffi, _runtime.lib

RT_NEED_TRANSLATE = 16
CODE_BUFFER_SIZE = 256 << 20

SIGNAL_NAMES = {
    signal.SIGSEGV: "Segmentation fault", signal.SIGILL: "Illegal instruction",
    signal.SIGTRAP: "Trace/breakpoint trap", signal.SIGBUS: "Bus error",
    signal.SIGFPE: "Floating point exception", signal.SIGABRT: "Aborted",
}

_runtime_ready = False


class Frontend:
    """What the engine needs from a guest ISA (see frontend_for)."""

    def __init__(self, arch: str):
        if arch != "arm":
            raise ValueError(f"no front end for {arch}")
        from .arm import translate as arm_translate
        self.translate_block = arm_translate.translate_block
        self.arch = arch

    def disassemble(self, code: bytes, addr: int, thumb: bool) -> List[Tuple[int, str, str]]:
        import capstone
        md = capstone.Cs(capstone.CS_ARCH_ARM,
                         capstone.CS_MODE_THUMB if thumb else capstone.CS_MODE_ARM)
        return [(i.address, i.mnemonic, i.op_str) for i in md.disasm(code, addr)]


def _init_runtime(codegen) -> None:
    global _runtime_ready
    if _runtime_ready:
        return
    if lib.rt_code_init(CODE_BUFFER_SIZE) < 0:
        raise MemoryError("cannot allocate the code buffer")
    code_addr = int(ffi.cast("uintptr_t", lib.rt_code_ptr()))
    stub = codegen.gen_prologue(code_addr)
    p = lib.rt_install_stub(stub.code, len(stub.code))
    base = int(ffi.cast("uintptr_t", p))
    assert base == code_addr
    lib.rt_set_entry(ffi.cast("uint8_t *", base + stub.prologue),
                     ffi.cast("uint8_t *", base + stub.ret0))
    codegen.set_epilogue(base + stub.epilogue)
    lib.rt_install_fault_handler()
    _runtime_ready = True


class Engine:
    def __init__(self, proc, frontend: Optional[Frontend] = None):
        from .x86.codegen import CodeGen
        self.proc = proc
        self.mem = proc.mem
        self.cpu = proc.cpu
        self.frontend = frontend or Frontend(proc.arch)
        self.codegen = CodeGen()
        _init_runtime(self.codegen)
        self.env = self.cpu.ptr
        # host code start -> (TB pointer, insn_map) for fault mapping and logs
        self.blocks: Dict[int, Tuple[object, List[Tuple[int, int]]]] = {}
        self.log_items = set(proc.options.log_items)
        self.log = proc.log
        self.max_insns = 1 if proc.options.singlestep else None
        self.ntranslated = 0
        proc.engine = self

    # ---- translation --------------------------------------------------------------
    def _read_code(self, addr: int, n: int) -> bytes:
        if not self.mem.check(addr, n, PROT_EXEC | PROT_READ):
            raise GuestFault(addr)
        return self.mem.read(addr, n)

    def translate(self, pc: int, flags: int) -> None:
        kw = {"max_insns": self.max_insns} if self.max_insns else {}
        blk = self.frontend.translate_block(self._read_code, pc, flags, **kw)
        self.ntranslated += len(blk.insns)
        for attempt in range(2):
            tb = lib.rt_tb_alloc(pc, flags)
            code_addr = int(ffi.cast("uintptr_t", lib.rt_code_ptr()))
            res = self.codegen.gen_block(blk.ir.ops, blk.ir.ntemps, code_addr,
                                         int(ffi.cast("uintptr_t", tb)))
            ji = [0xFFFFFFFF if x is None else x for x in res.jmp_insn]
            jr = [0 if x is None else x for x in res.jmp_reset]
            if lib.rt_tb_commit(tb, res.code, len(res.code), ji[0], jr[0], ji[1], jr[1],
                                blk.end) == 0:
                break
            # code buffer full: start afresh
            self.flush()
        else:
            raise MemoryError("translated block does not fit the code buffer")
        self.blocks[code_addr] = (tb, res.insn_map)
        if self.log_items:
            self._log_block(blk, res, code_addr)

    def flush(self) -> None:
        lib.rt_tb_flush()
        self.blocks.clear()

    def invalidate(self, start: int, end: int) -> None:
        lib.rt_tb_invalidate_range(start, end)

    # ---- exits -------------------------------------------------------------------
    def run(self) -> int:
        env = self.env
        proc = self.proc
        from ..syscalls import do_syscall
        try:
            while True:
                r = lib.rt_cpu_exec(env)
                if r == RT_NEED_TRANSLATE:
                    self.translate(env.pc, env.tb_flags)
                elif r == EXIT_SYSCALL:
                    do_syscall(proc)
                elif r == EXIT_EXCEPTION:
                    self.handle_exception()
                elif r == EXIT_HALT:
                    continue
                else:
                    raise RuntimeError(f"dispatcher returned {r}")
        except GuestExit as e:
            return e.status

    def guest_pc_of_host(self, host_pc: int) -> Optional[int]:
        tb = lib.rt_tb_find_host_pc(host_pc)
        if tb == ffi.NULL:
            return None
        start = int(ffi.cast("uintptr_t", tb.tc))
        entry = self.blocks.get(start)
        if entry is None:
            return int(tb.pc)
        insn_map = entry[1]
        off = host_pc - start
        i = bisect.bisect_right([h for h, _ in insn_map], off) - 1
        return insn_map[max(i, 0)][1] if insn_map else int(tb.pc)

    def handle_exception(self) -> None:
        env = self.env
        excp = env.exception
        if excp == EXCP_FAULT:
            pc = self.guest_pc_of_host(env.host_pc)
            if pc is not None:
                env.pc = pc
            sig = env.fault_signo or signal.SIGSEGV
            self.deliver_fatal(sig, f"fault at {env.exc_arg:#010x} (pc {env.pc:#010x})")
        elif excp == EXCP_EXEC_FAULT:
            self.deliver_fatal(signal.SIGSEGV, f"instruction fetch at {env.exc_arg:#010x}")
        elif excp == EXCP_UNDEF:
            thumb = env.tb_flags & 1
            enc = env.exc_arg2
            width = 4 if (not thumb or enc > 0xFFFF) else 2
            text = (f"{enc >> 16:04x} {enc & 0xFFFF:04x}" if thumb and width == 4
                    else f"{enc:0{width * 2}x}")
            sys.stderr.write(f"pyqemu-arm: undefined instruction {text} "
                             f"({'T32' if width == 4 and thumb else 'T16' if thumb else 'A32'}) "
                             f"at pc {env.pc:#010x}\n")
            self.deliver_fatal(signal.SIGILL)
        elif excp == EXCP_BREAK:
            self.deliver_fatal(signal.SIGTRAP)
        else:
            raise RuntimeError(f"unknown exception {excp}")

    def deliver_fatal(self, sig: int, detail: str = "") -> None:
        """No guest handlers yet (signals issue): the default action, i.e. die
        by that very signal, as qemu-user does, after saying so on stderr."""
        name = SIGNAL_NAMES.get(sig, f"signal {sig}")
        sys.stderr.write(f"pyqemu-arm: uncaught target signal {sig} ({name}) - core dumped\n")
        die_by_signal(sig)

    # ---- logging -----------------------------------------------------------------
    def _log_block(self, blk, res, code_addr: int) -> None:
        out = self.log
        if "in_asm" in self.log_items:
            out.write("----------------\nIN: \n")
            thumb = bool(blk.flags & 1)
            for pc, enc, size in blk.insns:
                raw = enc.to_bytes(4, "big") if size == 4 and thumb else None
                code = (raw[:2][::-1] + raw[2:][::-1]) if raw else enc.to_bytes(size, "little")
                dis = self.frontend.disassemble(code, pc, thumb)
                text = f"{dis[0][1]}\t{dis[0][2]}" if dis else "<undefined>"
                hexenc = (f"{enc >> 16:04x} {enc & 0xFFFF:04x}" if thumb and size == 4
                          else f"{enc:0{size * 2}x}")
                out.write(f"0x{pc:08x}:  {hexenc}  {text}\n")
            out.write("\n")
        if "op" in self.log_items:
            out.write(f"OP:\n{blk.ir.dump()}\n\n")
        if "out_asm" in self.log_items:
            out.write(f"OUT: [size={len(res.code)}]\n")
            for line in self.codegen.disassemble(res.code, code_addr):
                out.write(f"  {line}\n")
            out.write("\n")
        out.flush()


def die_by_signal(sig: int) -> None:
    """End this process by `sig` (no core file), so the parent sees WTERMSIG."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:
        pass
    import resource
    try:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ValueError, OSError):
        pass
    lib.rt_restore_default_signal(sig)
    signal.signal(sig, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [sig])
    os.kill(os.getpid(), sig)
    os._exit(128 + sig)
