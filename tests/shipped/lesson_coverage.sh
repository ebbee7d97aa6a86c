#!/usr/bin/env bash
# The coverage table in lessons/README.md ("## Coverage: ...") must name every concept of the
# subject (issue 16), and each row must name at least one question; every "LESSON sN" must be a
# step of an existing lesson and every "LESSON:ID" a question id that `maillab lesson --key`
# prints for it. Usage: lesson_coverage.sh MAILLAB SOURCE_DIR
set -u
maillab=$1 source=$2
readme=$source/lessons/README.md
required=("roles" "ports and TLS" "SMTP dialogue and reply codes" "MX and A records and preference"
          "DNS walk and caching" "queue, retry, bounce and DSNs" "POP3 vs IMAP" "SPF, DKIM, DMARC"
          "relaying" "Received headers")
# The table's rows: the lines starting with "|" after the heading, skipping the header and rule.
rows=$(awk '/^## Coverage/ {on=1; next} on && /^## / {on=0} on && /^\|/' "$readme" | tail -n +3)
[ -n "$rows" ] || { echo "$readme: no coverage table under '## Coverage'"; exit 1; }
failures=0
fail() { echo "$readme: $*"; failures=$((failures + 1)); }
declare -A steps keys
lesson_known() {  # lesson_known NAME: loads the step count and key of lessons/NAME.yaml once
  local name=$1 file=$source/lessons/$1.yaml
  [ -n "${steps[$name]+x}" ] && { [ -n "${steps[$name]}" ]; return; }
  [ -f "$file" ] || return 1
  steps[$name]=$("$maillab" lesson "$file" --check | sed -n 's/.*ok (\([0-9]*\) steps.*/\1/p')
  keys[$name]=$("$maillab" lesson "$file" --key | sed -n 's/^[^#]*# \([^:]*\):.*/\1/p')
  [ -n "${steps[$name]}" ]
}
for concept in "${required[@]}"; do
  printf '%s\n' "$rows" | awk -F'|' -v c="$concept" '{gsub(/^ +| +$/, "", $2)} index($2, c) == 1 {found=1} END {exit !found}' ||
    fail "concept '$concept' has no row in the coverage table"
done
while IFS='|' read -r _ concept taught asked _; do
  concept=$(echo "$concept" | sed 's/^ *//; s/ *$//')
  IFS=',' read -ra step_refs <<<"$taught"
  for ref in "${step_refs[@]}"; do
    read -r name step <<<"$ref"
    [[ $step =~ ^s([0-9]+)$ ]] || { fail "'$concept': '$ref' is not 'LESSON sN'"; continue; }
    lesson_known "$name" || { fail "'$concept': no lesson lessons/$name.yaml"; continue; }
    [ "${BASH_REMATCH[1]}" -ge 1 ] && [ "${BASH_REMATCH[1]}" -le "${steps[$name]}" ] ||
      fail "'$concept': $name has no step ${BASH_REMATCH[1]} (it has ${steps[$name]})"
  done
  IFS=',' read -ra question_refs <<<"$asked"
  questions=0
  for ref in "${question_refs[@]}"; do
    ref=$(echo "$ref" | tr -d ' ')
    [ -n "$ref" ] || continue
    name=${ref%%:*} id=${ref#*:}
    lesson_known "$name" || { fail "'$concept': no lesson lessons/$name.yaml"; continue; }
    grep -qxF "$id" <<<"${keys[$name]}" || { fail "'$concept': $name has no question $id"; continue; }
    questions=$((questions + 1))
  done
  [ "$questions" -gt 0 ] || fail "'$concept' has no question that asks it"
done <<<"$rows"
[ "$failures" -eq 0 ] && echo "coverage table: $(printf '%s\n' "$rows" | wc -l) concepts, every step and question exists"
[ "$failures" -eq 0 ]
