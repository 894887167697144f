# Sourced by every stub: appends "<tool> <arguments>" to calls.log beside the stubs, so a test can read the
# order in which publish.ps1 ran the remote tools. Behaviour switches are files in the same folder.
stub_dir=$(cd "$(dirname "$0")" && pwd)
printf '%s %s\n' "$(basename "$0")" "$*" >>"$stub_dir/calls.log"
