# SPDX-License-Identifier: BSD-3-Clause
# read, IFS, while-read loops and getopts.
printf 'a b c\nd e\n\nlast' >in
while read -r x y; do echo "x=[$x] y=[$y]"; done <in
while IFS= read -r line; do echo "line=[$line]"; done <in
IFS=: read -r u p rest <<END
root:x:0:0:root:/root:/bin/sh
END
echo "u=$u p=$p rest=$rest"
read -r first <in
echo "first=$first"
echo 'back\slash' | { read v; echo "no -r: $v"; }
echo 'back\slash' | { read -r v; echo "-r: $v"; }
n=0
while read -r l; do n=$((n + 1)); done <in
echo "lines read: $n"
parse() {
	OPTIND=1
	while getopts "ab:c" opt; do
		case $opt in
		a) echo "opt a" ;;
		b) echo "opt b with $OPTARG" ;;
		c) echo "opt c" ;;
		?) echo "bad option" ;;
		esac
	done
	shift $((OPTIND - 1))
	echo "rest: $*"
}
parse -a -b val -c one two
parse -ac -bX three
parse -z 2>&1
read -r nothing </dev/null
echo "read at EOF: $?"
