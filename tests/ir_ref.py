"""Reference evaluator of the IR, for tests only (never on the execution path).

It interprets an op list over a dict of globals (by offset) and a bytearray
window of guest memory, following the op table in usermode/translate/ir.py.
No floating-point arithmetic: of the fp ops only the environment ones
(fpenv, fpflags_get/set, fpround_set), which VMRS/VMSR emit, keep their
state in the machine (flags raised by nothing but fpflags_set).

Usage::

    m = RefMachine({g.offset: 5}, mem=bytearray(4096), mem_base=0x10000)
    exit = m.run(builder.ops)          # ('exit', v) | ('goto_tb', n, pc) | ('goto_ptr',)
    m.get_global(g)

Where globals and guest memory live is pluggable: a subclass overrides
read_global/write_global and load/store (the ARM test harnesses run the IR
on a real CPU state and GuestMemory that way).
"""
from usermode.translate.ir import I64, Const, Global, Temp

M32, M64 = (1 << 32) - 1, (1 << 64) - 1
PC = Global("pc", 0, I64)        # CPUHeader.pc: goto_tb stores the target there


def sx(v, bits):
    v &= (1 << bits) - 1
    return v - (1 << bits) if v >> (bits - 1) else v


def _tdiv(a, b):
    q = abs(a) // abs(b)
    return q if (a < 0) == (b < 0) else -q


def _divs(a, b, w):
    sa, sb = sx(a, w), sx(b, w)
    if sb == 0:
        return 0
    if sa == -(1 << (w - 1)) and sb == -1:
        return sa
    return _tdiv(sa, sb)


def _rems(a, b, w):
    sa, sb = sx(a, w), sx(b, w)
    if sb == 0:
        return a
    if sa == -(1 << (w - 1)) and sb == -1:
        return 0
    return sa - sb * _tdiv(sa, sb)


def _rot(a, n, w):
    n %= w
    return ((a << n) | (a >> (w - n))) if n else a


def _bswap(v, nbytes):
    return int.from_bytes((v & ((1 << (8 * nbytes)) - 1)).to_bytes(nbytes, "little"), "big")


BINOPS = {
    "add": lambda a, b, w: a + b, "sub": lambda a, b, w: a - b, "mul": lambda a, b, w: a * b,
    "and": lambda a, b, w: a & b, "or": lambda a, b, w: a | b, "xor": lambda a, b, w: a ^ b,
    "andc": lambda a, b, w: a & ~b,
    "shl": lambda a, b, w: a << (b % w), "shr": lambda a, b, w: a >> (b % w),
    "sar": lambda a, b, w: sx(a, w) >> (b % w),
    "rotl": lambda a, b, w: _rot(a, b, w), "rotr": lambda a, b, w: _rot(a, w - b % w, w),
    "divu": lambda a, b, w: a // b if b else 0, "remu": lambda a, b, w: a % b if b else a,
    "divs": _divs, "rems": _rems,
}
UNOPS = {
    "mov": lambda a, w: a, "neg": lambda a, w: -a, "not": lambda a, w: ~a,
    "ext8s": lambda a, w: sx(a, 8), "ext8u": lambda a, w: a & 0xFF,
    "ext16s": lambda a, w: sx(a, 16), "ext16u": lambda a, w: a & 0xFFFF,
    "ext32s": lambda a, w: sx(a, 32), "ext32u": lambda a, w: a & M32,
    "extrl": lambda a, w: a & M32, "extrh": lambda a, w: (a >> 32) & M32,
    "clz": lambda a, w: w - a.bit_length(),
    "ctz": lambda a, w: (a & -a).bit_length() - 1 if a else w,
    "popcnt": lambda a, w: bin(a).count("1"),
    "bswap16": lambda a, w: _bswap(a, 2), "bswap32": lambda a, w: _bswap(a, 4),
    "bswap64": lambda a, w: _bswap(a, 8),
}


class RefMachine:
    def __init__(self, globals_=None, mem=None, mem_base=0):
        self.g = dict(globals_ or {})          # offset -> value
        self.mem = mem if mem is not None else bytearray()
        self.mem_base = mem_base
        self.temps = {}

    # ---- values -------------------------------------------------------
    def get(self, v):
        if isinstance(v, Const):
            return v.value
        if isinstance(v, Global):
            return self.read_global(v) & v.type.mask
        if isinstance(v, Temp):
            return self.temps[v.index] & v.type.mask
        raise TypeError(v)

    get_global = get

    def read_global(self, g):
        return self.g.get(g.offset, 0)

    def write_global(self, g, value):
        self.g[g.offset] = value

    def set(self, d, value):
        value &= d.type.mask
        if isinstance(d, Global):
            self.write_global(d, value)
        else:
            self.temps[d.index] = value

    # ---- memory --------------------------------------------------------
    def load(self, addr, size, signed):
        off = addr - self.mem_base
        if not 0 <= off <= len(self.mem) - size:
            raise IndexError(f"reference load outside the window: {addr:#x}")
        v = int.from_bytes(self.mem[off:off + size], "little")
        return sx(v, 8 * size) if signed else v

    def store(self, addr, size, v):
        off = addr - self.mem_base
        if not 0 <= off <= len(self.mem) - size:
            raise IndexError(f"reference store outside the window: {addr:#x}")
        self.mem[off:off + size] = (v & ((1 << (8 * size)) - 1)).to_bytes(size, "little")

    # ---- execution ---------------------------------------------------
    def run(self, ops, helpers=None):
        labels = {id(op.args[0]): i for i, op in enumerate(ops) if op.name == "label"}
        i = 0
        while i < len(ops):
            op = ops[i]
            n, args = op.name, op.args
            i += 1
            if n in ("label", "insn_start", "mb"):
                continue
            if n in BINOPS:
                d, a, b = args
                self.set(d, BINOPS[n](self.get(a), self.get(b), d.type.bits))
            elif n in UNOPS:
                d, a = args
                self.set(d, UNOPS[n](self.get(a), (a.type if n in ("ext32s", "ext32u", "extrl",
                                                                    "extrh") else d.type).bits))
            elif n == "concat":
                d, lo, hi = args
                self.set(d, self.get(lo) | self.get(hi) << 32)
            elif n in ("mulu2", "muls2"):
                lo, hi, a, b = args
                w = lo.type.bits
                x, y = self.get(a), self.get(b)
                p = sx(x, w) * sx(y, w) if n == "muls2" else x * y
                self.set(lo, p)
                self.set(hi, p >> w)
            elif n == "setcond":
                c, d, a, b = args
                self.set(d, int(c.evaluate(self.get(a), self.get(b), a.type)))
            elif n == "movcond":
                c, d, a, b, v1, v2 = args
                self.set(d, self.get(v1) if c.evaluate(self.get(a), self.get(b), a.type)
                         else self.get(v2))
            elif n == "brcond":
                c, a, b, l = args
                if c.evaluate(self.get(a), self.get(b), a.type):
                    i = labels[id(l)]
            elif n == "br":
                i = labels[id(args[0])]
            elif n == "ld":
                m, d, addr = args
                self.set(d, self.load(self.get(addr), m.size, m.signed))
            elif n == "st":
                m, v, addr = args
                self.store(self.get(addr), m.size, self.get(v))
            elif n == "cmpxchg":
                m, d, addr, cmp, new = args
                a = self.get(addr)
                old = self.load(a, m.size, m.signed)
                mask = (1 << (8 * m.size)) - 1
                if old & mask == self.get(cmp) & mask:
                    self.store(a, m.size, self.get(new))
                self.set(d, old)
            elif n == "call":
                h, d, vals = args
                r = helpers[h.name](*[self.get(v) for v in vals])
                if d is not None:
                    self.set(d, r)
            elif n == "fpenv":
                pass            # no floating point here: the environment is just state
            elif n == "fpflags_get":
                self.set(args[0], getattr(self, "fpflags", 0))
            elif n == "fpflags_set":
                self.fpflags = self.get(args[0]) & 0x1F
            elif n == "fpround_set":
                self.fpround = self.get(args[0]) & 7
            elif n == "exit_tb":
                return ("exit", args[0])
            elif n == "goto_tb":
                self.write_global(PC, args[1])
                return ("goto_tb", args[0], args[1])
            elif n == "goto_ptr":
                return ("goto_ptr",)
            else:
                raise NotImplementedError(n)
        raise AssertionError("block fell off the end")
