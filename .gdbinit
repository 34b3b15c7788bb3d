# SPDX-License-Identifier: BSD-3-Clause
# make debug starts QEMU waiting on :1234; then just run `gdb` here.
# (gdb may ask you to allow this file: add "set auto-load safe-path /" or
#  "add-auto-load-safe-path <this directory>/.gdbinit" to ~/.gdbinit.)
set architecture i386:x86-64
symbol-file build/kernel.elf
target remote localhost:1234
