"""Where the loader puts things in the 32-bit guest address space.

All addresses are guest addresses (0 .. 4 GiB).  The picture, low to high::

    0x00010000  typical ET_EXEC text (the program's own p_vaddr, unmoved)
    0x00400000  PIE_BASE: an ET_DYN main program (PIE or static-PIE)
       ...      brk heap: starts at the page-aligned end of the main program
    0x40000000  INTERP_BASE: the ELF interpreter (ld.so); also where guest
                mmap() without a hint starts looking (memory.MMAP_BASE)
       ...      mmap area, growing upwards
    STACK_TOP - stack_size .. STACK_TOP   the initial stack (options.stack_size)
    0xfffe0000  STACK_TOP (a 64 KiB unmapped gap follows)
    0xffff0000  KUSER_PAGE: the ARM kuser helper page (r-x), as on Linux

Preferred bases are moved up (to the next free, suitably aligned range) only
if something is already mapped there.

Usage::

    from usermode.loader.layout import PIE_BASE, INTERP_BASE, STACK_TOP, KUSER_PAGE
"""

PIE_BASE = 0x00400000       # load address of an ET_DYN main program
INTERP_BASE = 0x40000000    # load address of the ELF interpreter
STACK_TOP = 0xFFFE0000      # one past the highest byte of the initial stack
KUSER_PAGE = 0xFFFF0000     # ARM "vectors" page holding the kuser helpers
MAX_STACK_SIZE = 0x80000000 # options.stack_size above this is refused
