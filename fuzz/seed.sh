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
for f in "$root"/tests/fixtures/formats/*.md "$root"/rules/*/tests/*.md "$root"/tests/packs/*/tests/*.md; do
  put load_markdown "$f"
done
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
# load_docx also reads NUL-separated parts (document, numbering, styles, comments)
# as a Word document: a small one with automatic numbering, a heading style, merged
# cells and a nianbao comment.
w='xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
lvl() { # ilvl format text
  printf '<w:lvl w:ilvl="%s"><w:start w:val="1"/><w:numFmt w:val="%s"/><w:lvlText w:val="%s"/></w:lvl>' "$1" "$2" "$3"
}
{
  printf '<w:document %s><w:body>' "$w"
  printf '<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>总体情况</w:t></w:r></w:p>'
  printf '<w:p><w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="1"/></w:numPr></w:pPr><w:commentRangeStart w:id="0"/>'
  printf '<w:r><w:t>主动公开政府信息情况</w:t></w:r><w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/></w:r></w:p>'
  printf '<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="2"/><w:vMerge w:val="restart"/></w:tcPr>'
  printf '<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="10"/></w:numPr></w:pPr><w:r><w:t>属于国家秘密</w:t></w:r></w:p></w:tc>'
  printf '<w:tc><w:p><w:r><w:t>3</w:t></w:r></w:p></w:tc></w:tr><w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>'
  printf '<w:tc><w:p><w:r><w:tab/><w:t>4</w:t><w:br/></w:r></w:p></w:tc></w:tr></w:tbl><w:sectPr/></w:body></w:document>'
  printf '\0<w:numbering %s><w:abstractNum w:abstractNumId="0">%s%s</w:abstractNum>' "$w" \
    "$(lvl 0 chineseCountingThousand '%1、')" "$(lvl 1 chineseCounting '（%2）')"
  printf '<w:abstractNum w:abstractNumId="5">%s</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>' \
    "$(lvl 0 decimal '%1.')"
  printf '<w:num w:numId="10"><w:abstractNumId w:val="5"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num></w:numbering>'
  printf '\0<w:styles %s><w:style w:type="paragraph" w:styleId="Base"><w:basedOn w:val="Normal"/>' "$w"
  printf '<w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style><w:style w:type="paragraph" w:styleId="Heading1">'
  printf '<w:name w:val="heading 1"/><w:basedOn w:val="Base"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style></w:styles>'
  printf '\0<w:comments %s><w:comment w:id="0" w:author="a"><w:p><w:r><w:t>nianbao-disable S201</w:t></w:r></w:p></w:comment></w:comments>' "$w"
} > "$corpus/load_docx/seed-parts"
echo "seed corpora written to fuzz/$corpus/ ($(find "$corpus" -type f | wc -l) files)"
