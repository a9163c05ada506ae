//! Bytes of a text file → text. Reports are saved in whatever the editor's tools
//! produce: UTF-8 (with or without a BOM), UTF-16 from Notepad's “Unicode”, GBK/GB18030
//! from older Windows tools, occasionally Big5 from mirror sites. The encoding comes
//! from a BOM, from the user (`--encoding`), from UTF-8 validity, or from a statistical
//! guess (chardetng); anything else is an error that says how to fix it.

use std::borrow::Cow;

use encoding_rs::{BIG5, Encoding, GB18030, GBK, UTF_8, UTF_16BE, UTF_16LE};

use super::{LoadError, LoadErrorKind};

/// How many bytes are looked at to tell UTF-16 without a BOM. Binary data is told by
/// a NUL byte anywhere in an 8-bit text (a NUL character anywhere in UTF-16): a text
/// file never has one, and a report with binary data after its first pages is not one.
const SNIFF: usize = 8192;

/// Text and the encoding it was decoded from.
#[derive(Debug)]
pub struct Decoded {
    pub text: String,
    pub encoding: &'static Encoding,
}

/// The encodings a Chinese report may come in, for `--encoding` and messages.
pub const NAMES: &str = "utf-8、utf-16le、utf-16be、gbk、gb18030、big5";

/// Looks up an encoding by a user-given label (`gbk`, `GB2312`, `utf-16`…).
pub fn by_label(label: &str) -> Option<&'static Encoding> {
    match label.trim().to_ascii_lowercase().as_str() {
        // WHATWG maps "utf-16" to UTF-16LE; say so explicitly for users.
        "utf16" | "utf-16" | "unicode" => Some(UTF_16LE),
        "utf8" => Some(UTF_8),
        l => Encoding::for_label(l.as_bytes()),
    }
}

/// The encoding's name as shown to users.
pub fn display_name(e: &'static Encoding) -> &'static str {
    e.name()
}

/// `decode`, for bytes the caller gives away: a UTF-8 file (the usual case) becomes
/// the text without a copy, so a large file is not held twice while it is read.
pub fn decode_owned(
    name: &str,
    bytes: Cow<'_, [u8]>,
    forced: Option<&'static Encoding>,
    declared: Option<&'static Encoding>,
) -> Result<Decoded, LoadError> {
    // The conditions under which `decode` takes the bytes as UTF-8, in its order.
    let maybe_plain = forced.is_none()
        && Encoding::for_bom(&bytes).is_none()
        && utf16_without_bom(&bytes[..bytes.len().min(SNIFF)]).is_none()
        && !bytes.contains(&0);
    match bytes {
        Cow::Owned(v) if maybe_plain => match String::from_utf8(v) {
            Ok(text) => Ok(Decoded {
                text,
                encoding: UTF_8,
            }),
            Err(e) => decode(name, e.as_bytes(), forced, declared),
        },
        bytes => decode(name, &bytes, forced, declared),
    }
}

/// Decodes `bytes`. `forced` is the user's `--encoding`; `declared` an encoding the file
/// itself declares (an HTML `<meta charset>`), used when the bytes agree with it.
pub fn decode(
    name: &str,
    bytes: &[u8],
    forced: Option<&'static Encoding>,
    declared: Option<&'static Encoding>,
) -> Result<Decoded, LoadError> {
    if let Some(enc) = forced {
        return strict(name, bytes, enc);
    }
    if let Some((enc, bom)) = Encoding::for_bom(bytes) {
        return strict(name, &bytes[bom..], enc).and_then(|d| no_nul(name, d));
    }
    if let Some(enc) = utf16_without_bom(&bytes[..bytes.len().min(SNIFF)]) {
        return strict(name, bytes, enc).and_then(|d| no_nul(name, d));
    }
    if bytes.contains(&0) {
        return Err(LoadError::new(name, LoadErrorKind::Binary(None)));
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(Decoded {
            text: text.to_string(),
            encoding: UTF_8,
        });
    }
    if let Some(enc) = declared.filter(|e| *e != UTF_8 && !is_utf16(e))
        && let Ok(d) = strict(name, bytes, enc)
    {
        return Ok(d);
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let guess = detector.guess(None, chardetng::Utf8Detection::Deny);
    // The GBK decoder of the Encoding Standard decodes all of GB18030.
    let accepted = if guess == GBK || guess == GB18030 {
        Some(GB18030)
    } else if guess == BIG5 {
        Some(BIG5)
    } else {
        None
    };
    match accepted {
        Some(enc) => strict(name, bytes, enc).map(|mut d| {
            // Name what users know: GBK (a GB18030 decoder reads it).
            if guess == GBK {
                d.encoding = GBK;
            }
            d
        }),
        None => {
            let offset = std::str::from_utf8(bytes)
                .err()
                .map_or(0, |e| e.valid_up_to());
            Err(LoadError::new(
                name,
                LoadErrorKind::UnknownEncoding {
                    guess: guess.name(),
                    offset,
                },
            ))
        }
    }
}

/// A decoded text with a NUL character anywhere is binary data.
fn no_nul(name: &str, d: Decoded) -> Result<Decoded, LoadError> {
    if d.text.contains('\0') {
        Err(LoadError::new(name, LoadErrorKind::Binary(None)))
    } else {
        Ok(d)
    }
}

fn is_utf16(e: &'static Encoding) -> bool {
    e == UTF_16LE || e == UTF_16BE
}

/// Decodes with `enc`, failing on the first malformed byte.
fn strict(name: &str, bytes: &[u8], enc: &'static Encoding) -> Result<Decoded, LoadError> {
    let mut decoder = enc.new_decoder_without_bom_handling();
    let mut text = String::with_capacity(
        decoder
            .max_utf8_buffer_length_without_replacement(bytes.len())
            .unwrap_or(bytes.len()),
    );
    let (result, read) = decoder.decode_to_string_without_replacement(bytes, &mut text, true);
    match result {
        encoding_rs::DecoderResult::InputEmpty => {
            let mut text = text;
            if text.starts_with('\u{FEFF}') {
                // In place: a large file is not copied for it.
                text.replace_range(..'\u{FEFF}'.len_utf8(), "");
            }
            Ok(Decoded {
                text,
                encoding: enc,
            })
        }
        encoding_rs::DecoderResult::Malformed(bad, _) => {
            let offset = read.saturating_sub(usize::from(bad));
            let kind = if enc == UTF_8 {
                LoadErrorKind::NotUtf8 { offset }
            } else {
                LoadErrorKind::Malformed {
                    encoding: enc.name(),
                    offset,
                }
            };
            Err(LoadError::new(name, kind))
        }
        encoding_rs::DecoderResult::OutputFull => Err(LoadError::new(
            name,
            LoadErrorKind::Malformed {
                encoding: enc.name(),
                offset: read,
            },
        )),
    }
}

/// UTF-16 without a BOM, told by the zero high bytes of ASCII characters (digits,
/// spaces, line breaks) at every other position. Reports always have some.
fn utf16_without_bom(head: &[u8]) -> Option<&'static Encoding> {
    let pairs = head.len() / 2;
    // Without a zero byte both counts below are zero: no pair needs counting (a
    // search for one zero byte is far faster than the count, and every file asks).
    if pairs < 4 || !head.contains(&0) {
        return None;
    }
    let (mut even, mut odd) = (0usize, 0usize);
    for pair in head.chunks_exact(2) {
        even += usize::from(pair[0] == 0);
        odd += usize::from(pair[1] == 0);
    }
    // Mostly Chinese text with some ASCII: zeros on one side only.
    // (A few CJK characters, such as 一 U+4E00, have a zero byte too.)
    if odd * 10 >= pairs && even * 4 <= odd {
        Some(UTF_16LE)
    } else if even * 10 >= pairs && odd * 4 <= even {
        Some(UTF_16BE)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(bytes: &[u8]) -> Result<(String, &'static str), String> {
        decode("t", bytes, None, None)
            .map(|d| (d.text, d.encoding.name()))
            .map_err(|e| e.message())
    }

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(
            enc("一、总体情况".as_bytes()),
            Ok(("一、总体情况".into(), "UTF-8"))
        );
        let mut b = vec![0xEF, 0xBB, 0xBF];
        b.extend_from_slice("一、".as_bytes());
        assert_eq!(enc(&b), Ok(("一、".into(), "UTF-8")));
    }

    #[test]
    fn utf16_with_and_without_bom() {
        let text = "一、总体情况\n2024年 12件\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let mut bom = vec![0xFF, 0xFE];
        bom.extend_from_slice(&le);
        assert_eq!(enc(&bom), Ok((text.into(), "UTF-16LE")));
        assert_eq!(enc(&le), Ok((text.into(), "UTF-16LE")));
        assert_eq!(enc(&be), Ok((text.into(), "UTF-16BE")));
    }

    #[test]
    fn gbk_is_detected() {
        let text = "一、总体情况\n本年度共收到政府信息公开申请12件，全部按时答复。\n";
        let (bytes, _, _) = GBK.encode(text);
        assert_eq!(enc(&bytes), Ok((text.into(), "GBK")));
    }

    #[test]
    fn binary_and_unknown_encodings_are_errors() {
        assert!(enc(&[1, 0, 0, 0, 7, 0, 0, 9, 0, 0, 1, 1]).is_err());
        let latin = b"Caf\xe9 cr\xe8me br\xfbl\xe9e, r\xe9sum\xe9 na\xefve fa\xe7ade";
        let e = enc(latin).expect_err("latin-1 is not a report encoding");
        assert!(e.contains("编码"), "{e}");
    }

    #[test]
    fn a_nul_anywhere_is_binary_in_utf8_and_utf16() {
        let mut late = "一、总体情况\n".repeat(4000).into_bytes();
        late.extend_from_slice(b"\0\x01\x02");
        assert!(late.len() > 3 * SNIFF);
        assert!(enc(&late).is_err_and(|e| e.contains("二进制")));
        let mut utf16: Vec<u8> = "一、总体情况\n2024年 12件\n"
            .repeat(2000)
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert!(enc(&utf16).is_ok());
        utf16.extend_from_slice(&[0, 0, 1, 2]);
        assert!(enc(&utf16).is_err_and(|e| e.contains("二进制")));
    }

    #[test]
    fn forced_encoding_reports_the_bad_byte() {
        let e = decode("t", b"ab\xff", Some(UTF_8), None).expect_err("bad utf-8");
        assert!(
            matches!(e.kind, LoadErrorKind::NotUtf8 { offset: 2 }),
            "{e:?}"
        );
    }
}
