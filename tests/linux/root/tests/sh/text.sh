# SPDX-License-Identifier: BSD-3-Clause
# Text: grep sed awk sort uniq wc head tail cut tr.
cat >in <<'END'
banana 3
apple 10
cherry 7
apple 10
date 1
elderberry 22
banana 3
END
grep an in
grep -c apple in
grep -v a in
grep -n '^c' in
grep -E 'e(r|l)' in
grep -i APPLE in | head -n 1
grep nothing in
echo "grep none: $?"
grep -q cherry in && echo "quiet match"
sed 's/a/A/g' in | head -n 2
sed -n '2,3p' in
sed '/apple/d' in
sed -e 's/\([a-z]*\) \([0-9]*\)/\2 \1/' in | sort -n
awk '{ s += $2 } END { print "total", s }' in
awk '$2 > 5 { print $1 }' in
awk -F' ' '{ n[$1]++ } END { for (k in n) print k, n[k] }' in | sort
awk 'BEGIN { printf "%5.2f|%-4s|%x\n", 3.14159, "ab", 255 }'
sort in
sort -k2 -n in
sort -u in
sort -r in | uniq
sort in | uniq -c
sort in | uniq -d
wc in
wc -l <in
wc -w in
head -n 2 in
tail -n 2 in
tail -n +6 in
head -c 5 in; echo
cut -d' ' -f1 in | tr a-z A-Z
cut -c1-3 in | sort | uniq
tr -d 'a' <in | head -n 1
tr -s 'p' <in | head -n 2
printf 'x:y:z\n' | awk -F: '{ print $NF, NF }'
seq 1 10 | paste -sd+ | tee sum | wc -c
cat sum
