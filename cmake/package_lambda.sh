#!/usr/bin/env bash
# Packages cloud-sayings as an AWS Lambda custom runtime for provided.al2023:
#   bootstrap                  the script Lambda runs
#   bin/cloud-sayings          the program (stripped)
#   lib/ld-linux-x86-64.so.2   this machine's dynamic loader...
#   lib/*.so*                  ...and every shared library the program needs, glibc included
# Like aws-lambda-cpp's packager: bootstrap runs the bundled loader on the binary with
# --library-path lib, so nothing but the kernel comes from the host. The binary is built
# against glibc 2.36 (Debian 12) and needs GLIBC_2.35+ symbols that provided.al2023's glibc
# 2.34 lacks; the bundled glibc supplies them. Usage: package_lambda.sh BINARY OUT.zip
set -euo pipefail
bin=${1:?usage: package_lambda.sh BINARY OUT.zip}
out=${2:?usage: package_lambda.sh BINARY OUT.zip}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/lib"
cp "$bin" "$work/bin/cloud-sayings"
strip --strip-unneeded "$work/bin/cloud-sayings"

# "libcurl.so.4 => /lib/x86_64-linux-gnu/libcurl.so.4 (0x...)" and "/lib64/ld-linux-x86-64.so.2 (0x...)"
loader=""
while read -r name arrow path _; do
  if [[ $arrow == "=>" && $path == /* ]]; then
    cp -L "$path" "$work/lib/$name"
  elif [[ $name == /*ld-linux* ]]; then
    loader=$name
  fi
done < <(ldd "$bin")
[[ -n $loader ]] || { echo "package_lambda: no dynamic loader in ldd output" >&2; exit 1; }
cp -L "$loader" "$work/lib/ld-linux-x86-64.so.2"
chmod 755 "$work/lib/ld-linux-x86-64.so.2"

cat >"$work/bootstrap" <<'SCRIPT'
#!/bin/sh
# Run by AWS Lambda (provided.al2023) from the function's directory (LAMBDA_TASK_ROOT).
# The bundled loader and libraries run the program; no shell utility is needed.
set -e
here=${LAMBDA_TASK_ROOT:-${0%/*}}
exec "$here/lib/ld-linux-x86-64.so.2" --library-path "$here/lib" "$here/bin/cloud-sayings" lambda "$@"
SCRIPT
chmod 755 "$work/bootstrap"

# Same bytes for the same inputs: fixed times, sorted entries, no extra attributes.
find "$work" -exec touch -h -d '1980-01-02 00:00:00' {} +
rm -f "$out"
(cd "$work" && find bootstrap bin lib -print | LC_ALL=C sort | zip -q -X -9 "$out" -@)
echo "package_lambda: $(du -k "$out" | cut -f1) KiB in $out ($(ls "$work/lib" | wc -l) files in lib/)"
