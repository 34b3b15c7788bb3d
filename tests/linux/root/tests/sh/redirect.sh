# SPDX-License-Identifier: BSD-3-Clause
# Redirections: >, >>, <, 2>&1, 2>, >&2, here-documents, descriptors kept
# open with exec.
echo first >f
echo second >>f
cat <f
cat f nonexistent 2>&1
echo "cat status $?"
cat nonexistent 2>err.txt
echo "status $? err: $(cat err.txt)"
echo to-stderr >&2
{ echo out; echo err >&2; } 2>/dev/null
{ echo out; echo err >&2; } >/dev/null 2>&1
{ echo both-out; echo both-err >&2; } >both 2>&1
sort both
exec 3>fd3
echo via three >&3
exec 3>&-
cat fd3
exec 4<f
read -r l1 <&4
read -r l2 <&4
exec 4<&-
echo "read $l1 then $l2"
cat <<END
here $((1 + 2)) document
END
cat <<'END'
quoted $((1 + 2)) stays
END
: >empty
wc -c <empty
echo x >/dev/null
cat /dev/null
head -c 8 /dev/zero | od -An -tx1
echo done >&2
