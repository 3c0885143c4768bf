#!/bin/sh
# Prints authors, busiest files and recent subjects for the repository in the current directory.
set -eu
since="${1:-2.weeks}"
git rev-parse --is-inside-work-tree >/dev/null
echo "## Commits per author since $since"
git shortlog -sn --since="$since" HEAD
echo
echo "## Most changed files"
git log --since="$since" --name-only --pretty=format: | sed '/^$/d' | sort | uniq -c | sort -rn | head -15
echo
echo "## Last 20 subjects"
git log --since="$since" -20 --pretty='%h %ad %s' --date=short
