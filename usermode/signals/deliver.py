"""Guest signal delivery: the pending queue, choosing the next signal, default
actions, building handler frames, forcing synchronous faults, sigreturn.

The guest's dispositions, blocked mask and alternate stack live in
usermode.syscalls.state (sigactions: raw 20-byte ARM struct sigaction per
signal, sigmask, altstack); this module keeps what the kernel keeps besides:
signals taken from the host but not delivered yet (blocked, or synchronous
faults), the mask sigsuspend will restore, and the thread's last fault
(sigcontext trap_no / error_code / fault_address).

The engine calls ``process()`` when the runtime reports a host signal
(exit_request) and after every system call; ``force()`` for a fault in guest
code.  Usage::

    from usermode.signals.deliver import signals_of
    sg = signals_of(proc)
    sg.start()                       # mirror the guest state onto the host
    sg.force(11, siginfo, fault=(14, 0x805, addr))
    sg.process()                     # build frames for what is deliverable
"""
from __future__ import annotations

import os
import struct
import sys
from _weakref import ref
TYPE_CHECKING = False           # typing only for annotations: importing it costs start-up time
if TYPE_CHECKING:
    from typing import Dict, List, Optional, Tuple

from .._record import Record, WeakKeyTable
from ..memory import GuestFault
from . import host
from .siginfo import host_to_guest, make_guest
from .tables import (CONT, CORE_MESSAGE_SIGNALS, DEFAULT_ACTION, IGN, NSIG, PYTHON_IGNORES,
                     SA_KEPT, SA_NODEFER, SA_RESETHAND, SI_KERNEL, SIG_DFL, SIG_IGN,
                     SIGKILL, SIGNAL_NAMES, SIGRETURN_CODES, SIGRETURN_PAGE_ADDR, SIGSEGV,
                     SIGSTOP, STOP, SYNCHRONOUS_MASK, UNBLOCKABLE_MASK, sigbit)


def state_of(proc):
    """usermode.syscalls.state (imported late: that package imports this one)."""
    from ..syscalls.state import state_of as _state_of
    return _state_of(proc)


def install_sigreturn_codes(mem) -> None:
    """Write the sigreturn trampolines into the vectors page (if it is mapped)."""
    if mem.is_mapped(SIGRETURN_PAGE_ADDR, 4 * len(SIGRETURN_CODES)):
        mem.poke(SIGRETURN_PAGE_ADDR, struct.pack(f"<{len(SIGRETURN_CODES)}I", *SIGRETURN_CODES))


PROG = "pyqemu-arm"
SIGACTION_FMT = "<IIIQ"              # ARM struct sigaction: handler, flags, restorer, mask


class Action(Record):
    _fields = ("handler", "flags", "restorer", "mask")

    def __init__(self, handler: int = SIG_DFL, flags: int = 0, restorer: int = 0, mask: int = 0):
        self.handler = handler
        self.flags = flags
        self.restorer = restorer
        self.mask = mask

    @classmethod
    def unpack(cls, raw: bytes) -> "Action":
        return cls(*struct.unpack(SIGACTION_FMT, raw))

    def pack(self) -> bytes:
        return struct.pack(SIGACTION_FMT, self.handler, self.flags, self.restorer, self.mask)


class Pending:
    """Signals taken from the host (or raised by a fault) and not yet
    delivered: standard signals once each, real-time ones queued."""

    def __init__(self) -> None:
        self.queues: Dict[int, List[bytes]] = {}

    def __bool__(self) -> bool:
        return bool(self.queues)

    def add(self, sig: int, info: bytes, front: bool = False, coalesce: bool = False) -> None:
        """Queue `sig`; with `coalesce`, a standard signal already pending is
        not queued again (the host kernel coalesced everything it kept)."""
        q = self.queues.setdefault(sig, [])
        if front:
            q.insert(0, info)
        elif sig >= 32 or not q or not coalesce:
            q.append(info)

    def bits(self) -> int:
        m = 0
        for s in self.queues:
            m |= sigbit(s)
        return m

    def next(self, blocked: int) -> int:
        """kernel next_signal(): synchronous faults first, then the lowest."""
        x = self.bits() & ~blocked
        if not x:
            return 0
        if x & SYNCHRONOUS_MASK:
            x &= SYNCHRONOUS_MASK
        return (x & -x).bit_length()

    def take(self, sig: int) -> bytes:
        q = self.queues[sig]
        info = q.pop(0)
        if not q:
            del self.queues[sig]
        return info

    def discard(self, sig: int) -> None:
        self.queues.pop(sig, None)

    def clear(self) -> None:
        self.queues.clear()


class Signals:
    def __init__(self, proc):
        self._proc = ref(proc)
        self.pending = Pending()
        self.active = False                 # host dispositions/mask mirror the guest's
        self.host_mask: Optional[int] = None
        self.saved_mask: Optional[int] = None   # sigsuspend: restored after the handler
        self.fault: Tuple[int, int, int] = (0, 0, 0)
        self.no_restart = False             # set by sigreturn: r0 is not a result
        self.fatal_detail: Optional[str] = None
        self.forced_info: Optional[bytes] = None

    @property
    def proc(self):
        return self._proc()

    # ---- guest actions -----------------------------------------------------------------
    def action(self, sig: int) -> Action:
        raw = state_of(self.proc).sigactions.get(sig)
        return Action.unpack(raw) if raw else Action()

    def set_action(self, sig: int, act: Action) -> None:
        """do_sigaction: store, mirror on the host, flush what is now ignored."""
        act.mask &= ~UNBLOCKABLE_MASK
        act.flags &= SA_KEPT
        state_of(self.proc).sigactions[sig] = act.pack()
        if self.ignored(sig, act):
            self.pending.discard(sig)
        if self.active:
            host.set_action(sig, act.handler, act.flags)

    @staticmethod
    def ignored(sig: int, act: Action) -> bool:
        return act.handler == SIG_IGN or (act.handler == SIG_DFL
                                          and DEFAULT_ACTION[sig] in (IGN, CONT))

    def wakes(self, sig: int) -> bool:
        """Would delivering `sig` do anything (a handler, or a default action
        that stops or kills)?  What interrupts pause and sigsuspend."""
        return not self.ignored(sig, self.action(sig))

    # ---- mask ----------------------------------------------------------------------------
    @property
    def mask(self) -> int:
        return state_of(self.proc).sigmask

    def set_mask(self, mask: int) -> None:
        state_of(self.proc).sigmask = mask & ~UNBLOCKABLE_MASK & ((1 << NSIG) - 1)
        self.sync_host_mask()

    def sync_host_mask(self) -> None:
        if not self.active:
            return
        want = host.host_mask_for(self.mask)
        if want != self.host_mask:
            host.set_mask(want)
            self.host_mask = want

    # ---- start-up ------------------------------------------------------------------------
    def start(self) -> None:
        """Take over the host's signal handling for the guest (once, before it
        runs): inherited SIG_IGN dispositions and the blocked mask become the
        guest's, everything else starts as SIG_DFL."""
        if self.active:
            return
        proc = self.proc
        host.init_runtime(proc.mem)
        install_sigreturn_codes(proc.mem)
        st = state_of(proc)
        for sig in range(1, NSIG + 1):
            if sig in (SIGKILL, SIGSTOP) or sig in st.sigactions:
                continue
            if host.disposition(sig) == 1 and sig not in PYTHON_IGNORES:
                st.sigactions[sig] = Action(SIG_IGN).pack()
        self.active = True
        for sig in range(1, NSIG + 1):
            if sig not in (SIGKILL, SIGSTOP):
                act = self.action(sig)
                host.set_action(sig, act.handler, act.flags)
        self.host_mask = host.get_mask()
        st.sigmask |= self.host_mask & ~UNBLOCKABLE_MASK
        self.sync_host_mask()

    def start_thread(self) -> None:
        """A new guest thread: the process's dispositions are in place, the
        host thread inherited the creating thread's mask."""
        self.active = True
        self.host_mask = host.get_mask()
        self.sync_host_mask()

    def after_fork_child(self) -> None:
        """A child starts with no pending signals."""
        self.pending.clear()
        host.drain()

    # ---- taking signals in ----------------------------------------------------------------
    def drain(self) -> None:
        """Move the host signals the runtime caught into the pending set."""
        for raw in host.drain():
            info = host_to_guest(raw)
            sig = struct.unpack_from("<i", info)[0]
            if not 1 <= sig <= NSIG:
                continue
            blocked = bool(self.mask & sigbit(sig))
            if not blocked and self.ignored(sig, self.action(sig)):
                continue
            self.pending.add(sig, info, coalesce=blocked)

    def force(self, sig: int, info: bytes, fault: Optional[Tuple[int, int, int]] = None,
              detail: Optional[str] = None) -> None:
        """force_sig_fault(): a synchronous signal the guest cannot block or
        ignore (it gets SIG_DFL if it tried), delivered before anything else."""
        act = self.action(sig)
        blocked = bool(self.mask & sigbit(sig))
        if blocked or act.handler == SIG_IGN:
            act.handler = SIG_DFL
            self.set_action(sig, act)
            if blocked:
                self.set_mask(self.mask & ~sigbit(sig))
        if fault is not None:
            self.fault = fault
            self.forced_info = info             # a fault of guest code (for -strace)
        self.fatal_detail = detail
        self.pending.add(sig, info, front=True)

    def force_sigsegv(self, sig: int) -> None:
        """A frame could not be built for `sig`: the kernel's force_sigsegv()."""
        if sig == SIGSEGV:
            act = self.action(SIGSEGV)
            act.handler = SIG_DFL
            self.set_action(SIGSEGV, act)
        self.force(SIGSEGV, make_guest(SIGSEGV, 0, SI_KERNEL))

    # ---- delivery --------------------------------------------------------------------------
    def deliverable(self) -> int:
        return self.pending.next(self.mask)

    def process(self) -> None:
        """Deliver every pending signal the guest does not block: default
        actions, or handler frames stacked one on another (the last one
        built runs first), as the kernel does on its way back to user mode."""
        env = self.proc.cpu.ptr
        while True:
            env.exit_request = 0
            self.drain()
            handled = False
            while True:
                sig = self.pending.next(self.mask)
                if not sig:
                    break
                if self.deliver_one(sig, self.pending.take(sig)):
                    handled = True
            if self.saved_mask is not None and not handled:
                self.saved_mask, mask = None, self.saved_mask
                self.set_mask(mask)
            self.sync_host_mask()
            if not env.exit_request:
                return

    def deliver_one(self, sig: int, info: bytes) -> bool:
        """Act on one signal; True when a handler frame was built."""
        proc = self.proc
        if proc.options.strace:
            from .strace_sig import emit_taken      # only with -strace: not at start-up
            emit_taken(proc, sig, info, fault=info is self.forced_info)
        act = self.action(sig)
        if act.handler == SIG_IGN:
            return False
        if act.handler == SIG_DFL:
            self.default_action(sig)
            return False
        handler = Action(act.handler, act.flags, act.restorer, act.mask)
        if act.flags & SA_RESETHAND:
            act.handler = SIG_DFL
            self.set_action(sig, act)
        saved = self.saved_mask if self.saved_mask is not None else self.mask
        from .frame import FrameRequest, setup_frame    # the first handler: not at start-up
        req = FrameRequest(sig, handler.handler, handler.flags, handler.restorer, info, saved,
                           self.fault)
        try:
            setup_frame(self.proc, req)
        except GuestFault:
            self.force_sigsegv(sig)
            return False
        self.saved_mask = None
        blocked = self.mask | handler.mask
        if not handler.flags & SA_NODEFER:
            blocked |= sigbit(sig)
        self.set_mask(blocked)
        return True

    def default_action(self, sig: int) -> None:
        kind = DEFAULT_ACTION[sig]
        if kind in (IGN, CONT):
            return
        if kind == STOP:
            os.kill(os.getpid(), SIGSTOP)
            return
        self.die(sig)

    def die(self, sig: int) -> None:
        """The default action of a fatal signal: end pyqemu by that signal
        (after qemu's "uncaught target signal" line for the core-dumping ones)."""
        if sig in CORE_MESSAGE_SIGNALS:
            if self.fatal_detail:
                sys.stderr.write(f"{PROG}: {self.fatal_detail}\n")
            name = SIGNAL_NAMES.get(sig, f"Real-time signal {sig - 32}")
            sys.stderr.write(f"{PROG}: uncaught target signal {sig} ({name}) - core dumped\n")
        die_by_signal(sig)


def die_by_signal(sig: int) -> None:
    """End this process by host signal `sig` (no core file), so the parent
    sees WIFSIGNALED/WTERMSIG and a shell 128+sig."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:
        pass
    try:
        import resource
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ValueError, OSError):
        pass
    host.lib.rt_restore_default_signal(sig)
    try:
        host.unblock(sig)
    except OSError:
        pass
    # to this very thread, which just unblocked it (other guest threads may
    # block it; its default action still ends the whole process)
    tid = host.lib.rt_syscall(host.HNR["gettid"], 0, 0, 0, 0, 0, 0)
    host.lib.rt_syscall(host.HNR["tgkill"], os.getpid(), tid, sig, 0, 0, 0)
    os.kill(os.getpid(), sig)
    os._exit(128 + sig)


_signals = WeakKeyTable()


def signals_of(proc) -> Signals:
    sg = _signals.get(proc)
    if sg is None:
        sg = _signals[proc] = Signals(proc)
    return sg
