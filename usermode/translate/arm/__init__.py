"""32-bit ARM (A32/T32) front end: CPU state, decoder tables, IR lowering."""
