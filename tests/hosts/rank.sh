#!/usr/bin/env bash
# tests/hosts/rank.sh: what hostbed.sh has mpirun start for each rank. Runs the program with its
# stderr kept in the bed's folder (a partitioned host's output never reaches mpirun), then writes
# the rank's exit record, "STATUS SECONDS-SINCE-EPOCH HOSTNAME", and copies the stderr through.
# A SIGTERM from the launcher goes on to the program, so that the record still gets written.
dir=${HETGRID_HOSTBED_DIR:?rank.sh: run it from hostbed.sh}
rank=${OMPI_COMM_WORLD_RANK:?rank.sh: not started by Open MPI}
"$@" 2>"$dir/rank.$rank.err" &
child=$!
trap 'kill -TERM "$child" 2>/dev/null' TERM INT
status=0
while :; do
  wait "$child"
  status=$?
  kill -0 "$child" 2>/dev/null || break  # a trapped signal ended the wait, not the program
done
# Builtins only, no fork: the launcher's SIGKILL may follow its SIGTERM closely. The reader takes
# a record as written once it has its three fields.
echo "$status $EPOCHREALTIME $HOSTNAME" >"$dir/rank.$rank.exit"
cat "$dir/rank.$rank.err" >&2
exit "$status"
