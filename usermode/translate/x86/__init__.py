"""x86-64 host back end: instruction encoder (encoder.py) and IR code generator (codegen.py)."""
