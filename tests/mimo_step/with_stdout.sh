#!/bin/sh
# with_stdout.sh full|closed PROGRAM [ARGS...]: runs PROGRAM with its standard output on a full
# disk (/dev/full) or closed, as the rank itself sees it. Under mpirun, redirecting mpirun's own
# stdout would not reach the ranks: Open MPI forwards their output through a pipe.
how=$1
shift
case $how in
  full) exec "$@" > /dev/full ;;
  closed) exec "$@" >&- ;;
  *) echo "with_stdout.sh: usage: with_stdout.sh full|closed PROGRAM [ARGS...]" >&2; exit 2 ;;
esac
