"""setuptools entry: metadata is in setup.cfg; this only adds the cffi runtime."""
from setuptools import setup

setup(cffi_modules=["usermode/translate/runtime/build.py:ffibuilder"])
