#!/usr/bin/env bash
# Untrusted JSON is read only through cs::jsonf (src/core/json_field.hpp), and no std::regex
# runs anywhere in src/ (issue 13: a type_error from nlohmann's throwing accessors, or a
# std::regex recursion on a long run of spaces, took the whole server down).
#
# In the files that read documents someone else wrote (provider answers, SSM, DynamoDB,
# client bodies, Lambda events) this fails on:
#   - nlohmann's throwing or asserting accessors: .value(  .get<  .get_ref<  .get_to(  .at(
#     and operator[];
#   - a subscript with a string key (x["k"]) or on a name the file declares as JSON (json, Json,
#     nlohmann::json, a jsonf/nlohmann parse result, a range-for over one) or on (*p)[...]
#     unless it is the target of an assignment (x["k"] = ...: building our own request or
#     response document, which never reads what was sent).
# Comments are ignored. Usage: check_untrusted_json.sh <repo root>
set -euo pipefail
root=${1:?usage: check_untrusted_json.sh <repo root>}
cd "$root"

files=(
  src/llm/anthropic_adapter.cpp src/llm/openai_adapter.cpp src/llm/error_classify.cpp
  src/llm/batch_parser.cpp src/secrets/ssm_source.cpp
  src/store/dynamo/attribute_value.cpp src/store/dynamo/item_codec.cpp
  src/store/dynamo/requests.cpp src/store/dynamo/dynamo_error.cpp
  src/api/feedback_handler.cpp src/api/compare.cpp src/api/arena_handler.cpp
  src/api/passthrough_handler.cpp
  src/store/dynamo/dynamo_arena.cpp src/store/sqlite_arena.cpp
)
for f in src/lambda/*.cpp; do [[ -e $f ]] && files+=("$f"); done

status=0
for f in "${files[@]}"; do
  if [[ ! -f $f ]]; then
    echo "check_untrusted_json: $f is listed but missing (update the list)"
    status=1
    continue
  fi
done

perl -e '
use strict; use warnings;
my $bad = 0;
# Drops // and /* */ comments, keeping string literals (a "//" inside quotes stays).
sub code_of {
  my ($line, $in_block) = @_;
  my $out = ""; my $i = 0; my $n = length $line; my $q = "";
  while ($i < $n) {
    my $c = substr($line, $i, 1); my $two = substr($line, $i, 2);
    if ($$in_block) { if ($two eq "*/") { $$in_block = 0; $i += 2; } else { $i++; } next; }
    if ($q ne "") { $out .= $c; if ($c eq "\\") { $out .= substr($line, $i + 1, 1); $i += 2; next; }
                    $q = "" if $c eq $q; $i++; next; }
    if ($two eq "//") { last; }
    if ($two eq "/*") { $$in_block = 1; $i += 2; next; }
    if ($c eq "\"" || ($c eq "\x27" && substr($line, $i - 1, 1) !~ /[0-9A-Fa-f]/)) { $q = $c; }
    $out .= $c; $i++;
  }
  return $out;
}
# Index of the "]" closing the "[" at $open, or -1.
sub closing {
  my ($s, $open) = @_; my $depth = 0;
  for (my $i = $open; $i < length $s; $i++) {
    my $c = substr($s, $i, 1);
    $depth++ if $c eq "["; $depth-- if $c eq "]";
    return $i if $depth == 0;
  }
  return -1;
}
# True when the subscript chain starting at $open is assigned to (x["a"]["b"] = ...).
sub assigned {
  my ($s, $open) = @_;
  my $end = closing($s, $open);
  return 0 if $end < 0;
  while (1) {
    my $rest = substr($s, $end + 1);
    if ($rest =~ /^\s*\[/) { $end = closing($s, $end + 1 + $-[0] + length($&) - 1); return 0 if $end < 0; next; }
    return $rest =~ /^\s*=(?!=)/ ? 1 : 0;
  }
}
for my $file (@ARGV) {
  open my $fh, "<", $file or die "$file: $!";
  my @lines = <$fh>; close $fh;
  my $in_block = 0; my @code = map { code_of($_, \$in_block) } @lines;
  my $type = qr/(?:nlohmann::(?:ordered_)?json|jsonf::Json|Json|json)/;
  my %json;
  for my $c (@code) {
    while ($c =~ /\b$type\s*(?:const\s*)?[&*]*\s+(?:const\s*)?[&*]*\s*(\w+)\s*(?=[=;,)({])/g) { $json{$1} = 1; }
    while ($c =~ /\b$type\s*[&*]+\s*(\w+)/g) { $json{$1} = 1; }
    while ($c =~ /\bauto\s*[&*]*\s*(\w+)\s*=\s*(?:\w+::)*parse\s*\(/g) { $json{$1} = 1; }
  }
  for my $c (@code) {  # a range-for over a JSON value gives JSON elements
    while ($c =~ /for\s*\(\s*(?:const\s+)?auto\s*&*\s*(\w+)\s*:\s*\**\s*(\w+)\s*\)/g) { $json{$1} = 1 if $json{$2}; }
  }
  delete $json{$_} for qw(const auto return std string);
  my $names = join "|", map { quotemeta } sort keys %json;
  for my $i (0 .. $#code) {
    my $c = $code[$i]; my @why;
    push @why, "$1" while $c =~ /(\.(?:value|get_to|at)\s*\(|\.(?:get|get_ref)\s*<|\boperator\s*\[\])/g;
    while ($c =~ /(?<=[\w)\]])\s*\[/g) {
      my $open = $+[0] - 1; my $before = substr($c, 0, $open);
      my $inside = substr($c, $open + 1, 1);
      my $on_json = ($names ne "" && $before =~ /\b(?:$names)\s*$/) || $before =~ /\)\s*$/;
      my $string_key = $inside eq "\"";
      next unless $on_json || $string_key;
      next if $before =~ /\b(?:char|int|double|std::size_t|std::uint8_t)\s+\w+\s*$/;  # an array declaration
      next if assigned($c, $open);
      push @why, "subscript";
    }
    for my $w (@why) { printf "%s:%d: %s on untrusted JSON (use cs::jsonf): %s", $file, $i + 1, $w, $lines[$i]; $bad = 1; }
  }
}
exit $bad;
' "${files[@]}" || status=1

# No std::regex on anything, anywhere in src/ (comments aside): libstdc++'s matcher recurses
# per character and is slow beyond linear on the patterns we had.
while IFS= read -r hit; do
  file=${hit%%:*}; rest=${hit#*:}; line=${rest%%:*}; text=${rest#*:}
  code=${text%%//*}
  if [[ $code == *"std::regex"* || $code == *"<regex>"* ]]; then
    echo "$file:$line: std::regex in src/ (use plain scanning): $text"
    status=1
  fi
done < <(grep -rn --include='*.cpp' --include='*.hpp' -e 'std::regex' -e '<regex>' src || true)

if [[ $status -eq 0 ]]; then
  echo "check_untrusted_json: ${#files[@]} untrusted-JSON readers use cs::jsonf only; no std::regex in src/"
fi
exit $status
