# SPDX-License-Identifier: BSD-3-Clause
# trap: a handler for a signal the script sends itself, EXIT, reset and
# ignore.
trap 'echo "got USR1"' USR1
kill -USR1 $$
echo "after USR1"
trap 'echo "got USR2 once"; trap - USR2' USR2
kill -USR2 $$
trap '' HUP
kill -HUP $$
echo "HUP ignored"
trap 'echo "exit trap, status $?"' EXIT
trap | sed 's/^/trap: /'
(trap 'echo "subshell exit"' EXIT; echo "in subshell")
sh -c 'trap "echo child TERM; exit 9" TERM; kill -TERM $$; echo not reached'
echo "child status $?"
sh -c 'kill -TERM $$; echo not reached'
echo "killed child status $?"
exit 4
