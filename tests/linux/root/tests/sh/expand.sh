# SPDX-License-Identifier: BSD-3-Clause
# Expansions and quoting: parameters, IFS splitting, globs (sorted by the
# shell itself), arithmetic, here-strings of special characters.
a="one  two   three"
printf '[%s]' $a; echo
printf '[%s]' "$a"; echo
IFS=:
b="x:y::z"
printf '<%s>' $b; echo
unset IFS
set -- "first arg" second "third  arg"
printf '{%s}' "$@"; echo
printf '{%s}' "$*"; echo
echo "count $#, last ${3}"
shift 2
echo "after shift: $1 ($#)"
x=5
echo "$((x * 2 + 1)) $((x << 2)) $((x % 3)) $((x > 3 && x < 9)) $((-x)) $((~x))"
echo "$(( x += 10 )) $x"
: ${y:=assigned}
echo "y=$y"
z=abcdefabc
echo "${z#a*c} ${z##a*c} ${z%b*} ${z%%b*} ${#z}"
echo "${z/abc/X} ${z//abc/X}"
echo 'single $x' "double $x" "esc \$x \\ \"" $'dollar\tquote'
touch b.txt a.txt c.log A.txt
echo *.txt
echo [ab]*
echo ?.log
echo no*match
set -f
echo *.txt
set +f
readonly r=1
(r=2) 2>/dev/null || echo "readonly held"
export E1=exported
sh -c 'echo "child sees $E1 and ${x:-no x}"'
f() { local v="in f"; echo "$v, $#: $*"; }
f 1 2 3
echo "${undefined_variable:-fallback}" "${#undefined_variable}"
echo "$(printf '%s' 'a b' | wc -c)"
case "hello.c" in *.h) echo header ;; *.c) echo source ;; esac
echo $((1 + 2))$((3 * 4))
