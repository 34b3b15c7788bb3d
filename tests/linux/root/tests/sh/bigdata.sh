# SPDX-License-Identifier: BSD-3-Clause
# Data bigger than a pipe's buffer, through pipes, files and the applets.
seq 1 50000 >nums
wc -l <nums
md5sum <nums
cat nums | cat | cat | md5sum
sort -rn nums | head -n 3
sort -rn nums | tail -n 3
awk '{ s += $1 } END { print s }' nums
grep -c 7 nums
sed 's/1/one/g' nums | md5sum
tr '0-9' 'a-j' <nums | tail -n 2
gzip -n -c nums | gunzip -c | md5sum
gzip -n -c nums | wc -c
dd if=/dev/zero bs=1024 count=300 2>/dev/null | md5sum
head -c 200000 /dev/zero | tr '\0' 'x' | wc -c
yes 0123456789 | head -n 20000 | md5sum
cp nums nums2 && cmp nums nums2 && echo "copied equal"
cat nums nums >twice && wc -l <twice
head -n 20000 nums >piece_a && tail -n +20001 nums >piece_b && cat piece_* | md5sum
tar -cf t.tar nums nums2 && tar -tvf t.tar | awk '{ print $3, $6 }'
