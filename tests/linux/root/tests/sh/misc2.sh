# SPDX-License-Identifier: BSD-3-Clause
# printf and date edge cases, time zones from POSIX TZ strings (no
# zoneinfo files on either side), kill -l, and exit statuses of signals.
printf '%5.3s|%-8d|%+d|% d|%e|%g|%G\n' abcdef 42 7 7 12345.678 0.0001 1e20
printf '%s %s %s\n' a b c d e
printf '%d\n' 0x1f 010 "'A"
printf '%i|%u|%o\n' -3 3 64
printf '%x %X %#x %#o\n' 3054 3054 255 8
printf 'no newline'
echo
printf '%c%c%c\n' hello world !
printf '%.2f %.0f %10.4f\n' 2.345 2.5 3.14159265
date -u -d @86400 '+%A %d %B %Y %H:%M:%S %Z'
date -u -d @1700000000 '+%s %u %w %y %e %I %p %M'
TZ=XST-3 date -d @0 '+%H:%M %Z'
TZ=ABC+5 date -d @3600 '+%Y-%m-%d %H:%M'
date -u -d '1999-12-31 23:59:59' '+%s'
date -u -R -d @0
kill -l | head -n 3
sh -c 'kill -TERM $$'; echo "TERM: $?"
sh -c 'kill -INT $$'; echo "INT: $?"
sh -c 'kill -KILL $$'; echo "KILL: $?"
sh -c 'kill -USR2 $$'; echo "USR2: $?"
sh -c 'trap "" TERM; kill -TERM $$; echo ignored TERM'; echo "status: $?"
sh -c 'exit 255'; echo "255: $?"
(yes | head -n 1) ; echo "head: $?"
expr 2 \< 10
expr abc \< abd
expr 9999999999 + 1
echo $((2147483647 + 1)) $((9223372036854775807))
test 0 -eq 00 && echo "0 -eq 00"
test "abc" \< "abd" && echo "string less"
[ -n "" ] || echo "empty string"
[ "a" != "b" ] && echo "differ"
