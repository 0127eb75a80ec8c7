"""Guest signals: delivery, frames, host plumbing, number and siginfo tables.

  tables.py    numbers, names, default actions, flags, si_codes (data)
  siginfo.py   siginfo_t host <-> guest, by the kernel's layout rules
  frame.py     the ARM sigframe / rt_sigframe (ucontext, VFP block), sigreturn
  altstack.py  sigaltstack state and the kernel's stack-switch rules
  host.py      host dispositions and mask mirroring the guest's; the queue of
               caught host signals; runtime set-up
  deliver.py   pending signals, next-signal choice, default actions, forced
               faults, handler set-up (``signals_of(proc)``)

How a signal reaches the guest: the runtime's C handler records any caught
host signal and sets CPUHeader.exit_request; translated code checks that word
at every block entry and returns to the engine, which calls
``signals_of(proc).process()``.  A blocking host syscall is interrupted (or,
if it had not started yet, made to restart) so the same happens there.  A
fault in translated code becomes ``force()`` of SIGSEGV/SIGBUS/SIGILL/SIGTRAP
with the CPU state of the faulting instruction.

Usage::

    from usermode.signals import signals_of
    sg = signals_of(proc); sg.start(); sg.process()
"""
from .deliver import signals_of  # noqa: F401
