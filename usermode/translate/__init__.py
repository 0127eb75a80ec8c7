"""The translator: ISA-neutral IR (ir.py), guest front ends (arm/), the x86-64
back end (x86/), the native runtime (runtime/, built by cffi into _runtime) and
the engine that ties them together (engine.py).

Usage::

    from usermode.translate.engine import Engine
    status = Engine(proc).run()      # proc: a loaded usermode.process.GuestProcess
"""
