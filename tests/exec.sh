#!/bin/sh
# prove runs every test through this: C unit tests and shell scripts alike
# are executables that print TAP.
exec "$@"
