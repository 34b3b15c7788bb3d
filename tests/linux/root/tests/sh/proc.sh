# SPDX-License-Identifier: BSD-3-Clause
# /proc: what must read the same on Linux and under linuxd (the numbers
# differ between machines, so only names, forms and errors are printed).
for f in status stat statm cmdline comm maps; do
	[ -r /proc/self/$f ] && echo "self/$f readable"
done
for f in meminfo uptime loadavg cpuinfo version stat mounts; do
	[ -r /proc/$f ] && echo "$f readable"
done
[ -L /proc/self ] && echo "self is a link"
[ -d /proc/$$ ] && [ -d /proc/$$/fd ] && echo "the shell has its directory"
read -r pid comm state ppid rest </proc/self/stat
[ "$pid" = $$ ] && echo "a builtin's /proc/self is the shell: $state"
[ "$(readlink /proc/$$/..)" = "" ] && echo "no link above"
grep -E '^(Name|State|Tgid|Pid|PPid|Uid|Gid|Threads):' /proc/self/status | cut -f1
grep '^Uid:' /proc/self/status
awk '/^Pid:/ { p = $2 } /^Tgid:/ { t = $2 } END { print "pid is tgid:", p == t }' /proc/self/status
awk '{ print "stat fields:", NF, $3 }' /proc/self/stat
awk '{ print "statm fields:", NF }' /proc/self/statm
cat /proc/self/cmdline | tr '\0' ' '; echo
grep -c '\[stack\]' /proc/self/maps
# Descriptors: their names, and what each is.
exec 3</dev/null 5>/dev/null
ls /proc/self/fd | sort -n | head -6 | tr '\n' ' '; echo
readlink /proc/self/fd/3
readlink /proc/self/fd/5
readlink /proc/self/fd/1 | cut -c1-6
echo through a pipe | cat /proc/self/fd/0
exec 3<&- 5>&-
(cd /tmp && readlink /proc/self/cwd)
# Reads of any size from any offset give the same bytes.
dd if=/proc/self/status bs=1 count=5 2>/dev/null; echo
dd if=/proc/meminfo bs=1 skip=3 count=5 2>/dev/null; echo
[ "$(cat /proc/version)" = "$(dd if=/proc/version bs=1 2>/dev/null)" ] && echo "one byte at a time: the same"
cut -c1-14 /proc/version
# The global files' forms.
for f in MemTotal MemFree MemAvailable; do grep -c "^$f: *[0-9][0-9]* kB\$" /proc/meminfo; done
awk '{ print "uptime fields:", NF }' /proc/uptime
awk '{ print "loadavg fields:", NF }' /proc/loadavg
head -1 /proc/stat | cut -d' ' -f1
grep -q '^processor' /proc/cpuinfo && echo "cpuinfo names processors"
grep -q '^proc /proc proc ' /proc/mounts && echo "/proc is mounted"
# A process is named by the name it was run by: a link's, a script's.
printf '#!/bin/sh\ncat /proc/$$/comm\n' >named.sh
chmod +x named.sh
./named.sh
sh -c 'cat /proc/$$/comm'
# Processes come and go.
sh -c 'exit 0' &
p=$!
wait $p
[ -e /proc/$p ] || echo "a process that has gone has no directory"
sleep 1 &
p=$!
i=0 # until the child has named itself (busybox runs sleep in it without exec)
while [ "$(cat /proc/$p/comm 2>/dev/null)" != sleep ] && [ $i -lt 200 ]; do
	i=$((i + 1))
done
pidof sleep | tr ' ' '\n' | grep -qx "$p" && echo "pidof finds sleep"
wait $p
# Nothing in /proc is written, made or removed.
echo x >/proc/meminfo
echo "write meminfo: $?"
echo x >/proc/self/status
echo "write status: $?"
ls /proc/2147483647
cat /proc/meminfo/x
rm /proc/meminfo
rmdir /proc/self /proc/meminfo /proc/self/fd /proc
mkdir /proc/x
touch /proc/newf
mv /proc/uptime /proc/u2
mkdir /proc/self

# Many descriptors (of one open file): every one listed, none cut off.
exec 10</dev/null
i=11
while [ $i -lt 200 ]; do
	eval "exec $i<&10"
	i=$((i + 1))
done
ls /proc/$$/fd >fds # not a pipe: the shell's own ends of it would come and go
wc -l <fds
readlink /proc/$$/fd/199
