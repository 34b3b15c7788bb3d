# SPDX-License-Identifier: BSD-3-Clause
# Pipes: chains of processes, a pipeline's exit status, pipefail, and a
# writer that outlives its reader (SIGPIPE).
echo one two three | tr ' ' '\n' | sort -r | tr '\n' ' '
echo
printf 'a\nb\nc\n' | cat | cat | cat | wc -l
seq 1 500 | grep 7 | wc -l
true | false
echo "false last: $?"
false | true
echo "true last: $?"
set -o pipefail
false | true
echo "pipefail: $?"
set +o pipefail
yes pipe | head -n 3
seq 1 100000 | head -n 1
echo "head closed the pipe: $?"
x=$(seq 1 20000 | tail -n 1)
echo "through a pipe of more than a buffer: $x"
seq 1 3 | while read -r n; do echo "read $n"; done
echo abc | { read -r v; echo "group got $v"; }
! true
echo "negated: $?"
