#!/usr/bin/env bash
# Fails when a layer includes a layer above it. Order, lowest first; a layer may include
# itself and anything lower. obs is used by everyone and depends only on core; net (the shared
# libcurl transport) is used by llm, secrets and store. api (the handlers) and lambda (the
# Lambda front door) are siblings: equal rank, so neither may include the other.
set -euo pipefail
src=${1:?usage: check_layers.sh SRC_DIR}
rank() {
  case $1 in
    core) echo 0 ;; obs|net) echo 1 ;;
    store|secrets|llm|http) echo 2 ;;
    cache) echo 3 ;;
    service) echo 4 ;;
    api|lambda) echo 5 ;;
    app) echo 6 ;;
    *) echo 99 ;;
  esac
}
bad=0
for dir in "$src"/*/; do
  layer=$(basename "$dir"); mine=$(rank "$layer")
  while IFS= read -r line; do
    file=${line%%:*}; inc=$(sed -E 's/.*#include "([a-z_]+)\/.*/\1/' <<<"$line")
    theirs=$(rank "$inc")
    if [[ $inc != "$layer" && $theirs -ge $mine ]]; then
      echo "layering: $file includes $inc/ (rank $theirs) from $layer/ (rank $mine)"; bad=1
    fi
  done < <(grep -rnE '#include "[a-z_]+/' "$dir" | sed -E 's/^([^:]+):[0-9]+:/\1:/' || true)
done
[[ $bad -eq 0 ]] && echo "layering ok"
exit $bad
