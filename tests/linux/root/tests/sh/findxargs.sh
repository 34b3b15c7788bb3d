# SPDX-License-Identifier: BSD-3-Clause
# find and xargs: the names sorted, since directory order is not Linux's.
mkdir -p t/a/b t/c
echo 1 >t/one.txt
echo 2 >t/a/two.txt
echo 3 >t/a/b/three.log
echo 4 >t/c/four.txt
find t | sort
find t -type d | sort
find t -type f -name '*.txt' | sort
find t -name '*.log'
find t -maxdepth 1 | sort
find t -type f | sort | xargs cat
find t -type f -name '*.txt' | sort | xargs -n 1 echo file
find t -type f | sort | xargs wc -l
echo a b c d e | xargs -n 2
printf '1\n2\n3\n' | xargs -I{} echo "item {}"
find t -name '*.txt' -exec echo found {} \; | sort
find t -type f -newer t/one.txt 2>&1 | sort >/dev/null
find missing 2>&1
echo "find status $?"
echo | xargs echo empty
find t -type f | sort | xargs rm
find t | sort
