//! Writing a fixed report back in the bytes it came in. Editors' files are GBK,
//! UTF-16 (with or without a BOM) or UTF-8 (with or without a BOM); a fix must not
//! turn one into another. `Codec::for_file` finds how the file was encoded and
//! proves that re-encoding its own text gives its bytes back exactly; only then may a
//! fixed text be written, and only when every character of it can be encoded.

use std::borrow::Cow;

use encoding_rs::{Encoding, GB18030, GBK, UTF_8, UTF_16BE, UTF_16LE};

/// How a text file is encoded: its encoding and its byte-order mark.
#[derive(Clone, Copy, Debug)]
pub struct Codec {
    encoding: &'static Encoding,
    bom: &'static [u8],
}

impl Codec {
    /// The codec of `bytes`, read as `name` (the encoding the loader reported:
    /// `UTF-8`, `GBK`, `UTF-16LE`…), with the file's text. An error (in Chinese) when
    /// the bytes do not decode strictly or do not come back byte for byte.
    pub fn for_file(bytes: &[u8], name: &str) -> Result<(Codec, String), String> {
        let named = Encoding::for_label(name.as_bytes())
            .ok_or_else(|| format!("不认识的编码「{name}」"))?;
        let bom: &'static [u8] = match Encoding::for_bom(bytes) {
            Some((e, _)) if e == named => bom_of(e),
            _ => &[],
        };
        let body = &bytes[bom.len()..];
        // A file called GBK was read with the GB18030 decoder (a superset); write it
        // back with whichever of the two gives its bytes again.
        let candidates: &[&'static Encoding] = if named == GBK || named == GB18030 {
            &[GBK, GB18030]
        } else {
            &[named]
        };
        let text = named
            .decode_without_bom_handling_and_without_replacement(body)
            .ok_or_else(|| format!("文件不是有效的 {name} 文本"))?
            .into_owned();
        for &encoding in candidates {
            let codec = Codec { encoding, bom };
            if codec.encode(&text).is_some_and(|b| b == bytes) {
                return Ok((codec, text));
            }
        }
        Err(format!(
            "文件的 {name} 编码无法按原样写回（重新编码后的字节与原文件不同）"
        ))
    }

    /// The encoding's name, for messages.
    pub fn name(&self) -> &'static str {
        self.encoding.name()
    }

    /// The bytes of `text` in this codec (with the BOM when the file had one);
    /// `None` when a character cannot be encoded in it.
    pub fn encode(&self, text: &str) -> Option<Vec<u8>> {
        let mut out = self.bom.to_vec();
        if self.encoding == UTF_8 {
            out.extend_from_slice(text.as_bytes());
        } else if self.encoding == UTF_16LE {
            out.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        } else if self.encoding == UTF_16BE {
            out.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        } else {
            let (bytes, used, unmappable): (Cow<'_, [u8]>, _, bool) = self.encoding.encode(text);
            if unmappable || used != self.encoding {
                return None;
            }
            out.extend_from_slice(&bytes);
        }
        Some(out)
    }
}

fn bom_of(e: &'static Encoding) -> &'static [u8] {
    if e == UTF_8 {
        b"\xEF\xBB\xBF"
    } else if e == UTF_16LE {
        b"\xFF\xFE"
    } else if e == UTF_16BE {
        b"\xFE\xFF"
    } else {
        &[]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(bytes: &[u8], name: &str, text: &str) {
        let (codec, decoded) = Codec::for_file(bytes, name).expect("codec");
        assert_eq!(decoded, text);
        assert_eq!(codec.encode(text).as_deref(), Some(bytes));
    }

    #[test]
    fn every_report_encoding_comes_back_byte_for_byte() {
        let text = "一、总体情况\r\n共收到申请12件。\n";
        round_trip(text.as_bytes(), "UTF-8", text);
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(text.as_bytes());
        round_trip(&bom, "UTF-8", text);
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        round_trip(&le, "UTF-16LE", text);
        let mut le_bom = vec![0xFF, 0xFE];
        le_bom.extend_from_slice(&le);
        round_trip(&le_bom, "UTF-16LE", text);
        let mut be_bom = vec![0xFE, 0xFF];
        be_bom.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        round_trip(&be_bom, "UTF-16BE", text);
        let (gbk, _, _) = GBK.encode(text);
        round_trip(&gbk, "GBK", text);
    }

    #[test]
    fn a_character_gbk_cannot_hold_is_refused() {
        let (gbk, _, _) = GBK.encode("一、总体情况");
        let (codec, _) = Codec::for_file(&gbk, "GBK").expect("codec");
        assert_eq!(codec.encode("一、总体情况😀"), None);
    }

    #[test]
    fn bytes_that_do_not_decode_are_refused() {
        assert!(Codec::for_file(b"\xff\xfe\xfd abc", "UTF-8").is_err());
    }
}
