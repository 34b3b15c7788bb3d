# SPDX-License-Identifier: BSD-3-Clause
# Scripts the user writes and runs: chmod +x, ./script, sh script, #!
# lines, exit statuses through them, and exec.
cat >hello.sh <<'END'
#!/bin/sh
echo "hello from $(basename "$0") with $# args: $*"
exit 3
END
sh hello.sh a b
echo "sh: $?"
chmod +x hello.sh
test -x hello.sh && echo "hello.sh is executable"
./hello.sh c
echo "./: $?"
chmod -x hello.sh
./hello.sh 2>&1
echo "not executable: $?"
printf 'echo sourced value=$v\nw=set-by-source\n' >lib.sh
v=42 . ./lib.sh
echo "w=$w"
sh -c 'exec echo "exec replaced the shell"'
(exec sh -c 'exit 9')
echo "exec status $?"
sh -c 'echo "\$0 is $0, \$1 is $1"' zero one
sh -s a b <<'END'
echo "stdin script args: $*"
END
echo 'echo from -c with $#' | sh
