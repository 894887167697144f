#!/bin/bash
# Prints the Debian mirror and the security mirror configured in this machine's apt sources, one
# per line (main first). The image is built from whatever mirror the builder already trusts; no
# host name is written into our scripts.
set -euo pipefail

main= security=
shopt -s nullglob
# deb822 .sources files: a URIs: line and a Suites: line per stanza.
for f in /etc/apt/sources.list.d/*.sources; do
    while read -r uri suites; do
        case "$suites" in
            *-security*) [ -n "$security" ] || security=$uri ;;
            *) [ -n "$main" ] || main=$uri ;;
        esac
    done < <(awk '/^URIs:/{u=$2} /^Suites:/{s=$0} /^$/{if(u!=""&&s!="")print u, s; u=""; s=""} END{if(u!=""&&s!="")print u, s}' "$f" |
             grep -E ' .*(bookworm|trixie|stable|bullseye|sid)' | grep -Ei 'debian')
done
# One-line sources.list form.
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -r "$f" ] || continue
    while read -r _ uri suite _; do
        case "$suite" in
            *-security*) [ -n "$security" ] || security=$uri ;;
            *) [ -n "$main" ] || main=$uri ;;
        esac
    done < <(grep -E '^deb [^ ]*debian' "$f" | sed -E 's/\[[^]]*\] //')
done
if [ -z "$main" ]; then
    echo "mirrors.sh: no Debian mirror in /etc/apt/sources*: add one (see sources.list(5))" >&2
    exit 1
fi
echo "${main%/}"
echo "${security%/}"
