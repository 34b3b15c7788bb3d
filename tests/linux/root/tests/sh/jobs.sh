# SPDX-License-Identifier: BSD-3-Clause
# Background jobs and wait: their statuses, and their output all in.
# Every job writes a file of its own, so no output depends on who runs
# first.
(sleep 0.2; echo slow >slow; exit 3) &
p1=$!
(echo fast >fast; exit 5) &
p2=$!
wait $p2
echo "fast status $?"
wait $p1
echo "slow status $?"
cat fast slow
for i in 1 2 3 4; do (echo "job $i" >job$i) & done
wait
cat job1 job2 job3 job4
sleep 0.1 &
wait
echo "wait with none left: $?"
sh -c 'exit 7' &
wait $!
echo "sh status $?"
sh -c 'kill -KILL $$' &
wait $!
echo "killed status $?"
seq 1 3 | (while read -r n; do echo "bg read $n"; done >bgread) &
wait
cat bgread
