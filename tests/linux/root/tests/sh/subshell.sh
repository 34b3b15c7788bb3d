# SPDX-License-Identifier: BSD-3-Clause
# Subshells and command substitution: what a subshell changes stays in it.
v=outer
(v=inner; echo "in: $v")
echo "out: $v"
mkdir d
(cd d && pwd | sed 's|.*/||')
pwd | sed 's|.*/||'
echo "nested: $(echo a$(echo b$(echo c)))"
echo "backticks: `echo tick`"
n=$(printf 'x\ny\n\n\n')
echo "trailing newlines stripped: [$n]"
(exit 7)
echo "subshell status $?"
r=$(exit 3)
echo "substitution status $?"
echo "arith $(( (3 + 4) * 5 % 6 ))"
( echo a; echo b ) | wc -l
f() { echo "f sees $1"; }
echo "$(f arg)"
x=$( (echo deep) )
echo "$x"
set -- p q r
echo "args $# $2 $(echo $3)"
