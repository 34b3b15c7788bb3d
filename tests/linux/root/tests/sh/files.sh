# SPDX-License-Identifier: BSD-3-Clause
# Files: ls cat cp mv rm mkdir rmdir touch test.
mkdir -p a/b/c
echo hello >a/file
cp a/file a/b/copy
mv a/b/copy a/b/c/moved
ls a
ls a/b/c
ls -a a/b | sort
cat a/b/c/moved
cp -r a x
ls -R x
rm a/file
ls a
test -e a/file || echo "a/file gone"
test -d a/b && echo "a/b is a directory"
test -f a/b/c/moved && echo "moved is a file"
test -s a/b/c/moved && echo "moved is not empty"
: >z
test -s z || echo "z is empty"
rmdir a/b/c 2>&1
echo "rmdir status $?"
rm -r a
ls
mkdir a 2>&1
mkdir a 2>&1
echo "mkdir status $?"
rm nothing 2>&1
echo "rm status $?"
rm -f nothing
echo "rm -f status $?"
mv x y && ls
touch t1 t2
ls -1 t*
cat missing 2>&1
echo long >l; cp l l2; cmp l l2 && echo same
echo other >l2; cmp l l2
echo "cmp status $?"
ls -d y/*/ 2>&1 | sort
