#!/usr/bin/env bash
# Writes the seed corpora of the fuzz targets (fuzz/corpus/<target>/) from the
# project's own fixtures: the example reports, the format fixtures, the packs' test
# reports, and the packs' TOML files. The corpora are generated, not committed
# (fuzz/.gitignore); run this once before `cargo fuzz run`.
set -euo pipefail
cd "$(dirname "$0")"
root=..
corpus=corpus
rm -rf "$corpus/seed-tmp"
for t in load_text load_markdown load_html load_docx lint_text pack_toml; do
  mkdir -p "$corpus/$t"
done
n=0
put() { # target file
  n=$((n + 1))
  cp "$2" "$corpus/$1/seed-$(printf %04d $n)"
}
for f in "$root"/examples/*.txt "$root"/tests/fixtures/*.txt "$root"/rules/*/tests/*.txt; do
  put lint_text "$f"
  put load_text "$f"
done
for f in "$root"/tests/fixtures/formats/*.txt; do put load_text "$f"; done
for f in "$root"/tests/fixtures/formats/*.md; do put load_markdown "$f"; done
for f in "$root"/tests/fixtures/formats/*.html; do put load_html "$f"; done
for f in "$root"/tests/fixtures/formats/*.docx; do
  put load_docx "$f"
  # The XML itself too: the target also walks its input as `word/document.xml`.
  if command -v unzip > /dev/null; then
    n=$((n + 1))
    unzip -p "$f" word/document.xml > "$corpus/load_docx/seed-$(printf %04d $n)"
  fi
done
for f in "$root"/rules/*/*.toml "$root"/tests/packs/*/*.toml; do put pack_toml "$f"; done
# Small hand-made shapes the fixtures lack.
printf '\xef\xbb\xbf' > "$corpus/load_text/seed-bom"
printf '\xff\xfe\x00\x4e\x01\x30' > "$corpus/load_text/seed-utf16"
printf '<table><tr><td rowspan=3 colspan=2>a</td><td>1</td></tr><tr><td><table><tr><td>x</td></tr></table></td></tr></table>' \
  > "$corpus/load_html/seed-tables"
printf '<!DOCTYPE html [<!ENTITY a "aaaa">]><p>&a;&amp;&#x4e00;</p><pre>\r\n x</pre>' > "$corpus/load_html/seed-entities"
echo "seed corpora written to fuzz/$corpus/ ($(find "$corpus" -type f | wc -l) files)"
