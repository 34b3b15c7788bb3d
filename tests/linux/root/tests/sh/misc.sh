# SPDX-License-Identifier: BSD-3-Clause
# date of a fixed time, env, test, printf, expr, seq, yes | head.
date -u -d @0 +%Y-%m-%d
date -u -d @1234567890 '+%Y-%m-%d %H:%M:%S %a %b %j'
date -u -d '2024-02-29 12:34:56' +%s
env -i A=1 B='two words' env | sort
env -i X=y sh -c 'echo "X is $X"'
env -u HOME sh -c 'echo "home: ${HOME-unset}"'
test 3 -lt 10 && echo "3 < 10"
test abc = abc && echo "strings equal"
test -z "" && echo "empty"
test -n "x" && echo "not empty"
[ 5 -ge 6 ]
echo "test status $?"
[ ! -e /nonexistent ] && echo "no /nonexistent"
printf '%d|%5s|%-5s|%05.1f|%o|%x|%X|%c|%%\n' 42 ab cd 3.14159 8 255 255 Z
printf '%s\n' one two three
printf 'esc: \t tab \\ back \101\n'
printf '%b\n' 'a\nb'
expr 7 + 5
expr 7 \* 6
expr 17 / 5 % 2
expr length hello
expr substr hello 2 3
expr index hello l
expr hello : 'h\(.*\)o'
expr 1 = 2
echo "expr status $?"
expr 4 / 0 2>&1
echo "expr div status $?"
seq 3
seq 2 2 10
seq 5 -2 1
seq -s , 1 5
seq -w 8 11
yes | head -n 3
yes vectra | head -n 2
yes abc | head -c 10
echo
basename /a/b/c.txt .txt
dirname /a/b/c.txt
echo "$((0x10 + 010 + 2#101))"
printf '%s\n' "${#PATH}" >/dev/null
v=hello.tar.gz
echo "${v%.gz} ${v%%.*} ${v#*.} ${v##*.} ${v:1:3} ${#v}"
unset nope
echo "${nope:-default} ${nope-dash} ${nope:+plus}"
