# SPDX-License-Identifier: BSD-3-Clause
# tar and gzip, checked through md5sum and sha256sum.
mkdir -p src/sub
seq 1 1000 >src/numbers
echo "hello archive" >src/sub/hello
printf 'no newline' >src/sub/raw
md5sum src/numbers src/sub/hello src/sub/raw
sha256sum src/numbers src/sub/hello src/sub/raw
tar -cf a.tar src/numbers src/sub/hello src/sub/raw
tar -tf a.tar
mkdir out
tar -xf a.tar -C out
md5sum out/src/numbers out/src/sub/hello out/src/sub/raw
cmp src/numbers out/src/numbers && echo "untarred equal"
gzip -n -c src/numbers >n.gz
gzip -n -9 -c src/numbers | md5sum
md5sum n.gz
gunzip -c n.gz | md5sum
gzip -t n.gz && echo "gzip -t ok"
cp src/sub/hello h
gzip -n h
ls h*
gunzip h.gz
cat h
tar -czf b.tgz src/sub/hello src/sub/raw 2>&1
tar -tzf b.tgz
zcat n.gz | tail -n 1
echo "not gzip" >bad.gz
gunzip -c bad.gz 2>&1
echo "gunzip status $?"
printf '' | md5sum
echo abc | sha256sum
sha256sum src/sub/hello >sums
sha256sum -c sums
echo changed >src/sub/hello
sha256sum -c sums 2>&1
echo "check status $?"
