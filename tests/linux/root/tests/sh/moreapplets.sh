# SPDX-License-Identifier: BSD-3-Clause
# More applets: dd, od, cut, tr, fold, nl, rev, diff, cmp, tee, and more
# of sort, uniq, sed and awk.
printf 'line one\nline two\nline three\n' >t
dd if=t bs=5 count=2 2>/dev/null; echo
dd if=t of=t2 bs=1 skip=5 count=3 2>/dev/null; cat t2; echo
dd if=/dev/zero bs=512 count=3 2>/dev/null | wc -c
printf 'ABC\001\377\n' | od -An -c
printf 'ABC\001\377\n' | od -An -tx1
printf 'ABC' | od -An -to1
printf 'a,b,c\n1,2,3\n' | cut -d, -f2-
echo hello | tr 'a-y' 'b-z'
echo "aaabbbccc" | tr -s 'abc'
echo "hello world" | tr -cd 'lo\n'
echo "abcdefghijklmnopqrstuvwxyz" | fold -w 10
nl t
echo stressed | rev
printf 'a\nb\nc\n' >s1
printf 'b\nc\nd\n' >s2
diff s1 s2
echo "diff status $?"
diff -u s1 s2 | tail -n +3
cmp s1 s2
echo "cmp status $?"
echo "x" | tee t3 t4 >/dev/null
cat t3 t4
printf '3 b\n1 c\n2 a\n10 d\n' | sort -n
printf '3 b\n1 c\n2 a\n10 d\n' | sort -k2
printf 'b\na\nB\nA\n' | sort
printf 'b\na\nB\nA\n' | sort -f
printf '1\n1\n2\n3\n3\n3\n' | uniq -c
printf 'x y z\n' | awk '{ for (i = NF; i > 0; i--) printf "%s ", $i; print "" }'
printf 'k1=v1\nk2=v2\n' | sed -n 's/^\(.*\)=\(.*\)$/\2 <- \1/p'
printf 'one\ntwo\nthree\n' | sed '2i\
inserted'
printf 'one\ntwo\n' | sed '$a\
appended'
printf 'a\nb\nc\nd\n' | sed -n '2,$p'
printf 'hello\n' | sed 'y/el/ip/'
printf '%s\n' 5 3 9 1 | sort -n | head -n 1
printf '%s\n' 5 3 9 1 | sort -rn | head -n 1
echo "a:b:c" | awk -F: -v OFS=- '{ $1 = $1; print }'
awk 'BEGIN { x = sprintf("%03d|%s", 7, substr("abcdef", 2, 3)); print x, length(x), index(x, "|"), toupper("q") }'
awk 'BEGIN { split("a b c", arr); n = 0; for (k in arr) n++; print n; print 10 / 4, int(10 / 4) }'
