# CMake toolchain file: cross-compile for 32-bit ARM Linux (hard-float) with
# Debian's arm-linux-gnueabihf-gcc, and run target programs under pyqemu-arm.
#
#   -DPYQEMU_ARM=/path/to/pyqemu-arm   the runner (default: pyqemu-arm on PATH)
#   -DPYQEMU_SYSROOT=/path             the ARM sysroot given as -L
#                                      (default: /usr/arm-linux-gnueabihf)
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_C_COMPILER arm-linux-gnueabihf-gcc)
set(CMAKE_CXX_COMPILER arm-linux-gnueabihf-g++)

set(PYQEMU_SYSROOT /usr/arm-linux-gnueabihf CACHE PATH "ARM sysroot for pyqemu-arm -L")
# try_compile() projects read this file again: hand them the same settings
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES PYQEMU_ARM PYQEMU_SYSROOT)
if(NOT PYQEMU_ARM)
  find_program(PYQEMU_ARM pyqemu-arm REQUIRED)
endif()
# a list: the emulator, then its arguments (CMake >= 3.15)
set(CMAKE_CROSSCOMPILING_EMULATOR "${PYQEMU_ARM};-L;${PYQEMU_SYSROOT}")

set(CMAKE_FIND_ROOT_PATH /usr/arm-linux-gnueabihf)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
