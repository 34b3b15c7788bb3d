# SPDX-License-Identifier: BSD-3-Clause
# What failing commands say on stderr, and their statuses.
nosuchcommand 2>&1 | sed 's/^[^:]*: //'
echo "not found: $?"
nosuchcommand
echo "not found direct: $?"
cat nofile
echo "cat: $?"
ls nofile
echo "ls: $?"
cd nodir
echo "cd: $?"
echo x >nodir/file
echo "redirect: $?"
grep
echo "grep usage: $?"
sh -c 'exit 200'
echo "exit 200: $?"
sh -c 'exit 300'
echo "exit 300: $?"
false
echo "false: $?"
set -e
true
echo "still here"
(false; echo "not printed")
echo "subshell -e status $?"
false
echo "not printed either"
