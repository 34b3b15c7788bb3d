# SPDX-License-Identifier: BSD-3-Clause
# Paths as Linux resolves them: a trailing slash after a file, mkdir of
# directories that exist (in the read-only root too), the few absolute
# paths that are the same on every Linux (/, /tmp, /dev/null, /dev/zero).
echo x >file
cat file/
echo "cat file/: $?"
test -e file/ && echo "file/ exists" || echo "file/ does not exist"
ls -d file/
echo "ls -d file/: $?"
for f in */; do echo "glob */: $f"; done
mkdir dir
ls -d dir/ dir/. dir/./ ./dir//
cat dir/../file
mkdir /
echo "mkdir /: $?"
mkdir /tmp
echo "mkdir /tmp: $?"
mkdir -p /tmp && echo "mkdir -p /tmp: ok"
mkdir -p sub/dir/ && ls -d sub/dir
rmdir dir/ && echo "rmdir dir/: ok"
rm -f file/
echo "rm -f file/: $?"
test -d / && test -d /tmp && test -c /dev/null && echo "/, /tmp and /dev/null are what they are"
test -w /tmp && echo "/tmp is writable"
test -x /bin/sh && echo "/bin/sh is executable"
head -c 3 /dev/zero | od -An -tx1
cat /dev/null
echo "cat /dev/null: $?"
ls -d / /tmp /dev/null
cd /
pwd
cd /tmp/..
pwd
cd //
pwd
