# SPDX-License-Identifier: BSD-3-Clause
# Descriptors: <> and exec redirections, duplicating and closing, errors
# on closed ones, stderr traces (set -x), set -u and syntax errors.
printf 'abc\n' >rw
exec 3<>rw
read -r got <&3
echo "read through <>: $got"
echo appended >&3
exec 3>&-
cat rw
exec 4>out4 5>&4
echo "to five" >&5
exec 4>&- 5>&-
cat out4
echo "closed stdout" >&- 2>/dev/null
echo "closed: $?"
cat <&7 2>&1
echo "bad fd: $?"
{ echo one; echo two >&2; echo three; } 2>&1 >/dev/null | sed 's/^/piped: /'
(set -x; a=1; echo "traced $a"; [ "$a" = 1 ] && true) 2>&1
sh -c 'set -u; echo "$unset_var"; echo not reached' 2>&1
echo "set -u: $?"
sh -c 'if then fi' 2>&1
echo "syntax: $?"
sh -c 'echo ${' 2>&1
echo "bad substitution: $?"
sh -n -c 'echo fine; if true; then :; fi' && echo "sh -n ok"
exec 6<rw
cat <&6 | wc -l
exec 6<&-
ls /dev/null /dev/zero
cat </dev/null | wc -c
echo text >/dev/null; echo "null write: $?"
