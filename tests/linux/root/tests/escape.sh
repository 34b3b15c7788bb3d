# SPDX-License-Identifier: BSD-3-Clause
# Attempts to reach a path outside linuxd's root (tests/qemu/linuxdiff_test.py
# checks what each says against docs/POSIX.md).  Every line is labelled;
# errors are kept, on stdout.
r() { label=$1; shift; printf '%s: ' "$label"; "$@" 2>&1 | tr '\n' ' '; echo; }
cd /../../..
r dotdot-pwd pwd
r dotdot-hostname cat /../../../../etc/hostname
r work-dotdot sh -c 'cd /work/../../..; pwd'
r tmp-dotdot cat /tmp/../../../etc/hostname
r tmp-relative sh -c 'cd /tmp && cat ../../../../etc/hostname'
r work-relative sh -c 'cd /work && ls -d ../../../../bin'
r many-dotdot cat "$(printf '../%.0s' $(seq 1 100))etc/hostname"
r link-up readlink /tests/links/up
r link-up-hostname cat /tests/links/up/etc/hostname
r link-abs-hostname cat /tests/links/abs/etc/hostname
r link-chain ls /tests/links/chain1/
r link-hostname cat /tests/links/hostname
r link-loop cat /tests/links/loop1
r link-proc ls /tests/links/proc/
r proc ls /proc/1
r proc-self-root ls /proc/self/root/
r proc-self-cwd sh -c 'cd /tmp && cat /proc/self/cwd/../../../etc/hostname'
r proc-self-exe readlink /proc/self/exe
r proc-self-fd ls /proc/self/fd/0/
r root-dotdot-etc ls /..
r dev-dotdot ls /dev/../etc/hostname
