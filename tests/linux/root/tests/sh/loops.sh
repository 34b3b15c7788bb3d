# SPDX-License-Identifier: BSD-3-Clause
# Loops, case, functions, local variables, recursion.
for i in 1 2 3; do printf '%s,' "$i"; done
echo
i=0
while [ $i -lt 5 ]; do i=$((i + 1)); [ $i -eq 2 ] && continue; [ $i -eq 4 ] && break; echo "while $i"; done
until [ $i -eq 0 ]; do i=$((i - 1)); done
echo "until $i"
for w in apple banana cherry; do
	case $w in
	a*) echo "$w starts with a" ;;
	*an*) echo "$w has an" ;;
	*) echo "$w other" ;;
	esac
done
fact() {
	if [ "$1" -le 1 ]; then echo 1; else echo $(($1 * $(fact $(($1 - 1))))); fi
}
echo "fact 10 = $(fact 10)"
g=global
scope() { local g=local; echo "inside $g"; return 5; }
scope
echo "status $? after, $g"
for i in 1 2; do for j in a b; do [ $j = b ] && continue 2; echo "$i$j"; done; done
sum=0
for n in $(seq 1 100); do sum=$((sum + n)); done
echo "sum $sum"
set -- "a b" c
for a in "$@"; do echo "[$a]"; done
for a in $*; do echo "<$a>"; done
