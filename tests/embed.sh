#!/bin/sh
# Turns stdin into a C string constant named $1 (used for share/schema.sql).
printf 'const char %s[] =\n' "$1"
sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$/\\n"/'
printf ';\n'
